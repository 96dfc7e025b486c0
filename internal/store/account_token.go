package store

import (
	"context"
	"time"
)

// Purposes of an account token (a mailed single-use link).
const (
	TokenVerify      = "verify"
	TokenReset       = "reset"
	TokenChangeEmail = "change_email"
)

// AccountToken is a mailed link of an account. Only the token's hash is
// stored.
type AccountToken struct {
	TokenHash string
	Purpose   string
	UserID    string
	Email     string // the address the link went to
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateAccountToken stores a new link.
func (q Queries) CreateAccountToken(ctx context.Context, t AccountToken) error {
	_, err := q.exec(ctx, `INSERT INTO account_tokens (token_hash, purpose, user_id, email, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, t.TokenHash, t.Purpose, t.UserID, t.Email, t.CreatedAt, t.ExpiresAt)
	return q.d.translate(err)
}

// UseAccountToken spends a link of purpose: it must exist, be unused and
// unexpired at now; it is marked used in the same statement, so two uses
// at once cannot both succeed. ErrNotFound otherwise.
func (q Queries) UseAccountToken(ctx context.Context, tokenHash, purpose string, now time.Time) (AccountToken, error) {
	t := AccountToken{TokenHash: tokenHash, Purpose: purpose}
	err := q.queryRow(ctx, `UPDATE account_tokens SET used_at = ?
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
		RETURNING user_id, email, created_at, expires_at`, now, tokenHash, purpose, now).
		Scan(&t.UserID, &t.Email, &t.CreatedAt, &t.ExpiresAt)
	return t, notFound(err)
}

// EndAccountTokens marks a user's unused links of purpose used, so that a
// newer link (or a reset that happened) leaves no older one working.
func (q Queries) EndAccountTokens(ctx context.Context, userID, purpose string, now time.Time) error {
	_, err := q.exec(ctx, `UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`,
		now, userID, purpose)
	return err
}

// DeleteAccountTokensBefore purges links that expired before before.
func (q Queries) DeleteAccountTokensBefore(ctx context.Context, before time.Time) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM account_tokens WHERE expires_at < ?`, before)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
