package account

import (
	"context"
	"strings"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// NewAPIKey is a freshly created key with its token, shown only this once.
type NewAPIKey struct {
	store.APIKey
	Token string `json:"token"`
}

// CreateAPIKey creates a key in the principal's active workspace, acting as
// the principal's user.
func (s *Service) CreateAPIKey(ctx context.Context, p Principal, name string, m Meta) (NewAPIKey, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return NewAPIKey{}, problem.InvalidField("name", "must be between 1 and 100 characters")
	}
	token := APIKeyPrefix + newToken()
	key := store.APIKey{UserID: p.User.ID, Name: name, TokenHash: HashToken(token), TokenPrefix: token[:len(APIKeyPrefix)+6]}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InWorkspace(p.WorkspaceID).CreateAPIKey(ctx, &key); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, p.audit(m, "api_key.created", "api_key", key.ID, map[string]any{"name": name}))
	})
	return NewAPIKey{APIKey: key, Token: token}, err
}

// RevokeAPIKey revokes a key of the principal's workspace.
func (s *Service) RevokeAPIKey(ctx context.Context, p Principal, id string, m Meta) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InWorkspace(p.WorkspaceID).RevokeAPIKey(ctx, id, s.now().UTC()); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, p.audit(m, "api_key.revoked", "api_key", id, nil))
	})
}
