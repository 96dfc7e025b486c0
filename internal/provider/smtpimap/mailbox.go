package smtpimap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// Mailbox is an SMTP+IMAP mailbox. It implements provider.Mailbox and is
// safe for concurrent use; sends on one mailbox are serialised on its one
// SMTP connection.
type Mailbox struct {
	cfg Config

	smtpMu sync.Mutex
	smtp   *smtpSession // nil until first use or after a failure

	imapMu sync.Mutex
	imap   *imapclient.Client
	sent   string // discovered Sent folder

	copies *copier // appends copies to Sent; nil with SkipSentCopy
}

var _ provider.Mailbox = (*Mailbox)(nil)

// New checks cfg and returns a mailbox; it connects on first use.
func New(cfg Config) (*Mailbox, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	m := &Mailbox{cfg: cfg}
	if !cfg.SkipSentCopy {
		m.copies = newCopier(m)
	}
	return m, nil
}

// Flush waits until the copy of every message sent so far is in Sent (or
// has failed for good, which is logged).
func (m *Mailbox) Flush(ctx context.Context) error {
	if m.copies == nil {
		return nil
	}
	return m.copies.flush(ctx)
}

// Close waits for the pending copies to Sent (at most a few timeouts),
// then ends the sessions.
func (m *Mailbox) Close() error {
	if m.copies != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 4*m.cfg.Timeout)
		if err := m.copies.close(ctx); err != nil {
			m.cfg.Logger.Warn("smtpimap: closed with copies to Sent still pending", "error", err)
		}
		cancel()
	}
	m.smtpMu.Lock()
	if m.smtp != nil {
		m.smtp.quit()
		m.smtp = nil
	}
	m.smtpMu.Unlock()
	m.imapMu.Lock()
	defer m.imapMu.Unlock()
	if m.imap != nil {
		_ = m.imap.Logout().Wait() // best effort: the server may close first
		_ = m.imap.Close()
		m.imap = nil
	}
	return nil
}

// Send submits m over the mailbox's SMTP session, then queues a copy for
// the Sent folder (unless SkipSentCopy) so FindSent can see it; the copy is
// appended off the send path (sentcopy.go), and Flush, FindSent and Close
// wait for it. A failed copy is logged, not returned: the message went out.
// The SentMessage carries no ProviderID: the copy's UID is not known yet.
func (m *Mailbox) Send(ctx context.Context, msg provider.OutgoingMessage) (provider.SentMessage, error) {
	if len(msg.Raw) == 0 || msg.To == "" {
		return provider.SentMessage{}, &provider.Error{Kind: provider.Permanent, Code: "invalid_message", Message: "a message needs a recipient and content"}
	}
	if err := m.submit(ctx, msg); err != nil {
		return provider.SentMessage{}, fmt.Errorf("smtp send: %w", err)
	}
	if m.copies != nil {
		m.copies.add(ctx, msg.Raw)
	}
	return provider.SentMessage{MessageID: msg.MessageID}, nil
}

// submit runs one SMTP transaction, opening the session if needed. A
// session the server closed while idle shows as a network error at MAIL
// FROM, before anything was sent: then it reconnects once and retries.
// After a refused MAIL, RCPT or DATA the transaction is reset (RSET) so the
// session stays usable; after a completed DATA it already is.
func (m *Mailbox) submit(ctx context.Context, msg provider.OutgoingMessage) error {
	m.smtpMu.Lock()
	defer m.smtpMu.Unlock()
	from := msg.From
	if from == "" {
		from = m.cfg.Address
	}
	for attempt := 0; ; attempt++ {
		fresh := m.smtp == nil
		if fresh {
			s, err := openSMTP(ctx, &m.cfg)
			if err != nil {
				return err
			}
			m.smtp = s
		}
		// A send whose context is already done never starts: AfterFunc
		// would close the session from another goroutine, racing a
		// transaction that might still complete and deliver the message.
		if err := ctx.Err(); err != nil {
			return classifyConn(err)
		}
		s := m.smtp
		stop := context.AfterFunc(ctx, func() { s.conn.Close() })
		st, err := s.transaction(from, msg.To, msg.Raw)
		stop()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			m.dropSMTP()
			return classifyConn(ctx.Err())
		}
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			if se.Code == 421 { // the server is closing the session
				m.dropSMTP()
			} else if rerr := s.c.Reset(); rerr != nil {
				m.dropSMTP()
			}
			return classifySMTP(se, st)
		}
		m.dropSMTP()
		if !fresh && st == stageMail && attempt == 0 {
			continue
		}
		return classifyConn(err)
	}
}

func (m *Mailbox) dropSMTP() {
	if m.smtp != nil {
		m.smtp.close()
		m.smtp = nil
	}
}

