// Package account holds the rules for people and tenants: signing up, logging
// in, sessions, workspaces and their members, and API keys. HTTP handlers call
// it; it calls the store, and writes each audit event in the same transaction
// as the change it records.
package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/store"
)

// SessionTTL is how long an idle session stays valid; activity slides it.
const SessionTTL = 30 * 24 * time.Hour

// Login rate limits: generous for a person who mistypes, tight for a script.
var (
	LoginPerAccount = ratelimit.Limit{Count: 10, Per: 15 * time.Minute}
	LoginPerIP      = ratelimit.Limit{Count: 50, Per: 15 * time.Minute}
)

// Service implements the account rules.
type Service struct {
	store   *store.Store
	limiter ratelimit.Limiter
	now     func() time.Time
}

// New returns a Service. now is injectable for tests; nil means time.Now.
func New(st *store.Store, limiter ratelimit.Limiter, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, limiter: limiter, now: now}
}

// Meta describes the request an action came from, for sessions and audit.
type Meta struct {
	IP        string
	UserAgent string
	RequestID string
}

// Principal is who is making a request and in which workspace.
type Principal struct {
	User        store.User
	SessionID   string // set for browser sessions
	APIKeyID    string // set for API keys
	WorkspaceID string // the active workspace; "" only for a session without one
	Role        string
}

// CanManage reports whether the principal is an owner or admin of the active
// workspace (manages members, settings, mailboxes and every API key).
func (p Principal) CanManage() bool { return RoleAllows(p.Role, store.RoleAdmin) }

// Allows reports whether the principal's role in the active workspace is at
// least min.
func (p Principal) Allows(min string) bool { return RoleAllows(p.Role, min) }

func (p Principal) audit(m Meta, action, targetType, targetID string, data map[string]any) store.AuditEvent {
	return store.AuditEvent{WorkspaceID: p.WorkspaceID, ActorUserID: p.User.ID, ActorAPIKey: p.APIKeyID,
		Action: action, TargetType: targetType, TargetID: targetID, Data: data, IP: m.IP, RequestID: m.RequestID}
}

// NormalizeEmail applies the same address rules to accounts as to leads
// (trimmed, lowercased, deliverable syntax), returning only the reason on
// failure so it reads well next to the field.
func NormalizeEmail(s string) (string, error) {
	email, err := lead.NormalizeEmail(s)
	var fe *lead.FieldError
	if errors.As(err, &fe) {
		return "", errors.New(fe.Message)
	}
	return email, err
}

// SignupInput is the body of POST /api/auth/signup.
type SignupInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

// Signup creates a user with a first workspace and logs them in.
func (s *Service) Signup(ctx context.Context, in SignupInput, m Meta) (store.User, store.Workspace, string, error) {
	var fields problem.Fields = map[string]string{}
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		fields.Add("email", "%s", err)
	}
	if len([]rune(in.Password)) < MinPasswordLength {
		fields.Add("password", "must be at least %d characters", MinPasswordLength)
	}
	name := strings.TrimSpace(in.Name)
	if len(name) > 200 {
		fields.Add("name", "must be at most 200 characters")
	}
	if err := fields.Err(); err != nil {
		return store.User{}, store.Workspace{}, "", err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return store.User{}, store.Workspace{}, "", err
	}
	user := store.User{Email: email, Name: name, PasswordHash: hash}
	ws := store.Workspace{Name: workspaceNameFor(name, email)}
	var token string
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, &user); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return &problem.Error{Kind: problem.Conflict, Code: "email_taken", Message: "An account with this email already exists.",
					Fields: map[string]string{"email": "is already registered"}}
			}
			return err
		}
		if err := tx.CreateWorkspace(ctx, &ws, user.ID); err != nil {
			return err
		}
		p := Principal{User: user, WorkspaceID: ws.ID, Role: store.RoleOwner}
		if err := tx.InsertAudit(ctx, p.audit(m, "user.signup", "user", user.ID, nil)); err != nil {
			return err
		}
		if err := tx.InsertAudit(ctx, p.audit(m, "workspace.created", "workspace", ws.ID, map[string]any{"name": ws.Name})); err != nil {
			return err
		}
		token, err = s.startSession(ctx, tx, user.ID, ws.ID, m)
		return err
	})
	return user, ws, token, err
}

