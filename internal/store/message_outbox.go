package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// OutboxReply is a reply written in a conversation that has not been
// handed to the provider yet, with the message bytes to send.
type OutboxReply struct {
	Message
	WorkspaceID string
	Raw         []byte
}

// QueueReply stores a reply written in a conversation before it is sent:
// status queued, due now, with the built message. Nothing can lose it from
// here on; the outbox delivers it or records why it could not.
func (s Scope) QueueReply(ctx context.Context, m *Message, raw []byte, at time.Time) error {
	m.SendStatus, m.NextAttemptAt = SendQueued, &at
	if _, err := s.InsertMessage(ctx, m); err != nil {
		return err
	}
	_, err := s.exec(ctx, `UPDATE messages SET raw = ?, next_attempt_at = ? WHERE id = ? AND workspace_id = ?`,
		string(raw), at, m.ID, s.ws)
	return err
}

const outboxColumns = messageColumns + `, m.workspace_id, m.raw`

// DueReplies lists, across workspaces, replies waiting to be sent: queued
// ones whose next attempt has come, and ones left sending by an attempt
// that died (claimed before staleBefore). The send path of the reply loop
// and its periodic retry are the only readers.
func (q Queries) DueReplies(ctx context.Context, now, staleBefore time.Time, limit int) ([]OutboxReply, error) {
	rows, err := q.query(ctx, `SELECT `+outboxColumns+` FROM messages m WHERE
		(m.send_status = 'queued' AND m.next_attempt_at <= ?) OR (m.send_status = 'sending' AND m.claimed_at < ?)
		ORDER BY m.next_attempt_at LIMIT ?`, now, staleBefore, limit)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanOutbox)
}

func scanOutbox(row interface{ Scan(...any) error }) (OutboxReply, error) {
	var r OutboxReply
	var refs, raw string
	var next sql.NullTime
	m := &r.Message
	err := row.Scan(&m.ID, &m.ConversationID, &m.MailboxID, &m.CampaignLeadID, &m.SendJobID, &m.Direction, &m.MessageID,
		&m.InReplyTo, &refs, &m.ProviderMessageID, &m.ThreadID, &m.From, &m.To, &m.Subject, &m.Text, &m.HTML,
		&m.Classification, &m.OccurredAt, &m.CreatedAt, &m.SendStatus, &m.SendAttempts, &m.SendError, &next,
		&m.AuthorUserID, &r.WorkspaceID, &raw)
	m.References = strings.Fields(refs)
	m.NextAttemptAt = timePtr(next)
	r.Raw = []byte(raw)
	return r, notFound(err)
}

// ClaimReply moves a due reply to sending so only one attempt runs; it
// reports false when another attempt claimed it first or it is not due.
func (s Scope) ClaimReply(ctx context.Context, id string, at, staleBefore time.Time) (bool, error) {
	res, err := s.exec(ctx, `UPDATE messages SET send_status = 'sending', claimed_at = ?, send_attempts = send_attempts + 1
		WHERE id = ? AND workspace_id = ? AND ((send_status = 'queued' AND next_attempt_at <= ?)
		OR (send_status = 'sending' AND claimed_at < ?))`, at, id, s.ws, at, staleBefore)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RecordReplySent marks a reply sent with the provider's ids.
func (s Scope) RecordReplySent(ctx context.Context, id, providerID, threadID string, at time.Time) error {
	return s.execOne(ctx, `UPDATE messages SET send_status = 'sent', provider_message_id = ?,
		thread_id = CASE WHEN ? <> '' THEN ? ELSE thread_id END, send_error = '', occurred_at = ?, next_attempt_at = NULL
		WHERE id = ? AND workspace_id = ? AND send_status = 'sending'`, providerID, threadID, threadID, at, id, s.ws)
}

// RecordReplyRetry sends a reply back to the queue until next, keeping the
// provider's answer for the thread view.
func (s Scope) RecordReplyRetry(ctx context.Context, id string, next time.Time, reason string) error {
	return s.execOne(ctx, `UPDATE messages SET send_status = 'queued', next_attempt_at = ?, send_error = ?
		WHERE id = ? AND workspace_id = ? AND send_status = 'sending'`, next, reason, id, s.ws)
}

// RecordReplyFailed ends a reply the provider refused for good.
func (s Scope) RecordReplyFailed(ctx context.Context, id, reason string) error {
	return s.execOne(ctx, `UPDATE messages SET send_status = 'failed', send_error = ?, next_attempt_at = NULL
		WHERE id = ? AND workspace_id = ? AND send_status = 'sending'`, reason, id, s.ws)
}
