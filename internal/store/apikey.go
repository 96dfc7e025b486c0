package store

import (
	"context"
	"time"
)

// APIKey authenticates scripts as Bearer tokens. Only a hash is stored; the
// token is shown once, when created.
type APIKey struct {
	ID          string     `json:"id"`
	WorkspaceID string     `json:"workspaceId"`
	UserID      string     `json:"userId"`
	Name        string     `json:"name"`
	TokenHash   string     `json:"-"`
	TokenPrefix string     `json:"prefix"`
	CreatedAt   time.Time  `json:"createdAt"`
	LastUsedAt  *time.Time `json:"lastUsedAt"`
	RevokedAt   *time.Time `json:"revokedAt"`
}

const apiKeyColumns = `id, workspace_id, user_id, name, token_hash, token_prefix, created_at, last_used_at, revoked_at`

func scanAPIKey(row interface{ Scan(...any) error }) (APIKey, error) {
	var k APIKey
	err := row.Scan(&k.ID, &k.WorkspaceID, &k.UserID, &k.Name, &k.TokenHash, &k.TokenPrefix, &k.CreatedAt, &k.LastUsedAt, &k.RevokedAt)
	return k, notFound(err)
}

// CreateAPIKey stores a key in the scope's workspace.
func (s Scope) CreateAPIKey(ctx context.Context, k *APIKey) error {
	if k.ID == "" {
		k.ID = NewID()
	}
	k.WorkspaceID = s.ws
	k.CreatedAt = s.now()
	_, err := s.exec(ctx, `INSERT INTO api_keys (id, workspace_id, user_id, name, token_hash, token_prefix, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, k.ID, s.ws, k.UserID, k.Name, k.TokenHash, k.TokenPrefix, k.CreatedAt)
	return s.d.translate(err)
}

// APIKeys lists the workspace's keys, newest first, revoked ones included.
func (s Scope) APIKeys(ctx context.Context) ([]APIKey, error) {
	rows, err := s.query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE workspace_id = ? ORDER BY id DESC`, s.ws)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanAPIKey)
}

// RevokeAPIKey revokes a live key; ErrNotFound for a missing, foreign or
// already revoked key.
func (s Scope) RevokeAPIKey(ctx context.Context, id string, now time.Time) error {
	return s.execOne(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND workspace_id = ? AND revoked_at IS NULL`,
		now, id, s.ws)
}

// APIKeyByTokenHash finds a live key for authentication. It is not scoped:
// the key is what tells us the workspace.
func (q Queries) APIKeyByTokenHash(ctx context.Context, tokenHash string) (APIKey, error) {
	return scanAPIKey(q.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE token_hash = ? AND revoked_at IS NULL`, tokenHash))
}

// TouchAPIKey records when a key was last used.
func (q Queries) TouchAPIKey(ctx context.Context, id string, now time.Time) error {
	_, err := q.exec(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, now, id)
	return err
}
