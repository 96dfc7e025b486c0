package store

import (
	"context"
	"time"
)

// OAuthState is an OAuth authorisation in flight: who started it, for which
// workspace and provider (and mailbox, when reconnecting one), with the PKCE
// verifier that must accompany the code. StateHash is the SHA-256 of the
// state parameter, so the table never holds a usable state.
type OAuthState struct {
	StateHash   string
	WorkspaceID string
	UserID      string
	Provider    string
	Verifier    string // encrypted
	MailboxID   string // "" for a new mailbox
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// InsertOAuthState records a flow the workspace's user starts.
func (s Scope) InsertOAuthState(ctx context.Context, o OAuthState) error {
	var mailbox any
	if o.MailboxID != "" {
		mailbox = o.MailboxID
	}
	_, err := s.exec(ctx, `INSERT INTO oauth_states (state, workspace_id, user_id, provider, verifier, inbox_id,
		created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		o.StateHash, s.ws, o.UserID, o.Provider, o.Verifier, mailbox, o.CreatedAt, o.ExpiresAt)
	return s.d.translate(err)
}

// TakeOAuthState deletes and returns the flow with this state hash, so a
// state is used at most once. It is system-wide because the provider's
// callback names no workspace: the state row says which one it is for.
func (q Queries) TakeOAuthState(ctx context.Context, stateHash string) (OAuthState, error) {
	var o OAuthState
	var mailbox *string
	err := q.queryRow(ctx, `DELETE FROM oauth_states WHERE state = ? RETURNING state, workspace_id, user_id, provider,
		verifier, inbox_id, created_at, expires_at`, stateHash).Scan(&o.StateHash, &o.WorkspaceID, &o.UserID,
		&o.Provider, &o.Verifier, &mailbox, &o.CreatedAt, &o.ExpiresAt)
	if mailbox != nil {
		o.MailboxID = *mailbox
	}
	return o, notFound(err)
}

// DeleteExpiredOAuthStates removes flows that expired before `before`
// (abandoned consent screens), across workspaces.
func (q Queries) DeleteExpiredOAuthStates(ctx context.Context, before time.Time) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM oauth_states WHERE expires_at < ?`, before)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
