package store

import (
	"context"
	"time"
)

// Identity links an account to a sign-in provider's subject.
type Identity struct {
	Provider    string
	Subject     string
	UserID      string
	Email       string
	CreatedAt   time.Time
	LastLoginAt time.Time
}

// IdentityUser returns the user linked to (provider, subject);
// ErrNotFound when there is none.
func (q Queries) IdentityUser(ctx context.Context, provider, subject string) (User, error) {
	return scanUser(q.queryRow(ctx, `SELECT u.id, u.email, u.name, u.password_hash, u.created_at, u.is_admin, u.email_verified_at
		FROM user_identities i JOIN users u ON u.id = i.user_id WHERE i.provider = ? AND i.subject = ?`, provider, subject))
}

// InsertIdentity links an account to a provider's subject; ErrDuplicate
// when the subject is linked already.
func (q Queries) InsertIdentity(ctx context.Context, i Identity) error {
	_, err := q.exec(ctx, `INSERT INTO user_identities (provider, subject, user_id, email, created_at, last_login_at)
		VALUES (?, ?, ?, ?, ?, ?)`, i.Provider, i.Subject, i.UserID, i.Email, i.CreatedAt, i.LastLoginAt)
	return q.d.translate(err)
}

// TouchIdentity records a sign-in through a linked identity.
func (q Queries) TouchIdentity(ctx context.Context, provider, subject string, at time.Time) error {
	return q.execOne(ctx, `UPDATE user_identities SET last_login_at = ? WHERE provider = ? AND subject = ?`, at, provider, subject)
}

// UserIdentities lists the providers an account is linked to, oldest link
// first.
func (q Queries) UserIdentities(ctx context.Context, userID string) ([]Identity, error) {
	rows, err := q.query(ctx, `SELECT provider, subject, user_id, email, created_at, last_login_at FROM user_identities
		WHERE user_id = ? ORDER BY created_at, provider`, userID)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (Identity, error) {
		var i Identity
		err := r.Scan(&i.Provider, &i.Subject, &i.UserID, &i.Email, &i.CreatedAt, &i.LastLoginAt)
		return i, err
	})
}

// SigninState is a sign-in with a provider in flight. StateHash is the
// SHA-256 of the state parameter; Verifier and Nonce are encrypted.
type SigninState struct {
	StateHash string
	Provider  string
	Verifier  string
	Nonce     string
	NextPath  string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// InsertSigninState records a sign-in the browser is starting.
func (q Queries) InsertSigninState(ctx context.Context, s SigninState) error {
	_, err := q.exec(ctx, `INSERT INTO signin_states (state_hash, provider, verifier, nonce, next_path, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, s.StateHash, s.Provider, s.Verifier, s.Nonce, s.NextPath, s.CreatedAt, s.ExpiresAt)
	return q.d.translate(err)
}

// TakeSigninState deletes and returns the sign-in with this state hash, so
// a state is used at most once.
func (q Queries) TakeSigninState(ctx context.Context, stateHash string) (SigninState, error) {
	var s SigninState
	err := q.queryRow(ctx, `DELETE FROM signin_states WHERE state_hash = ? RETURNING state_hash, provider, verifier, nonce,
		next_path, created_at, expires_at`, stateHash).
		Scan(&s.StateHash, &s.Provider, &s.Verifier, &s.Nonce, &s.NextPath, &s.CreatedAt, &s.ExpiresAt)
	return s, notFound(err)
}

// DeleteExpiredSigninStates removes sign-ins abandoned before before.
func (q Queries) DeleteExpiredSigninStates(ctx context.Context, before time.Time) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM signin_states WHERE expires_at < ?`, before)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
