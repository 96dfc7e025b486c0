package replies

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/store"
)

// SyncResult counts what syncing one mailbox did.
type SyncResult struct {
	Pages    int // pages committed
	Fetched  int // messages the provider returned
	Stored   int // new messages stored
	Skipped  int // already stored, our own sent copies, unreadable
	Complete bool
}

// Totals is what one SyncAll pass did.
type Totals struct {
	Inboxes  int // mailboxes synced without error
	Failed   int // mailboxes whose sync failed (recorded on the mailbox)
	Messages int // new messages stored
	Replies  int // replies from conversations delivered to providers
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
	targets, err := s.st.InboxesToSync(ctx)
	if err != nil {
		return t, fmt.Errorf("list mailboxes to sync: %w", err)
	}
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
					t.Inboxes++
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
func (s *Service) Sync(ctx context.Context, inboxID string) (SyncResult, error) {
	t, err := s.st.InboxToSync(ctx, inboxID)
	if err != nil {
		return SyncResult{}, err
	}
	if t.Status != store.InboxActive {
		return SyncResult{}, nil
	}
	return s.syncTarget(ctx, t)
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
	mb, err := open(ctx, t.WorkspaceID, t.Inbox)
	if err != nil {
		return res, s.recordFailure(ctx, t, err)
	}
	defer mb.Close()

	stored, from := t.Cursor, t.Cursor
	restarted := false
	for range s.cfg.MaxPages {
		page, err := mb.Fetch(ctx, from)
		if provider.Kind(err) == provider.CursorExpired && !restarted {
			// The provider could not rescan by itself: start over; the
			// messages already stored are skipped one by one.
			restarted, from = true, ""
			continue
		}
		if err != nil {
			return res, s.recordFailure(ctx, t, err)
		}
		res.Fetched += len(page.Messages)
		items := s.prepare(ctx, t, page.Messages)
		n, skipped, err := s.commitPage(ctx, t, stored, page.Cursor, items)
		if errors.Is(err, errCursorMoved) {
			return res, nil // another sync is reading this mailbox
		}
		if err != nil {
			return res, s.recordFailure(ctx, t, err)
		}
		res.Pages++
		res.Stored += n
		res.Skipped += skipped + len(page.Messages) - len(items)
		stored, from = page.Cursor, page.Cursor
		if !page.More {
			res.Complete = true
			break
		}
	}
	return res, nil
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
	s.log.WarnContext(ctx, "inbox sync failed", "inbox_id", t.ID, "workspace_id", t.WorkspaceID,
		"kind", provider.Kind(err).String(), "err", reason)
	werr := s.st.InTx(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		q := tx.InWorkspace(t.WorkspaceID)
		if err := q.RecordSyncFailure(ctx, t.ID, reason); err != nil {
			return err
		}
		if !provider.IsAuth(err) {
			return nil
		}
		if err := tx.DisconnectInbox(ctx, t.ID, reason, s.clock()); err != nil {
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
