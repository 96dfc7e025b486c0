package smtpimap

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Copies to Sent are taken off the send path. Send submits over SMTP,
// queues the message here and returns; one goroutine per mailbox appends
// the queue to Sent on its own IMAP connection, many APPENDs written back
// to back before their answers are read (pipelined), so the copy costs
// the server's work, not a round trip per message.
//
// The copy still counts before the send is recorded: Flush waits until
// every queued copy is in Sent (or has failed for good), FindSent flushes
// before it searches, and Close flushes before it disconnects. The send
// engine closes its mailboxes before it writes a batch's sends to the
// ledger (internal/sending/deliver.go), so a send recorded as sent has its
// copy in Sent; a crash before that leaves the job "sending", and recovery
// asks FindSent, which finds exactly the copies that were appended. The
// queue is bounded (maxQueuedCopies; Send waits when it is full), which
// bounds what a crash can leave unfiled.
const (
	maxQueuedCopies = 256 // copies waiting or in flight per mailbox
	maxCopyBatch    = 256 // APPENDs pipelined before their answers are read
)

type copier struct {
	m       *Mailbox
	mu      sync.Mutex
	changed *sync.Cond // queue or pending changed
	queue   [][]byte   // waiting to be written
	pending int        // queued + in flight
	running bool       // the goroutine is alive
	closed  bool
	conn    *imapclient.Client // the copier's own IMAP session (pipelined APPENDs)
	// multi is the MULTIAPPEND session when the server offers it; noMulti
	// is set once it is known not to (then batches are pipelined).
	multi   *appendSession
	noMulti bool
	// queued counts every copy ever queued and done every copy appended
	// or given up; the queue is worked in order, so a flush that saw
	// queued = n is over once done reaches n, however many copies were
	// queued after it (the next batch's sends go on while this one's
	// copies are waited for).
	queued, done uint64
}

func newCopier(m *Mailbox) *copier {
	c := &copier{m: m}
	c.changed = sync.NewCond(&c.mu)
	return c
}

// waitCond waits on c.changed until ready() or ctx ends. Called with c.mu held.
func (c *copier) waitCond(ctx context.Context, ready func() bool) error {
	if ready() {
		return nil
	}
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.changed.Broadcast()
		c.mu.Unlock()
	})
	defer stop()
	for !ready() {
		if err := ctx.Err(); err != nil {
			return err
		}
		c.changed.Wait()
	}
	return nil
}

// add queues raw for Sent, waiting while the queue is full. The message
// has gone out, so its copy is queued even when ctx ends first.
func (c *copier) add(ctx context.Context, raw []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.waitCond(ctx, func() bool { return c.pending < maxQueuedCopies })
	c.queue = append(c.queue, raw)
	c.pending++
	c.queued++
	if !c.running {
		c.running = true
		go c.run()
	}
	c.changed.Broadcast()
}

// flush waits until every copy queued so far is appended or given up;
// copies queued while it waits are not waited for.
func (c *copier) flush(ctx context.Context) error {
	return c.waitFor(ctx, c.mark())
}

// mark is where the queue stands now, for waitFor.
func (c *copier) mark() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.queued
}

// waitFor waits until the copies queued before mark are appended or given up.
func (c *copier) waitFor(ctx context.Context, mark uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waitCond(ctx, func() bool { return c.done >= mark })
}

// close flushes, then ends the goroutine and the session.
func (c *copier) close(ctx context.Context) error {
	err := c.flush(ctx)
	c.mu.Lock()
	c.closed = true
	c.changed.Broadcast()
	for c.running {
		c.changed.Wait()
	}
	conn, multi := c.conn, c.multi
	c.conn, c.multi = nil, nil
	c.mu.Unlock()
	if conn != nil {
		_ = conn.Logout().Wait()
		_ = conn.Close()
	}
	if multi != nil {
		multi.close()
	}
	return err
}

func (c *copier) run() {
	c.mu.Lock()
	for {
		for len(c.queue) == 0 && !c.closed {
			c.changed.Wait()
		}
		if len(c.queue) == 0 && c.closed {
			c.running = false
			c.changed.Broadcast()
			c.mu.Unlock()
			return
		}
		n := min(len(c.queue), maxCopyBatch)
		batch := c.queue[:n:n]
		c.queue = c.queue[n:]
		c.mu.Unlock()

		c.appendBatch(batch)

		c.mu.Lock()
		c.pending -= len(batch)
		c.done += uint64(len(batch))
		c.changed.Broadcast()
	}
}

// appendBatch appends batch to Sent, pipelined. Messages the server did
// not confirm are tried once more on a fresh session (a copy the server
// stored but whose answer was lost would then be stored twice, which
// FindSent tolerates: it returns the first). What fails twice is logged
// and reported to Config.CopiesStored: the message went out, only its copy
// is missing.
func (c *copier) appendBatch(batch [][]byte) {
	m := c.m
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.Timeout*time.Duration(1+len(batch)/8))
	defer cancel()
	if c.tryMultiAppend(ctx, batch) {
		c.report(nil)
		return
	}
	left := batch
	var lastErr error
	for attempt := 0; attempt < 2 && len(left) > 0; attempt++ {
		failed, err := c.pipeline(ctx, left)
		left, lastErr = failed, err
		if err != nil {
			c.dropConn()
		}
	}
	if len(left) == 0 {
		c.report(nil)
		return
	}
	m.cfg.Logger.Warn("smtpimap: could not save sent copies", "mailbox", m.cfg.Address, "count", len(left), "error", lastErr)
	if lastErr == nil {
		lastErr = errors.New("the server did not confirm the copies")
	}
	c.report(fmt.Errorf("%d of %d copies to Sent not stored: %w", len(left), len(batch), lastErr))
}

