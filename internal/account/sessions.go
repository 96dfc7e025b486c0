package account

import (
	"context"
	"errors"
	"time"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// SessionInfo is one of a person's sessions as they see it: never its
// token or the token's hash.
type SessionInfo struct {
	ID         string    `json:"id"`
	Method     string    `json:"method"` // password, google, microsoft
	IP         string    `json:"ip"`
	UserAgent  string    `json:"userAgent"`
	CreatedAt  time.Time `json:"createdAt"`
	LastUsedAt time.Time `json:"lastUsedAt"`
	ExpiresAt  time.Time `json:"expiresAt"`
	Current    bool      `json:"current"` // the session making this request
}

// Sessions lists the principal's own sessions that are still valid, most
// recently used first. Last use is recorded at most hourly (touchEvery).
func (s *Service) Sessions(ctx context.Context, p Principal) ([]SessionInfo, error) {
	now := s.now().UTC()
	rows, err := s.store.UserSessions(ctx, p.User.ID, now)
	if err != nil {
		return nil, err
	}
	list := make([]SessionInfo, 0, len(rows))
	for _, r := range rows {
		if !now.Before(r.CreatedAt.Add(s.opts.SessionMaxAge)) {
			continue // past its absolute lifetime: AuthenticateSession refuses it
		}
		list = append(list, SessionInfo{ID: r.ID, Method: r.Method, IP: r.IP, UserAgent: r.UserAgent,
			CreatedAt: r.CreatedAt, LastUsedAt: r.LastSeenAt, ExpiresAt: r.ExpiresAt, Current: r.ID == p.SessionID})
	}
	return list, nil
}

// ErrSessionNotFound answers a session id the principal has no session
// with, another person's included, so ids reveal nothing.
var ErrSessionNotFound = problem.New(problem.NotFound, "not_found", "No such session.")

// RevokeSession ends one of the principal's own sessions (the current one
// too: that is logging out). It reports whether it was the current one.
func (s *Service) RevokeSession(ctx context.Context, p Principal, id string, m Meta) (current bool, err error) {
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteUserSession(ctx, p.User.ID, id); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return ErrSessionNotFound
			}
			return err
		}
		return tx.InsertSecurityEvent(ctx, s.securityEvent(p.User.ID, store.SecuritySessionRevoked, m))
	})
	return err == nil && id == p.SessionID, err
}

// RevokeOtherSessions ends every session of the principal's but the one
// making the request ("sign out everywhere else"; with an API key, every
// session) and returns how many it ended.
func (s *Service) RevokeOtherSessions(ctx context.Context, p Principal, m Meta) (int, error) {
	var n int64
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if n, err = tx.DeleteOtherSessions(ctx, p.User.ID, p.SessionID); err != nil {
			return err
		}
		return tx.InsertSecurityEvent(ctx, s.securityEvent(p.User.ID, store.SecuritySessionsRevoked, m))
	})
	return int(n), err
}
