package store

import (
	"context"
	"database/sql"
	"time"
)

// MailboxByAddress finds the workspace's mailbox of a provider by address:
// connecting an address that is already there reconnects it.
func (s Scope) MailboxByAddress(ctx context.Context, provider, email string) (Mailbox, error) {
	return scanMailbox(s.queryRow(ctx, `SELECT `+mailboxColumns+` FROM inbox_connections
		WHERE workspace_id = ? AND provider = ? AND email = ?`, s.ws, provider, email))
}

// MailboxCredentials returns a mailbox's encrypted credentials ("" when it
// has none). Decrypt them with CredentialsAD(id).
func (s Scope) MailboxCredentials(ctx context.Context, id string) (string, error) {
	var c string
	err := s.queryRow(ctx, `SELECT credentials FROM inbox_connections WHERE id = ? AND workspace_id = ?`,
		id, s.ws).Scan(&c)
	return c, notFound(err)
}

// SetMailboxCredentials stores a mailbox's encrypted credentials and its
// non-secret provider settings (JSON), as a new connection or a refreshed
// token does.
func (s Scope) SetMailboxCredentials(ctx context.Context, id, ciphertext, config string) error {
	return s.execOne(ctx, `UPDATE inbox_connections SET credentials = ?, config = ?, updated_at = ?
		WHERE id = ? AND workspace_id = ?`, ciphertext, config, s.now(), id, s.ws)
}

// SaveMailboxToken replaces the encrypted credentials after a token refresh,
// leaving everything else alone.
func (s Scope) SaveMailboxToken(ctx context.Context, id, ciphertext string) error {
	return s.execOne(ctx, `UPDATE inbox_connections SET credentials = ? WHERE id = ? AND workspace_id = ?`,
		ciphertext, id, s.ws)
}

// ReconnectMailbox stores new credentials for a mailbox and sets its status
// (active again, or paused when a person had paused it) with a clean health
// record. The caller releases its held work.
func (s Scope) ReconnectMailbox(ctx context.Context, id, ciphertext, config, status string, at time.Time) error {
	return s.execOne(ctx, `UPDATE inbox_connections SET credentials = ?, config = ?, status = ?,
		status_reason = '', last_error = '', consecutive_failures = 0, updated_at = ?
		WHERE id = ? AND workspace_id = ?`, ciphertext, config, status, at, id, s.ws)
}

// DisconnectMailboxOnce marks a mailbox disconnected with a reason unless it
// already is, and reports whether it changed: the caller writes the audit
// event only for the change, however many calls fail at once.
func (s Scope) DisconnectMailboxOnce(ctx context.Context, id, reason string, at time.Time) (bool, error) {
	return rowChanged(s.exec(ctx, `UPDATE inbox_connections SET status = 'disconnected', status_reason = ?,
		updated_at = ? WHERE id = ? AND workspace_id = ? AND status <> 'disconnected'`, reason, at, id, s.ws))
}

// MailboxHealth is how a mailbox's sync is doing.
type MailboxHealth struct {
	LastSyncAt          *time.Time
	LastError           string
	ConsecutiveFailures int
}

// MailboxHealth returns the health of every mailbox of the workspace by id.
func (s Scope) MailboxHealth(ctx context.Context) (map[string]MailboxHealth, error) {
	rows, err := s.query(ctx, `SELECT id, last_sync_at, last_error, consecutive_failures FROM inbox_connections
		WHERE workspace_id = ?`, s.ws)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]MailboxHealth{}
	for rows.Next() {
		var id string
		var h MailboxHealth
		var last sql.NullTime
		if err := rows.Scan(&id, &last, &h.LastError, &h.ConsecutiveFailures); err != nil {
			return nil, err
		}
		h.LastSyncAt = timePtr(last)
		out[id] = h
	}
	return out, rows.Err()
}

// ActiveMailboxIDs returns which of ids are mailboxes that exist and are
// active, across workspaces: the provider registry closes the clients of
// the others (deleted, paused, disconnected).
func (q Queries) ActiveMailboxIDs(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return q.queryStrings(ctx, `SELECT id FROM inbox_connections WHERE status = 'active' AND id IN (`+
		marks(len(ids))+`) ORDER BY id`, args...)
}
