package replies

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/semaphore"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/store"
)

// SyncResult counts what syncing one mailbox did.
type SyncResult struct {
	Pages    int  `json:"pages"`    // pages committed
	Fetched  int  `json:"fetched"`  // messages the provider returned
	Stored   int  `json:"stored"`   // new messages stored
	Skipped  int  `json:"skipped"`  // already stored, our own sent copies, unreadable
	Complete bool `json:"complete"` // false when MaxPages stopped it: the next pass goes on
}

// Totals is what one SyncAll pass did.
type Totals struct {
	Mailboxes int // mailboxes synced without error
	Failed    int // mailboxes whose sync failed (recorded on the mailbox)
	Messages  int // new messages stored
	Replies   int // replies from conversations delivered to providers
}

// errCursorMoved means another sync committed the same page first.
var errCursorMoved = errors.New("replies: the mailbox's cursor moved under this sync")

// ErrProviderUnavailable is returned for a mailbox whose provider this
// build cannot open.
var ErrProviderUnavailable = errors.New("replies: no provider for this mailbox")

// SyncAll syncs every active mailbox, Concurrency at a time, then delivers
// replies from conversations that wait for another attempt. A mailbox that
// fails is recorded on its row (last error, consecutive failures) and does
// not stop the others; the error returned is only the context's.
func (s *Service) SyncAll(ctx context.Context) (Totals, error) {
	var t Totals
	start := s.env.Now()
	targets, err := s.st.MailboxesToSync(ctx)
	if err != nil {
		return t, fmt.Errorf("list mailboxes to sync: %w", err)
	}
	lag := 0.0
	for _, target := range targets {
		since := target.CreatedAt
		if target.LastSyncAt != nil {
			since = *target.LastSyncAt
		}
		lag = max(lag, start.Sub(since).Seconds())
	}
	defer func() { s.metrics.pass(s.env.Now().Sub(start).Seconds(), lag) }()
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan store.SyncTarget)
	for range min(s.cfg.Concurrency, max(len(targets), 1)) {
		wg.Go(func() {
			for target := range work {
				res, err := s.syncTarget(ctx, target)
				mu.Lock()
				t.Messages += res.Stored
				if err != nil {
					t.Failed++
				} else {
					t.Mailboxes++
				}
				mu.Unlock()
			}
		})
	}
	for _, target := range targets {
		if ctx.Err() != nil {
			break
		}
		work <- target
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return t, err
	}
	t.Replies, err = s.DeliverDue(ctx)
	return t, err
}

// Sync reads one mailbox from its stored cursor until the provider has no
// more (or MaxPages were read). A paused, disconnected or missing mailbox
// is not read: store.ErrNotFound for a missing one, a zero result for the
// others.
func (s *Service) Sync(ctx context.Context, mailboxID string) (SyncResult, error) {
	t, err := s.st.MailboxToSync(ctx, mailboxID)
	if err != nil {
		return SyncResult{}, err
	}
	if t.Status != store.MailboxActive {
		return SyncResult{}, nil
	}
	return s.syncTarget(ctx, t)
}

// SyncNow syncs one of a workspace's mailboxes at once (the "sync now"
// button). A mailbox that is not active answers 409; a provider failure
// 503 with the provider's answer, also recorded on the mailbox.
func (s *Service) SyncNow(ctx context.Context, ws, mailboxID string) (SyncResult, error) {
	i, err := s.st.InWorkspace(ws).Mailbox(ctx, mailboxID)
	if err != nil {
		return SyncResult{}, err
	}
	if i.Status != store.MailboxActive {
		return SyncResult{}, problem.New(problem.Conflict, "mailbox_not_active",
			"This mailbox is %s; only an active mailbox is read.", i.Status)
	}
	t, err := s.st.MailboxToSync(ctx, mailboxID)
	if err != nil {
		return SyncResult{}, err
	}
	res, err := s.syncTarget(ctx, t)
	if err != nil && ctx.Err() == nil {
		return res, problem.New(problem.Unavailable, "sync_failed", "The mailbox could not be read: %s.", failureText(err))
	}
	return res, err
}

