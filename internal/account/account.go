// Package account holds the rules for people and tenants: signing up (and
// its modes), logging in, sessions, address verification, invitations,
// workspaces and their members, password reset, changes of address,
// account deletion, and API keys. HTTP handlers call
// it; it calls the store, and writes each audit event in the same transaction
// as the change it records.
package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/systemmail"
)

// SessionTTL is how long an idle session stays valid; activity slides it,
// up to Options.SessionMaxAge after the login.
const SessionTTL = 30 * 24 * time.Hour

// LoginPerIP bounds the login attempts of one client network (an IPv4
// address or an IPv6 /64), whatever the accounts: generous for an office
// behind one address, tight for a script. Per account, failures slow down
// only the pair they come from (throttle.go).
var LoginPerIP = ratelimit.Limit{Count: 50, Per: 15 * time.Minute}

// Service implements the account rules.
type Service struct {
	store   *store.Store
	env     env.Env
	limiter ratelimit.Limiter
	now     func() time.Time
	opts    Options
	hashes  *hashGate
	bg      pending
}

// New returns a Service reading the time from e and logging what happens
// outside a request's answer (a mail that could not be sent) to it, with the
// given settings (zero values take the defaults of Options; a nil Mailer
// logs the links it would have mailed).
func New(st *store.Store, e env.Env, limiter ratelimit.Limiter, opts Options) *Service {
	opts = opts.withDefaults()
	if opts.Mailer == nil {
		opts.Mailer, _ = systemmail.New(systemmail.Options{Log: e.Log()})
	}
	return &Service{store: st, env: e, limiter: limiter, now: e.Clock(), opts: opts, hashes: newHashGate(opts)}
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
	email, err := field.NormalizeEmail(s)
	var fe *field.Error
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

// Signup creates a user with a first workspace and logs them in. Signups are
// rate-limited per client network and overall, and the password is hashed
// through the bounded hashing gate.
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
	if err := s.signupAllowed(ctx, s.store.Queries); err != nil {
		return store.User{}, store.Workspace{}, "", err
	}
	if err := s.allowSignup(ctx, m.IP); err != nil {
		return store.User{}, store.Workspace{}, "", err
	}
	hash, err := s.hashes.hash(ctx, in.Password)
	if err != nil {
		return store.User{}, store.Workspace{}, "", err
	}
	user := store.User{Email: email, Name: name, PasswordHash: hash}
	ws := store.Workspace{Name: workspaceNameFor(name, email)}
	var token string
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		// The first account of an instance is its administrator.
		if err := tx.LockSignups(ctx); err != nil {
			return err
		}
		has, err := tx.HasUsers(ctx)
		if err != nil {
			return err
		}
		if has {
			if err := s.signupAllowed(ctx, tx.Queries); err != nil {
				return err
			}
		}
		user.IsAdmin = !has
		if err := tx.CreateUser(ctx, &user); err != nil {
			// A taken address is told so (409), which reveals that it has an
			// account: without the product's own mail there is no other way
			// to tell its owner to log in instead. With system mail, this
			// would answer as for a new address and mail the owner.
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
		if err := tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecuritySignup, m)); err != nil {
			return err
		}
		token, err = s.startSession(ctx, tx, user.ID, ws.ID, m)
		return err
	})
	if err != nil {
		return store.User{}, store.Workspace{}, "", err
	}
	if s.opts.Mailer.Configured() {
		// A mail server that fails now is not the new account's fault: the
		// app says what is waiting and offers to send the link again.
		if err := s.sendVerification(ctx, user, m); err != nil {
			s.env.Log().Warn("verification mail not sent at signup", "user_id", user.ID, "error", err.Error())
		}
	}
	return user, ws, token, nil
}