// withIMAP runs f on the mailbox's IMAP session, opening it if needed. A
// reused session that fails with a network error is replaced once.
func (m *Mailbox) withIMAP(ctx context.Context, f func(c *imapclient.Client) error) error {
	m.imapMu.Lock()
	defer m.imapMu.Unlock()
	for attempt := 0; ; attempt++ {
		fresh := m.imap == nil
		if fresh {
			c, err := openIMAP(ctx, &m.cfg)
			if err != nil {
				return err
			}
			m.imap = c
		}
		c := m.imap
		stop := context.AfterFunc(ctx, func() { c.Close() })
		err := f(c)
		stop()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			m.dropIMAP()
			return classifyConn(ctx.Err())
		}
		var ie *imap.Error
		var pe *provider.Error
		if errors.As(err, &ie) || errors.As(err, &pe) {
			return imapError(err, false)
		}
		m.dropIMAP()
		if !fresh && attempt == 0 {
			continue
		}
		return classifyConn(err)
	}
}

func (m *Mailbox) dropIMAP() {
	if m.imap != nil {
		m.imap.Close()
		m.imap = nil
		m.sent = ""
	}
}

func (m *Mailbox) sentFolder(c *imapclient.Client) (string, error) {
	if m.cfg.SentFolder != "" {
		return m.cfg.SentFolder, nil
	}
	if m.sent == "" {
		name, err := findSentFolder(c)
		if err != nil {
			return "", err
		}
		m.sent = name
	}
	return m.sent, nil
}

// FindSent searches the Sent folder for our Message-ID header.
func (m *Mailbox) FindSent(ctx context.Context, messageID string) (provider.SentMessage, bool, error) {
	id := strings.TrimSpace(messageID)
	if id == "" {
		return provider.SentMessage{}, false, &provider.Error{Kind: provider.Permanent, Code: "empty_message_id", Message: "no Message-ID to look for"}
	}
	if !strings.HasPrefix(id, "<") {
		id = "<" + id + ">"
	}
	if m.copies != nil {
		// A copy still queued would be missed: wait for it first.
		if err := m.copies.flush(ctx); err != nil {
			return provider.SentMessage{}, false, fmt.Errorf("imap find sent: %w", classifyConn(err))
		}
	}
	var found provider.SentMessage
	var ok bool
	err := m.withIMAP(ctx, func(c *imapclient.Client) error {
		folder, err := m.sentFolder(c)
		if err != nil {
			return err
		}
		sd, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			return err
		}
		res, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}}}, nil).Wait()
		if err != nil {
			return err
		}
		// HEADER search is a substring match: confirm the exact id.
		for _, uid := range res.AllUIDs() {
			if got, err := messageIDOf(c, uid); err != nil {
				return err
			} else if got == id {
				found, ok = provider.SentMessage{ProviderID: uidRef(sd.UIDValidity, uid), MessageID: id}, true
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return provider.SentMessage{}, false, fmt.Errorf("imap find sent: %w", err)
	}
	return found, ok, nil
}

// maxHeaderField bounds what is read of one header field a server returns.
const maxHeaderField = 64 << 10

func messageIDOf(c *imapclient.Client, uid imap.UID) (string, error) {
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Message-ID"}, Peek: true}
	got := map[imap.UID]literal{}
	if err := readBodies(c, []imap.UID{uid}, section, maxHeaderField, got); err != nil {
		return "", err
	}
	h := string(got[uid].data)
	_, v, _ := strings.Cut(h, ":")
	return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", ""), "\n", "")), nil
}

// Fetch syncs INBOX by UID. The cursor is "<uidvalidity>:<last uid seen>".
// An empty cursor, or a UIDVALIDITY that changed (every old UID is void),
// starts a bounded scan: messages received within ScanWindow (SEARCH
// SINCE, which compares dates only, so the window has day precision). Otherwise it asks for UIDs above the last one, filtering out the
// highest old message that "n:*" always returns. A page holds at most
// PageSize messages and PageBytes bytes; a message over MaxMessageBytes
// comes truncated (fetchPage).
func (m *Mailbox) Fetch(ctx context.Context, cursor string) (provider.Page, error) {
	validity, last, cursorOK := parseCursor(cursor)
	var page provider.Page
	err := m.withIMAP(ctx, func(c *imapclient.Client) error {
		sd, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			return err
		}
		page = provider.Page{}
		var uids []imap.UID
		if !cursorOK || validity != sd.UIDValidity {
			page.Reset = cursor != ""
			last = 0
			since := m.cfg.Now().Add(-m.cfg.ScanWindow)
			res, err := c.UIDSearch(&imap.SearchCriteria{Since: since}, nil).Wait()
			if err != nil {
				return err
			}
			uids = res.AllUIDs()
		} else if sd.UIDNext == 0 || uint32(sd.UIDNext) > last+1 {
			set := imap.UIDSet{imap.UIDRange{Start: imap.UID(last + 1), Stop: 0}}
			res, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
			if err != nil {
				return err
			}
			uids = slices.DeleteFunc(res.AllUIDs(), func(u imap.UID) bool { return uint32(u) <= last })
		}
		slices.Sort(uids)
		if len(uids) > m.cfg.PageSize {
			uids, page.More = uids[:m.cfg.PageSize], true
		}
		uids, msgs, cut, err := m.fetchPage(c, sd.UIDValidity, uids)
		if err != nil {
			return err
		}
		page.More = page.More || cut
		page.Messages = msgs
		top := last
		if len(uids) > 0 {
			top = max(top, uint32(uids[len(uids)-1]))
		}
		if !page.More && sd.UIDNext > 0 {
			// Everything below UIDNext (as of SELECT) has been seen.
			top = max(top, uint32(sd.UIDNext)-1)
		}
		page.Cursor = strconv.FormatUint(uint64(sd.UIDValidity), 10) + ":" + strconv.FormatUint(uint64(top), 10)
		return nil
	})
	if err != nil {
		return provider.Page{}, fmt.Errorf("imap fetch: %w", err)
	}
	return page, nil
}