func workspaceNameFor(name, email string) string {
	if name != "" {
		return name + "'s workspace"
	}
	return email[strings.IndexByte(email, '@')+1:]
}

// startSession creates a session and returns its token (only its hash is
// stored).
func (s *Service) startSession(ctx context.Context, q interface {
	CreateSession(context.Context, *store.Session) error
}, userID, workspaceID string, m Meta) (string, error) {
	token := newToken()
	now := s.now().UTC()
	sess := store.Session{TokenHash: HashToken(token), UserID: userID, WorkspaceID: workspaceID,
		IP: m.IP, UserAgent: truncate(m.UserAgent, 300), CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionTTL)}
	if err := q.CreateSession(ctx, &sess); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// ErrInvalidCredentials is the one answer for a wrong password and an unknown
// email, so the API does not reveal who has an account.
var ErrInvalidCredentials = &problem.Error{Kind: problem.Unauthorized, Code: "invalid_credentials",
	Message: "Email or password is incorrect."}

// Login checks credentials, rate-limited per account and per IP, and starts a
// new session. oldToken (the cookie the browser still had, if any) is ended:
// a login always rotates the session.
func (s *Service) Login(ctx context.Context, email, password, oldToken string, m Meta) (store.User, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if err := s.allowLogin(ctx, email, m.IP); err != nil {
		return store.User{}, "", err
	}
	user, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		_, _ = VerifyPassword(password, dummyHash)
		return store.User{}, "", ErrInvalidCredentials
	}
	if err != nil {
		return store.User{}, "", err
	}
	ok, err := VerifyPassword(password, user.PasswordHash)
	if err != nil {
		return store.User{}, "", err
	}
	memberships, err := s.store.Memberships(ctx, user.ID)
	if err != nil {
		return store.User{}, "", err
	}
	action := "user.login"
	if !ok {
		action = "user.login_failed"
	}
	var token string
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		for _, ms := range memberships {
			p := Principal{User: user, WorkspaceID: ms.ID}
			if err := tx.InsertAudit(ctx, p.audit(m, action, "user", user.ID, nil)); err != nil {
				return err
			}
		}
		if !ok {
			return nil
		}
		if oldToken != "" {
			if err := tx.DeleteSession(ctx, HashToken(oldToken)); err != nil {
				return err
			}
		}
		active := ""
		if len(memberships) > 0 {
			active = memberships[0].ID
		}
		token, err = s.startSession(ctx, tx, user.ID, active, m)
		return err
	})
	if err != nil {
		return store.User{}, "", err
	}
	if !ok {
		return store.User{}, "", ErrInvalidCredentials
	}
	return user, token, nil
}

func (s *Service) allowLogin(ctx context.Context, email, ip string) error {
	checks := []struct {
		key   string
		limit ratelimit.Limit
	}{{"login:account:" + email, LoginPerAccount}, {"login:ip:" + ip, LoginPerIP}}
	for _, c := range checks {
		res, err := s.limiter.Allow(ctx, c.key, c.limit)
		if err != nil {
			return fmt.Errorf("login rate limit: %w", err)
		}
		if !res.Allowed {
			return &problem.Error{Kind: problem.RateLimited, Code: "too_many_attempts",
				Message: "Too many login attempts. Wait a little and try again.", RetryAfter: res.RetryAfter}
		}
	}
	return nil
}

// Logout ends the session with this token. Unknown tokens are fine: the
// result is the same.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.store.DeleteSession(ctx, HashToken(token))
}