func (s *Service) syncTarget(ctx context.Context, t store.SyncTarget) (res SyncResult, err error) {
	if _, busy := s.running.LoadOrStore(t.ID, struct{}{}); busy {
		return res, nil // this process is syncing it already
	}
	defer s.running.Delete(t.ID)
	open, ok := s.providers[t.Provider]
	if !ok {
		return res, s.recordFailure(ctx, t, ErrProviderUnavailable)
	}
	mb, err := open(ctx, t.WorkspaceID, t.Mailbox)
	if err != nil {
		return res, s.recordFailure(ctx, t, err)
	}
	defer mb.Close()

	// Fetching and reading the next pages overlaps storing the earlier
	// ones. Pages that are ready together are stored together, in order,
	// in one transaction (up to batchMessages messages and batchBytes):
	// a backlog costs a few statements per thousand messages rather than
	// per hundred. The fetched bytes waiting to be stored are bounded by
	// batchBytes (room), so a mailbox of large messages cannot pile them
	// up in memory faster than they are stored.
	pages := make(chan fetchedPage, 8)
	room := semaphore.NewWeighted(s.batchBytes())
	fctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // before mb.Close (deferred first, runs last)
	defer cancel()
	wg.Go(func() { s.fetchPages(fctx, t, mb, room, pages) })

	stored := t.Cursor
	for {
		batch, fetchErr := nextBatch(pages, s.batchBytes())
		if len(batch) == 0 && fetchErr == nil {
			return res, ctx.Err() // the provider has no more (or ctx ended)
		}
		if len(batch) > 0 {
			var items []item
			fetched, weight := 0, int64(0)
			for _, fp := range batch {
				items = append(items, fp.items...)
				fetched += len(fp.page.Messages)
				weight += fp.weight
			}
			last := batch[len(batch)-1].page
			n, skipped, err := s.commitPage(ctx, t, stored, last.Cursor, items)
			room.Release(weight)
			if errors.Is(err, errCursorMoved) {
				return res, nil // another sync is reading this mailbox
			}
			if err != nil {
				return res, s.recordFailure(ctx, t, err)
			}
			res.Pages += len(batch)
			res.Fetched += fetched
			res.Stored += n
			res.Skipped += skipped + fetched - len(items)
			stored = last.Cursor
			res.Complete = !last.More
		}
		if fetchErr != nil {
			return res, s.recordFailure(ctx, t, fetchErr)
		}
	}
}

// batchMessages is how many fetched messages one transaction stores at
// most when several pages are ready at once.
const batchMessages = 1000

// nextBatch waits for the next fetched page and takes those ready behind
// it, up to batchMessages messages and maxBytes of them. A fetch error ends
// the batch: the pages before it are returned with it, to be stored first.
func nextBatch(pages <-chan fetchedPage, maxBytes int64) ([]fetchedPage, error) {
	fp, ok := <-pages
	if !ok {
		return nil, nil
	}
	if fp.err != nil {
		return nil, fp.err
	}
	batch, n, size := []fetchedPage{fp}, len(fp.page.Messages), fp.weight
	for n < batchMessages && size < maxBytes {
		select {
		case fp, ok := <-pages:
			if !ok {
				return batch, nil
			}
			if fp.err != nil {
				return batch, fp.err
			}
			batch, n, size = append(batch, fp), n+len(fp.page.Messages), size+fp.weight
		default:
			return batch, nil
		}
	}
	return batch, nil
}

// fetchedPage is a page read and prepared, or the error that ended the
// fetching.
type fetchedPage struct {
	page   provider.Page
	items  []item
	weight int64 // the bytes taken from the sync's room for it
	err    error
}