func (c *copier) report(err error) {
	if f := c.m.cfg.CopiesStored; f != nil {
		f(err)
	}
}

// pipeline writes one APPEND per message, then reads the answers. It
// returns the messages that were not stored.
func (c *copier) pipeline(ctx context.Context, batch [][]byte) ([][]byte, error) {
	m := c.m
	conn, err := c.session(ctx)
	if err != nil {
		return batch, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	folder, err := c.folder(conn)
	if err != nil {
		return batch, err
	}
	cmds := make([]*imapclient.AppendCommand, 0, len(batch))
	var writeErr error
	for _, raw := range batch {
		cmd := conn.Append(folder, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: m.cfg.Now()})
		_, werr := cmd.Write(raw)
		cerr := cmd.Close()
		cmds = append(cmds, cmd)
		if werr != nil || cerr != nil {
			writeErr = errors.Join(werr, cerr)
			break
		}
	}
	var failed [][]byte
	var firstErr error
	for i, cmd := range cmds {
		if _, err := cmd.Wait(); err != nil {
			failed = append(failed, batch[i])
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	failed = append(failed, batch[len(cmds):]...)
	if firstErr == nil {
		firstErr = writeErr
	}
	var ie *imap.Error
	if errors.As(firstErr, &ie) {
		// The server refused (the folder may have gone): discover it again.
		m.imapMu.Lock()
		m.sent = ""
		m.imapMu.Unlock()
	}
	return failed, firstErr
}

// tryMultiAppend stores batch with one MULTIAPPEND when the server offers
// it, and reports whether it did. On any failure the caller pipelines the
// batch instead (a MULTIAPPEND that failed stored nothing, unless the
// connection broke after the server committed it: then Sent holds those
// copies twice, which FindSent tolerates).
func (c *copier) tryMultiAppend(ctx context.Context, batch [][]byte) bool {
	// Only the copier's goroutine touches multi and noMulti.
	if c.noMulti {
		return false
	}
	m := c.m
	folder := m.cfg.SentFolder
	if folder == "" {
		m.imapMu.Lock()
		folder = m.sent
		m.imapMu.Unlock()
	}
	if c.multi == nil {
		s, err := openAppendSession(ctx, &m.cfg)
		if err != nil {
			c.noMulti = errors.Is(err, errNoMultiAppend)
			return false
		}
		c.mu.Lock()
		c.multi = s
		c.mu.Unlock()
		c.dropConn() // the pipelined session is not needed while this works
	}
	if folder == "" {
		folder = c.multi.flaggedSent()
		if folder == "" {
			// Discover the folder on the ordinary session (closed again
			// once the folder is known).
			conn, err := c.session(ctx)
			if err != nil {
				return false
			}
			folder, err = c.folder(conn)
			c.dropConn()
			if err != nil {
				return false
			}
		}
		m.imapMu.Lock()
		m.sent = folder
		m.imapMu.Unlock()
	}
	stop := context.AfterFunc(ctx, func() { c.multi.conn.Close() })
	err := c.multi.multiAppend(folder, batch, m.cfg.Now())
	stop()
	if err == nil {
		return true
	}
	if errors.Is(err, errNoMultiAppend) {
		c.noMulti = true
	}
	var refused *appendRefused
	if errors.As(err, &refused) {
		m.imapMu.Lock()
		m.sent = "" // the folder may have gone: discover it again
		m.imapMu.Unlock()
	}
	c.mu.Lock()
	s := c.multi
	c.multi = nil
	c.mu.Unlock()
	_ = s.conn.Close()
	return false
}

func (c *copier) session(ctx context.Context) (*imapclient.Client, error) {
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn != nil {
		return conn, nil
	}
	conn, err := openIMAP(ctx, &c.m.cfg)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.conn = conn
	c.mu.Unlock()
	return conn, nil
}

func (c *copier) dropConn() {
	c.mu.Lock()
	conn := c.conn
	c.conn = nil
	c.mu.Unlock()
	if conn != nil {
		_ = conn.Close()
	}
}

// folder is the Sent folder: configured, or discovered once per mailbox
// (shared with FindSent's session).
func (c *copier) folder(conn *imapclient.Client) (string, error) {
	m := c.m
	if m.cfg.SentFolder != "" {
		return m.cfg.SentFolder, nil
	}
	m.imapMu.Lock()
	name := m.sent
	m.imapMu.Unlock()
	if name != "" {
		return name, nil
	}
	name, err := findSentFolder(conn)
	if err != nil {
		return "", err
	}
	m.imapMu.Lock()
	m.sent = name
	m.imapMu.Unlock()
	return name, nil
}