// fetchPage reads the messages of uids, oldest first, within the page's
// byte budget: their sizes first (RFC822.SIZE), then the bodies, each read
// up to MaxMessageBytes — a larger message as BODY.PEEK[]<0.limit>, marked
// Truncated — so no message is ever held whole beyond the limit. It returns
// the uids the page covers (a prefix of uids; cut when the budget ran out).
func (m *Mailbox) fetchPage(c *imapclient.Client, validity uint32, uids []imap.UID) ([]imap.UID, []provider.InboundMessage, bool, error) {
	if len(uids) == 0 {
		return uids, nil, false, nil
	}
	limit := m.cfg.MaxMessageBytes
	meta, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, InternalDate: true, RFC822Size: true}).Collect()
	if err != nil {
		return nil, nil, false, err
	}
	byUID := make(map[imap.UID]*imapclient.FetchMessageBuffer, len(meta))
	for _, b := range meta {
		byUID[b.UID] = b
	}
	var whole, partial []imap.UID
	var total int64
	cut := false
	for i, uid := range uids {
		b, ok := byUID[uid]
		if !ok {
			continue // expunged since the search
		}
		total += min(b.RFC822Size, limit)
		if total > m.cfg.PageBytes && len(whole)+len(partial) > 0 {
			uids, cut = uids[:i], true
			break
		}
		if b.RFC822Size > limit {
			partial = append(partial, uid)
		} else {
			whole = append(whole, uid)
		}
	}
	bodies := make(map[imap.UID]literal, len(whole)+len(partial))
	if err := readBodies(c, whole, &imap.FetchItemBodySection{Peek: true}, limit, bodies); err != nil {
		return nil, nil, false, err
	}
	head := &imap.FetchItemBodySection{Peek: true, Partial: &imap.SectionPartial{Offset: 0, Size: limit}}
	if err := readBodies(c, partial, head, limit, bodies); err != nil {
		return nil, nil, false, err
	}
	out := make([]provider.InboundMessage, 0, len(bodies))
	for _, uid := range uids {
		body, ok := bodies[uid]
		if !ok {
			continue
		}
		b := byUID[uid]
		out = append(out, provider.InboundMessage{ProviderID: uidRef(validity, uid), Raw: body.data,
			ReceivedAt: b.InternalDate.UTC(), Folder: provider.FolderInbox, Size: b.RFC822Size,
			Truncated: body.truncated || b.RFC822Size > limit})
	}
	return uids, out, cut, nil
}

// literal is a message body as read: at most the limit.
type literal struct {
	data      []byte
	truncated bool // the server sent more than the limit; the rest was discarded
}

// readBodies fetches section of uids and reads each literal as it streams
// in, keeping at most limit bytes of it (the rest is read and discarded,
// never buffered), into out.
func readBodies(c *imapclient.Client, uids []imap.UID, section *imap.FetchItemBodySection, limit int64, out map[imap.UID]literal) error {
	if len(uids) == 0 {
		return nil
	}
	cmd := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	var readErr error
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		var uid imap.UID
		var body *literal
		for item := msg.Next(); item != nil; item = msg.Next() {
			switch it := item.(type) {
			case imapclient.FetchItemDataUID:
				uid = it.UID
			case imapclient.FetchItemDataBodySection:
				if it.Literal == nil || readErr != nil {
					continue
				}
				l, err := readLiteral(it.Literal, limit)
				if err != nil {
					readErr = err
					continue
				}
				body = &l
			}
		}
		if uid != 0 && body != nil && slices.Contains(uids, uid) {
			out[uid] = *body
		}
	}
	if err := cmd.Close(); err != nil {
		return err
	}
	return readErr
}

// readLiteral reads at most limit bytes of a literal into a buffer of its
// announced size (capped at limit), so memory follows what is kept.
func readLiteral(lit imap.LiteralReader, limit int64) (literal, error) {
	n := min(max(lit.Size(), 0), limit)
	buf := make([]byte, n)
	k, err := io.ReadFull(lit, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return literal{}, err
	}
	return literal{data: buf[:k], truncated: lit.Size() > limit}, nil
}

func parseCursor(s string) (validity, last uint32, ok bool) {
	a, b, found := strings.Cut(s, ":")
	if !found {
		return 0, 0, false
	}
	v, err1 := strconv.ParseUint(a, 10, 32)
	l, err2 := strconv.ParseUint(b, 10, 32)
	if err1 != nil || err2 != nil || v == 0 {
		return 0, 0, false
	}
	return uint32(v), uint32(l), true
}
