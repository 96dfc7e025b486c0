package store

import (
	"context"
	"time"
)

// Sandbox folders.
const (
	SandboxSent    = "sent"
	SandboxMailbox = "inbox"
)

// SandboxMessage is one message in a sandbox mailbox: one it "sent" or one
// /sandbox/receive delivered. Seq orders the mailbox's messages.
type SandboxMessage struct {
	ID        string
	MailboxID string
	Seq       int64
	Folder    string
	MessageID string
	ThreadID  string
	Raw       []byte
	CreatedAt time.Time
}

const sandboxColumns = `id, inbox_id, seq, folder, message_id, thread_id, raw, created_at`

func scanSandboxMessage(row interface{ Scan(...any) error }) (SandboxMessage, error) {
	var m SandboxMessage
	var raw string
	err := row.Scan(&m.ID, &m.MailboxID, &m.Seq, &m.Folder, &m.MessageID, &m.ThreadID, &raw, &m.CreatedAt)
	m.Raw = []byte(raw)
	return m, notFound(err)
}

// CreateSandboxMailbox starts a sandbox mailbox's message counter; call it
// with the mailbox row.
func (s Scope) CreateSandboxMailbox(ctx context.Context, mailboxID string) error {
	_, err := s.exec(ctx, `INSERT INTO sandbox_mailboxes (inbox_id, workspace_id, last_seq) VALUES (?, ?, 0)
		ON CONFLICT (inbox_id) DO NOTHING`, mailboxID, s.ws)
	return s.d.translate(err)
}

// AppendSandboxMessage stores a message with the mailbox's next seq. Run it
// in a transaction: the counter row stays locked until commit, so seq order
// is commit order and a Fetch cursor never skips a message committed late.
func (s Scope) AppendSandboxMessage(ctx context.Context, m *SandboxMessage) error {
	if err := s.queryRow(ctx, `UPDATE sandbox_mailboxes SET last_seq = last_seq + 1 WHERE inbox_id = ? AND workspace_id = ?
		RETURNING last_seq`, m.MailboxID, s.ws).Scan(&m.Seq); err != nil {
		return notFound(err)
	}
	if m.ID == "" {
		m.ID = NewID()
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = s.now()
	}
	_, err := s.exec(ctx, `INSERT INTO sandbox_messages (id, workspace_id, inbox_id, seq, folder, message_id, thread_id,
		raw, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, s.ws, m.MailboxID, m.Seq, m.Folder, m.MessageID, m.ThreadID, string(m.Raw), m.CreatedAt)
	return s.d.translate(err)
}

// SandboxMessageByMessageID finds a mailbox's message by Message-ID in a
// folder ("" for any), the earliest when there are several.
func (s Scope) SandboxMessageByMessageID(ctx context.Context, mailboxID, folder, messageID string) (SandboxMessage, error) {
	q := `SELECT ` + sandboxColumns + ` FROM sandbox_messages WHERE inbox_id = ? AND workspace_id = ? AND message_id = ?`
	args := []any{mailboxID, s.ws, messageID}
	if folder != "" {
		q += ` AND folder = ?`
		args = append(args, folder)
	}
	return scanSandboxMessage(s.queryRow(ctx, q+` ORDER BY seq LIMIT 1`, args...))
}

// SandboxMessagesAfter lists a mailbox's messages with seq > after, oldest
// first, at most limit.
func (s Scope) SandboxMessagesAfter(ctx context.Context, mailboxID string, after int64, limit int) ([]SandboxMessage, error) {
	return s.sandboxMessages(ctx, `SELECT `+sandboxColumns+` FROM sandbox_messages WHERE inbox_id = ? AND workspace_id = ?
		AND seq > ? ORDER BY seq LIMIT ?`, mailboxID, s.ws, after, limit)
}

// SandboxMessagesBefore lists a folder's messages newest first, with seq <
// before when before > 0; limit+1 rows so the caller sees a next page.
func (s Scope) SandboxMessagesBefore(ctx context.Context, mailboxID, folder string, before int64, limit int) ([]SandboxMessage, error) {
	q := `SELECT ` + sandboxColumns + ` FROM sandbox_messages WHERE inbox_id = ? AND workspace_id = ? AND folder = ?`
	args := []any{mailboxID, s.ws, folder}
	if before > 0 {
		q += ` AND seq < ?`
		args = append(args, before)
	}
	return s.sandboxMessages(ctx, q+` ORDER BY seq DESC LIMIT ?`, append(args, limit+1)...)
}

func (q Queries) sandboxMessages(ctx context.Context, query string, args ...any) ([]SandboxMessage, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanSandboxMessage)
}