// fetchPages fetches up to MaxPages pages from the mailbox's cursor and
// prepares their messages, handing each to out; it closes out when the
// provider has no more, on an error (sent last) or when ctx ends. Each page
// takes its bytes from room before it is handed on (the caller gives them
// back once the page is stored), so the next page is fetched only when
// there is room for it: fetched mail waiting to be stored stays within
// room's size, whatever the provider returns.
func (s *Service) fetchPages(ctx context.Context, t store.SyncTarget, mb provider.Mailbox, room *semaphore.Weighted, out chan<- fetchedPage) {
	defer close(out)
	from, restarted := t.Cursor, false
	for range s.cfg.MaxPages {
		page, err := mb.Fetch(ctx, from)
		if provider.Kind(err) == provider.CursorExpired && !restarted {
			// The provider could not rescan by itself: start over; the
			// messages already stored are skipped one by one.
			restarted, from = true, ""
			continue
		}
		fp := fetchedPage{page: page, err: err}
		if err == nil {
			fp.items = s.prepare(ctx, t, page.Messages)
			fp.weight = min(pageBytes(page), s.batchBytes())
			if room.Acquire(ctx, fp.weight) != nil {
				return
			}
		}
		select {
		case out <- fp:
		case <-ctx.Done():
			return
		}
		if err != nil || !page.More {
			return
		}
		from = page.Cursor
	}
}

// pageBytes is the raw size of a page's messages.
func pageBytes(p provider.Page) int64 {
	var n int64
	for _, m := range p.Messages {
		n += int64(len(m.Raw))
	}
	return n
}

// recordFailure notes a failed sync on the mailbox. An authentication
// failure also marks it disconnected with the provider's reason (the send
// engine then holds its work) and writes the audit event inbox.disconnected.
// It returns err, or the context's error when ctx ended.
func (s *Service) recordFailure(ctx context.Context, t store.SyncTarget, err error) error {
	if ctx.Err() != nil || provider.IsContextError(err) {
		return err
	}
	reason := failureText(err)
	s.metrics.failed(provider.Kind(err).String())
	s.env.Log().WarnContext(ctx, "inbox sync failed", "inbox_id", t.ID, "workspace_id", t.WorkspaceID,
		"kind", provider.Kind(err).String(), "err", reason)
	werr := s.st.InTx(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		q := tx.InWorkspace(t.WorkspaceID)
		if err := q.RecordSyncFailure(ctx, t.ID, reason); err != nil {
			return err
		}
		if !provider.IsAuth(err) {
			return nil
		}
		// The provider registry may have disconnected it already (and
		// audited that): one event per disconnection.
		if cur, err := q.Mailbox(ctx, t.ID); err != nil || cur.Status != store.MailboxActive {
			return err
		}
		if err := tx.DisconnectMailbox(ctx, t.ID, reason, s.env.Now()); err != nil {
			return err
		}
		if err := event.Record(ctx, tx.Queries, t.WorkspaceID, event.MailboxChanged{Type: event.MailboxDisconnected,
			Mailbox: event.Ref{ID: t.ID, Name: t.Email}, Reason: reason}); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, store.AuditEvent{WorkspaceID: t.WorkspaceID, Action: "inbox.disconnected",
			TargetType: "inbox", TargetID: t.ID, Data: map[string]any{"provider": t.Provider, "by": "inbox_sync",
				"code": providerCode(err)}})
	})
	if werr != nil {
		return errors.Join(err, werr)
	}
	return err
}

// failureText is what a mailbox shows as its last error: the provider's
// own answer (never a credential), or a short description.
func failureText(err error) string {
	var pe *provider.Error
	msg := err.Error()
	if errors.As(err, &pe) {
		msg = pe.Kind.String()
		if pe.Code != "" {
			msg += " " + pe.Code
		}
		if pe.Message != "" {
			msg += ": " + pe.Message
		}
	}
	return clip(msg, 500)
}

func providerCode(err error) string {
	var pe *provider.Error
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
