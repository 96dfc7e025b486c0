package store

import (
	"context"
	"time"
)

// Session is a logged-in browser. Only a hash of its token is stored.
type Session struct {
	ID          string
	TokenHash   string
	UserID      string
	WorkspaceID string // the active workspace; "" when none
	IP          string
	UserAgent   string
	// Method is how the session was signed in: SessionPassword or a
	// sign-in provider's name (google, microsoft).
	Method     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// SessionPassword is the Method of a session started with a password.
const SessionPassword = "password"

// CreateSession stores a new session.
func (q Queries) CreateSession(ctx context.Context, s *Session) error {
	if s.ID == "" {
		s.ID = NewID()
	}
	if s.Method == "" {
		s.Method = SessionPassword
	}
	_, err := q.exec(ctx, `INSERT INTO sessions (id, token_hash, user_id, workspace_id, ip, user_agent, method,
		created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.TokenHash, s.UserID, nullString(s.WorkspaceID), s.IP, s.UserAgent, s.Method, s.CreatedAt, s.LastSeenAt, s.ExpiresAt)
	return q.d.translate(err)
}

// SessionByTokenHash finds a session that has not expired at now.
func (q Queries) SessionByTokenHash(ctx context.Context, tokenHash string, now time.Time) (Session, error) {
	return scanSession(q.queryRow(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE token_hash = ? AND expires_at > ?`,
		tokenHash, now))
}

const sessionColumns = `id, token_hash, user_id, workspace_id, ip, user_agent, method, created_at, last_seen_at, expires_at`

func scanSession(row rowScanner) (Session, error) {
	var s Session
	var ws *string
	err := row.Scan(&s.ID, &s.TokenHash, &s.UserID, &ws, &s.IP, &s.UserAgent, &s.Method, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt)
	if ws != nil {
		s.WorkspaceID = *ws
	}
	return s, notFound(err)
}

// UserSessions lists a user's sessions that have not expired at now,
// most recently used first.
func (q Queries) UserSessions(ctx context.Context, userID string, now time.Time) ([]Session, error) {
	rows, err := q.query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE user_id = ? AND expires_at > ?
		ORDER BY last_seen_at DESC, id DESC`, userID, now)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanSession)
}

// DeleteUserSession ends one of the user's sessions by id: ErrNotFound
// when the user has no session with that id (another user's included).
func (q Queries) DeleteUserSession(ctx context.Context, userID, id string) error {
	return q.execOne(ctx, `DELETE FROM sessions WHERE id = ? AND user_id = ?`, id, userID)
}

// DeleteOtherSessions ends every session of the user but keepID ("" ends
// them all) and returns how many it ended.
func (q Queries) DeleteOtherSessions(ctx context.Context, userID, keepID string) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keepID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// TouchSession records activity and slides the expiry.
func (q Queries) TouchSession(ctx context.Context, id string, now, expires time.Time) error {
	_, err := q.exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?`, now, expires, id)
	return err
}

// SetSessionWorkspace switches the session's active workspace.
func (q Queries) SetSessionWorkspace(ctx context.Context, id, workspaceID string) error {
	return q.execOne(ctx, `UPDATE sessions SET workspace_id = ? WHERE id = ?`, workspaceID, id)
}

// DeleteSession ends a session (logout, or rotation on login).
func (q Queries) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := q.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// DeleteExpiredSessions removes sessions that expired before now.
func (q Queries) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// nullString stores "" as NULL, for optional foreign keys.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// DeleteUserSessions ends every session of a user except keepID ("" ends
// them all): a password reset or change signs out everywhere.
func (q Queries) DeleteUserSessions(ctx context.Context, userID, keepID string) error {
	_, err := q.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keepID)
	return err
}