// allowSignup applies the signup limits: per client network and overall,
// both through the shared limiter so that replicas agree.
func (s *Service) allowSignup(ctx context.Context, ip string) error {
	checks := []struct {
		key   string
		limit ratelimit.Limit
	}{
		{"signup:ip:" + clientNetwork(ip), ratelimit.Limit{Count: s.opts.SignupsPerIPHour, Per: time.Hour}},
		{"signup:all", ratelimit.Limit{Count: s.opts.SignupsPerHour, Per: time.Hour}},
	}
	for _, c := range checks {
		res, err := s.limiter.Allow(ctx, c.key, c.limit)
		if err != nil {
			return fmt.Errorf("signup rate limit: %w", err)
		}
		if !res.Allowed {
			return &problem.Error{Kind: problem.RateLimited, Code: "too_many_signups",
				Message: "Too many accounts were created recently. Try again later.", RetryAfter: res.RetryAfter}
		}
	}
	return nil
}

func (s *Service) securityEvent(userID, kind string, m Meta) store.SecurityEvent {
	return store.SecurityEvent{UserID: userID, Kind: kind, IP: m.IP, UserAgent: truncate(m.UserAgent, 300),
		CreatedAt: s.now().UTC()}
}

func workspaceNameFor(name, email string) string {
	if name != "" {
		return name + "'s workspace"
	}
	return email[strings.IndexByte(email, '@')+1:]
}

// startSession creates a password session and returns its token (only its
// hash is stored).
func (s *Service) startSession(ctx context.Context, q interface {
	CreateSession(context.Context, *store.Session) error
}, userID, workspaceID string, m Meta) (string, error) {
	return s.startSessionBy(ctx, q, store.SessionPassword, userID, workspaceID, m)
}

// startSessionBy creates a session signed in by method (store.SessionPassword
// or a provider's name) and returns its token.
func (s *Service) startSessionBy(ctx context.Context, q interface {
	CreateSession(context.Context, *store.Session) error
}, method, userID, workspaceID string, m Meta) (string, error) {
	token := newToken()
	now := s.now().UTC()
	sess := store.Session{TokenHash: HashToken(token), UserID: userID, WorkspaceID: workspaceID, Method: method,
		IP: m.IP, UserAgent: truncate(m.UserAgent, 300), CreatedAt: now, LastSeenAt: now, ExpiresAt: s.sessionExpiry(now, now)}
	if err := q.CreateSession(ctx, &sess); err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// sessionExpiry is when a session created at created and last active at
// now expires: SessionTTL of idleness, and never later than SessionMaxAge
// after its login, however active.
func (s *Service) sessionExpiry(created, now time.Time) time.Time {
	return minTime(now.Add(SessionTTL), created.Add(s.opts.SessionMaxAge))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
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

// Login checks credentials and starts a new session. oldToken (the cookie
// the browser still had, if any) is ended: a login always rotates the
// session.
//
// A known and an unknown address take the same path: one user lookup, one
// argon2id verification (of a dummy hash for an unknown address), and on
// failure the same two writes (the pair's failure count, a security event
// that for an unknown address lands in nobody's log). Only a right password
// goes further.
func (s *Service) Login(ctx context.Context, email, password, oldToken string, m Meta) (store.User, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	pair := loginPair(email, m.IP)
	if err := s.allowLogin(ctx, pair, m.IP); err != nil {
		return store.User{}, "", err
	}
	user, err := s.store.UserByEmail(ctx, email)
	known := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.User{}, "", err
	}
	// An account made by signing in with Google or Microsoft has no
	// password until its owner sets one: it is checked like an unknown
	// address, against the dummy hash, and always fails.
	hasPassword := known && user.PasswordHash != ""
	hash := dummyHash
	if hasPassword {
		hash = user.PasswordHash
	}
	ok, err := s.hashes.verify(ctx, password, hash)
	if err != nil {
		return store.User{}, "", err
	}
	if !ok || !hasPassword {
		return store.User{}, "", s.loginFailed(ctx, user.ID, pair, m)
	}
	token, err := s.loginSucceeded(ctx, user, password, pair, oldToken, m)
	if err != nil {
		return store.User{}, "", err
	}
	return user, token, nil
}

// loginFailed records a failed login for the pair and in the user's log
// (userID is "" for an unknown address) and answers ErrInvalidCredentials.
func (s *Service) loginFailed(ctx context.Context, userID, pair string, m Meta) error {
	now := s.now().UTC()
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RecordLoginFailure(ctx, pair, now, now.Add(-loginFailureQuiet)); err != nil {
			return err
		}
		return tx.InsertSecurityEvent(ctx, s.securityEvent(userID, store.SecurityLoginFailed, m))
	})
	if err != nil {
		return err
	}
	return ErrInvalidCredentials
}

