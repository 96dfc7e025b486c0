package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// Message directions.
const (
	DirectionInbound  = "inbound"
	DirectionOutbound = "outbound"
)

// Message is one stored email: one that arrived in a mailbox, one the send
// engine sent, or a reply a person wrote in a conversation (which carries a
// SendStatus until the provider took it, see the outbox in
// message_outbox.go).
type Message struct {
	ID                string
	ConversationID    string
	MailboxID         string
	CampaignLeadID    string
	SendJobID         string
	Direction         string
	MessageID         string // "<id>" form
	InReplyTo         string
	References        []string
	ProviderMessageID string
	ThreadID          string
	From, To          string
	Subject           string
	Text, HTML        string
	// Classification is JSON: the inbound verdict and category, as the
	// reply loop recorded them.
	Classification string
	OccurredAt     time.Time
	CreatedAt      time.Time
	SendStatus     string // "", queued, sending, sent, failed
	SendAttempts   int
	SendError      string
	NextAttemptAt  *time.Time
	AuthorUserID   string
}

// Outbox states of a reply written in a conversation.
const (
	SendQueued  = "queued"
	SendSending = "sending"
	SendSent    = "sent"
	SendFailed  = "failed"
)

const messageColumns = `m.id, COALESCE(m.conversation_id, ''), COALESCE(m.inbox_id, ''), COALESCE(m.campaign_lead_id, ''),
	COALESCE(m.send_job_id, ''), m.direction, m.message_id, m.in_reply_to, m.references_ids, m.provider_message_id,
	m.thread_id, m.from_addr, m.to_addr, m.subject, m.text_body, m.html_body, m.classification, m.occurred_at,
	m.created_at, m.send_status, m.send_attempts, m.send_error, m.next_attempt_at, COALESCE(m.author_user_id, '')`

func scanMessage(row interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var refs string
	var next sql.NullTime
	err := row.Scan(&m.ID, &m.ConversationID, &m.MailboxID, &m.CampaignLeadID, &m.SendJobID, &m.Direction, &m.MessageID,
		&m.InReplyTo, &refs, &m.ProviderMessageID, &m.ThreadID, &m.From, &m.To, &m.Subject, &m.Text, &m.HTML,
		&m.Classification, &m.OccurredAt, &m.CreatedAt, &m.SendStatus, &m.SendAttempts, &m.SendError, &next,
		&m.AuthorUserID)
	m.References = splitRefs(refs)
	m.NextAttemptAt = timePtr(next)
	return m, notFound(err)
}

func (q Queries) messages(ctx context.Context, query string, args ...any) ([]Message, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanMessage)
}

// InsertMessage stores a message once: a second message with the same
// mailbox and Message-ID is ignored and inserted reports false. That unique
// key is what makes a message fetched twice (a repeated page, a rescan
// after an expired cursor, two syncs at once) stored once.
func (s Scope) InsertMessage(ctx context.Context, m *Message) (inserted bool, err error) {
	if m.ID == "" {
		m.ID = NewID()
	}
	m.CreatedAt = s.now()
	res, err := s.exec(ctx, `INSERT INTO messages (id, workspace_id, conversation_id, inbox_id, campaign_lead_id,
		send_job_id, direction, message_id, in_reply_to, references_ids, provider_message_id, thread_id, from_addr,
		to_addr, subject, text_body, html_body, classification, occurred_at, created_at, send_status, author_user_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, inbox_id, message_id) DO NOTHING`,
		m.ID, s.ws, nullString(m.ConversationID), nullString(m.MailboxID), nullString(m.CampaignLeadID),
		nullString(m.SendJobID), m.Direction, m.MessageID, m.InReplyTo, strings.Join(m.References, " "),
		m.ProviderMessageID, m.ThreadID, m.From, m.To, m.Subject, m.Text, m.HTML, orJSON(m.Classification),
		m.OccurredAt, m.CreatedAt, m.SendStatus, nullString(m.AuthorUserID))
	if err != nil {
		return false, s.d.translate(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func orJSON(s string) string {
	if s == "" {
		return "{}"
	}
	return s
}

// Message returns one message of the workspace.
func (s Scope) Message(ctx context.Context, id string) (Message, error) {
	return scanMessage(s.queryRow(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.id = ? AND m.workspace_id = ?`,
		id, s.ws))
}

// MessagesByMessageID returns the workspace's stored messages whose
// Message-ID is among ids, in any mailbox: what a reply's In-Reply-To and
// References are matched against.
func (s Scope) MessagesByMessageID(ctx context.Context, ids []string) ([]Message, error) {
	var out []Message
	err := paddedChunks(ids, func(part []string) error {
		args := []any{s.ws}
		args = append(args, anys(part)...)
		list, err := s.messages(ctx, `SELECT `+messageColumns+` FROM messages m WHERE m.workspace_id = ?
			AND m.message_id IN (`+marks(len(part))+`)`, args...)
		out = append(out, list...)
		return err
	})
	return out, err
}

// ConversationMessages returns a conversation's messages oldest first.
// Follow-ups the send engine sends after the conversation began carry only
// the campaign lead, so those are included too.
func (s Scope) ConversationMessages(ctx context.Context, c Conversation) ([]Message, error) {
	q := `SELECT ` + messageColumns + ` FROM messages m WHERE m.workspace_id = ? AND (m.conversation_id = ?`
	args := []any{s.ws, c.ID}
	if c.CampaignLeadID != "" {
		q += ` OR (m.campaign_lead_id = ? AND m.conversation_id IS NULL AND m.direction = 'outbound')`
		args = append(args, c.CampaignLeadID)
	}
	return s.messages(ctx, q+`) ORDER BY m.occurred_at, m.id`, args...)
}
