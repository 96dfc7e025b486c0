package store

import (
	"context"
	"time"
)

// SecurityEvent is one line of a person's own security log.
type SecurityEvent struct {
	ID        string    `json:"id"`
	UserID    string    `json:"-"`
	Kind      string    `json:"kind"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"userAgent"`
	CreatedAt time.Time `json:"createdAt"`
}

// Kinds of security events.
const (
	SecuritySignup         = "signup"
	SecurityLogin          = "login"
	SecurityLoginFailed    = "login_failed"
	SecurityLogout         = "logout"
	SecurityPasswordRehash = "password_rehashed"
	SecurityEmailVerified  = "email_verified"
	SecurityPasswordReset  = "password_reset"
	SecurityResetRequested = "password_reset_requested"
	SecurityEmailChanged   = "email_changed"
	SecurityEmailChangeAsk = "email_change_requested"
	SecurityMadeAdmin      = "made_admin"
	SecurityInviteAccepted = "invitation_accepted"

	SecuritySessionRevoked       = "session_revoked"        // one session ended from the Sessions page or API
	SecuritySessionsRevoked      = "sessions_revoked"       // "sign out everywhere else"
	SecurityPasswordChanged      = "password_changed"       // also ends every other session
	SecurityPasswordSet          = "password_set"           // a first password for an account made by a provider sign-in
	SecurityPasswordChangeFailed = "password_change_failed" // a wrong current password
	SecurityIdentityLinked       = "identity_linked"        // a provider sign-in linked to the account (kind + ":" + provider)
	SecurityLoginWith            = "login_with"             // a sign-in with a provider (kind + ":" + provider)
	SecuritySignupWith           = "signup_with"            // an account made by a provider sign-in (kind + ":" + provider)
)

// InsertSecurityEvent writes an event; an empty UserID stores it in nobody's
// log (a failed login for an address without an account).
func (q Queries) InsertSecurityEvent(ctx context.Context, e SecurityEvent) error {
	if e.ID == "" {
		e.ID = NewID()
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = q.now()
	}
	_, err := q.exec(ctx, `INSERT INTO security_events (id, user_id, kind, ip, user_agent, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, e.ID, nullString(e.UserID), e.Kind, e.IP, e.UserAgent, e.CreatedAt)
	return err
}

// SecurityEvents lists a user's events newest first, after the cursor (an
// event id) when given, fetching limit+1 rows like AuditEvents.
func (q Queries) SecurityEvents(ctx context.Context, userID, cursor string, limit int) ([]SecurityEvent, error) {
	sql := `SELECT id, user_id, kind, ip, user_agent, created_at FROM security_events WHERE user_id = ?`
	args := []any{userID}
	if cursor != "" {
		sql += ` AND id < ?`
		args = append(args, cursor)
	}
	sql += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit+1)
	rows, err := q.query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (SecurityEvent, error) {
		var e SecurityEvent
		err := r.Scan(&e.ID, &e.UserID, &e.Kind, &e.IP, &e.UserAgent, &e.CreatedAt)
		return e, err
	})
}

// DeleteSecurityEventsBefore purges events older than before, and those in
// nobody's log older than orphansBefore.
func (q Queries) DeleteSecurityEventsBefore(ctx context.Context, before, orphansBefore time.Time) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM security_events WHERE created_at < ? OR (user_id IS NULL AND created_at < ?)`,
		before, orphansBefore)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// LoginFailures returns the failed logins recorded for an (account, network)
// pair and when the last one was; zero and a zero time when there are none.
func (q Queries) LoginFailures(ctx context.Context, pairHash string) (int, time.Time, error) {
	var n int
	var last time.Time
	err := notFound(q.queryRow(ctx, `SELECT failures, last_failed_at FROM login_failures WHERE pair_hash = ?`, pairHash).
		Scan(&n, &last))
	if err == ErrNotFound {
		return 0, time.Time{}, nil
	}
	return n, last, err
}

// RecordLoginFailure counts one more failed login for the pair at at, in one
// statement so concurrent failures all count. A count whose last failure is
// older than restartBefore starts again from one.
func (q Queries) RecordLoginFailure(ctx context.Context, pairHash string, at, restartBefore time.Time) error {
	_, err := q.exec(ctx, `INSERT INTO login_failures (pair_hash, failures, last_failed_at) VALUES (?, 1, ?)
		ON CONFLICT (pair_hash) DO UPDATE SET last_failed_at = excluded.last_failed_at,
		failures = CASE WHEN login_failures.last_failed_at < ? THEN 1 ELSE login_failures.failures + 1 END`,
		pairHash, at, restartBefore)
	return err
}

// ClearLoginFailures forgets a pair's failures after a successful login.
func (q Queries) ClearLoginFailures(ctx context.Context, pairHash string) error {
	_, err := q.exec(ctx, `DELETE FROM login_failures WHERE pair_hash = ?`, pairHash)
	return err
}

// DeleteLoginFailuresBefore purges pairs whose last failure is older than
// before: they no longer delay anything.
func (q Queries) DeleteLoginFailuresBefore(ctx context.Context, before time.Time) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM login_failures WHERE last_failed_at < ?`, before)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
