package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// ErrUnauthenticated answers requests without a valid session or API key.
var ErrUnauthenticated = &problem.Error{Kind: problem.Unauthorized, Code: "unauthenticated",
	Message: "Log in or send an API key as a Bearer token."}

// touchEvery limits session writes: activity moves the expiry at most this
// often.
const touchEvery = time.Hour

// AuthenticateSession resolves a session cookie's token.
func (s *Service) AuthenticateSession(ctx context.Context, token string) (Principal, error) {
	now := s.now().UTC()
	sess, err := s.store.SessionByTokenHash(ctx, HashToken(token), now)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	if !now.Before(sess.CreatedAt.Add(s.opts.SessionMaxAge)) {
		return Principal{}, ErrUnauthenticated
	}
	user, err := s.store.UserByID(ctx, sess.UserID)
	if err != nil {
		return Principal{}, err
	}
	if now.Sub(sess.LastSeenAt) > touchEvery {
		if err := s.store.TouchSession(ctx, sess.ID, now, s.sessionExpiry(sess.CreatedAt, now)); err != nil {
			return Principal{}, err
		}
	}
	p := Principal{User: user, SessionID: sess.ID}
	if sess.WorkspaceID != "" {
		if _, role, err := s.store.WorkspaceForMember(ctx, sess.WorkspaceID, user.ID); err == nil {
			p.WorkspaceID, p.Role = sess.WorkspaceID, role
		}
	}
	return p, nil
}

// AuthenticateAPIKey resolves a Bearer token. A key stops working when it is
// revoked or its creator leaves the workspace.
func (s *Service) AuthenticateAPIKey(ctx context.Context, token string) (Principal, error) {
	if !strings.HasPrefix(token, APIKeyPrefix) {
		return Principal{}, ErrUnauthenticated
	}
	key, err := s.store.APIKeyByTokenHash(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	user, err := s.store.UserByID(ctx, key.UserID)
	if err != nil {
		return Principal{}, err
	}
	_, role, err := s.store.WorkspaceForMember(ctx, key.WorkspaceID, user.ID)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	now := s.now().UTC()
	if key.LastUsedAt == nil || now.Sub(*key.LastUsedAt) > time.Minute {
		if err := s.store.TouchAPIKey(ctx, key.ID, now); err != nil {
			return Principal{}, err
		}
	}
	return Principal{User: user, APIKeyID: key.ID, WorkspaceID: key.WorkspaceID, Role: role}, nil
}

// WithWorkspace applies an X-Workspace-Id header: the user must be a member
// (403 otherwise); an API key is bound to its own workspace.
func (s *Service) WithWorkspace(ctx context.Context, p Principal, workspaceID string) (Principal, error) {
	if workspaceID == "" || workspaceID == p.WorkspaceID {
		return p, nil
	}
	forbidden := &problem.Error{Kind: problem.Forbidden, Code: "not_a_member",
		Message: "You are not a member of the workspace named in X-Workspace-Id."}
	if p.APIKeyID != "" {
		return Principal{}, forbidden
	}
	_, role, err := s.workspaceForMember(ctx, workspaceID, p.User)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, forbidden
	}
	if err != nil {
		return Principal{}, err
	}
	p.WorkspaceID, p.Role = workspaceID, role
	return p, nil
}
