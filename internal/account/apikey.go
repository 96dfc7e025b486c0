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

// APIKeys lists the API keys the principal may see, newest first, revoked
// ones included: every key of the workspace for owners and admins, only
// their own for members.
func (s *Service) APIKeys(ctx context.Context, p Principal) ([]store.APIKey, error) {
	keys, err := s.store.InWorkspace(p.WorkspaceID).APIKeys(ctx)
	if err != nil || p.CanManage() {
		return keys, err
	}
	own := []store.APIKey{}
	for _, k := range keys {
		if k.UserID == p.User.ID {
			own = append(own, k)
		}
	}
	return own, nil
}

// APIKey returns a key of the workspace the principal may manage: 404 when
// there is none with id, 403 when it is someone else's and the principal is
// a member (owners and admins manage every key; members their own).
func (s *Service) APIKey(ctx context.Context, p Principal, id string) (store.APIKey, error) {
	return manageableKey(ctx, s.store.InWorkspace(p.WorkspaceID), p, id)
}

// RevokeAPIKey revokes a key the principal may manage (see APIKey). A
// member's key acts as that member, so it never gives more than their
// session does.
func (s *Service) RevokeAPIKey(ctx context.Context, p Principal, id string, m Meta) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		ws := tx.InWorkspace(p.WorkspaceID)
		if _, err := manageableKey(ctx, ws, p, id); err != nil {
			return err
		}
		if err := ws.RevokeAPIKey(ctx, id, s.now().UTC()); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, p.audit(m, "api_key.revoked", "api_key", id, nil))
	})
}

func manageableKey(ctx context.Context, ws store.Scope, p Principal, id string) (store.APIKey, error) {
	keys, err := ws.APIKeys(ctx)
	if err != nil {
		return store.APIKey{}, err
	}
	for _, k := range keys {
		if k.ID != id {
			continue
		}
		if k.UserID != p.User.ID && !p.CanManage() {
			return store.APIKey{}, problem.New(problem.Forbidden, "forbidden", "Members can manage only their own API keys; ask an owner or admin.")
		}
		return k, nil
	}
	return store.APIKey{}, store.ErrNotFound
}