// loginSucceeded clears the pair's failures, upgrades an old password hash,
// joins the workspaces waiting for the address and starts the session.
func (s *Service) loginSucceeded(ctx context.Context, user store.User, password, pair, oldToken string, m Meta) (string, error) {
	rehash := ""
	if needsRehash(user.PasswordHash) {
		// Best effort: a busy gate leaves the old hash for the next login.
		rehash, _ = s.hashes.hash(ctx, password)
	}
	var token string
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ClearLoginFailures(ctx, pair); err != nil {
			return err
		}
		if rehash != "" {
			if err := tx.SetPasswordHash(ctx, user.ID, rehash); err != nil {
				return err
			}
			if err := tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecurityPasswordRehash, m)); err != nil {
				return err
			}
		}
		active, err := replaceSession(ctx, tx, user.ID, oldToken)
		if err != nil {
			return err
		}
		if err := tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecurityLogin, m)); err != nil {
			return err
		}
		token, err = s.startSession(ctx, tx, user.ID, active, m)
		return err
	})
	return token, err
}

// allowLogin refuses a pair that must still wait after its failures, and a
// client network past LoginPerIP.
func (s *Service) allowLogin(ctx context.Context, pair, ip string) error {
	failures, last, err := s.store.LoginFailures(ctx, pair)
	if err != nil {
		return err
	}
	if wait := loginWait(failures, last, s.now()); wait > 0 {
		return tooManyAttempts(wait)
	}
	res, err := s.limiter.Allow(ctx, "login:ip:"+clientNetwork(ip), LoginPerIP)
	if err != nil {
		return fmt.Errorf("login rate limit: %w", err)
	}
	if !res.Allowed {
		return tooManyAttempts(res.RetryAfter)
	}
	return nil
}

func tooManyAttempts(retry time.Duration) error {
	return &problem.Error{Kind: problem.RateLimited, Code: "too_many_attempts",
		Message: "Too many login attempts. Wait a little and try again.", RetryAfter: retry}
}

// Logout ends the session with this token and notes it in its user's
// security log. Unknown tokens are fine: the result is the same.
func (s *Service) Logout(ctx context.Context, token string, m Meta) error {
	if token == "" {
		return nil
	}
	sess, err := s.store.SessionByTokenHash(ctx, HashToken(token), s.now().UTC())
	if errors.Is(err, store.ErrNotFound) {
		return s.store.DeleteSession(ctx, HashToken(token))
	}
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSession(ctx, sess.TokenHash); err != nil {
			return err
		}
		return tx.InsertSecurityEvent(ctx, s.securityEvent(sess.UserID, store.SecurityLogout, m))
	})
}

// replaceSession ends the session a login or sign-in replaces (oldToken, if
// any) and picks the workspace the new session opens in: the user's first.
func replaceSession(ctx context.Context, tx *store.Tx, userID, oldToken string) (active string, err error) {
	if oldToken != "" {
		if err := tx.DeleteSession(ctx, HashToken(oldToken)); err != nil {
			return "", err
		}
	}
	memberships, err := tx.Memberships(ctx, userID)
	if err != nil || len(memberships) == 0 {
		return "", err
	}
	return memberships[0].ID, nil
}
