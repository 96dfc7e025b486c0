package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/systemmail"
)

// Limits of "forgot password": per client network (answered 429, which
// says nothing about any address) and per address (silently: the answer is
// 202 whatever happens).
var (
	ForgotPerIP      = ratelimit.Limit{Count: 20, Per: time.Hour}
	ForgotPerAddress = ratelimit.Limit{Count: 5, Per: time.Hour}
)

// pending counts work that runs after a request's answer (the mail of
// "forgot password"); tests wait for it with WaitBackground, and the app
// before it closes the database.
type pending struct{ wg sync.WaitGroup }

// later returns f to run after the answer, counted until it ends.
func (b *pending) later(f func()) func() {
	b.wg.Add(1)
	return func() {
		defer b.wg.Done()
		f()
	}
}

// WaitBackground waits until the work handed out to run after an answer is
// done: tests call it before looking for a mail "forgot password" sent.
func (s *Service) WaitBackground() { s.bg.wg.Wait() }

// ForgotPassword answers the same whether or not the address has an
// account, in the same time: it returns at once with the work to run once
// the answer is sent (the caller flushes the answer, then calls it), which
// looks the address up and mails a known one a reset link (1 h). Measured
// on a busy machine, doing that work while the answer was written made the
// answer three times slower for an address with an account.
func (s *Service) ForgotPassword(ctx context.Context, email string, m Meta) (after func(), err error) {
	addr, err := NormalizeEmail(email)
	if err != nil {
		return nil, problem.InvalidField("email", err.Error())
	}
	res, err := s.limiter.Allow(ctx, "forgot:ip:"+clientNetwork(m.IP), ForgotPerIP)
	if err != nil {
		return nil, fmt.Errorf("forgot rate limit: %w", err)
	}
	if !res.Allowed {
		return nil, &problem.Error{Kind: problem.RateLimited, Code: "too_many_requests",
			Message: "Too many password resets were asked from here; try again later.", RetryAfter: res.RetryAfter}
	}
	return s.bg.later(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := s.mailReset(ctx, addr, m); err != nil {
			s.env.Log().Warn("password reset mail not sent", "error", err.Error())
		}
	}), nil
}

// mailReset mails a reset link to addr when it has an account.
func (s *Service) mailReset(ctx context.Context, addr string, m Meta) error {
	res, err := s.limiter.Allow(ctx, "forgot:addr:"+HashToken(addr), ForgotPerAddress)
	if err != nil || !res.Allowed {
		return err
	}
	user, err := s.store.UserByEmail(ctx, addr)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	token, err := s.resetToken(ctx, user, m)
	if err != nil {
		return err
	}
	err = s.opts.Mailer.Send(ctx, systemmail.Message{To: user.Email, Kind: systemmail.Reset, Link: s.link("reset", token)})
	if errors.Is(err, systemmail.ErrNotConfigured) {
		return nil // logged by the mailer, for the administrator
	}
	return err
}

// resetToken makes a new reset link for user and notes it in their log.
func (s *Service) resetToken(ctx context.Context, user store.User, m Meta) (string, error) {
	var token string
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if token, err = s.newAccountToken(ctx, tx, user.ID, store.TokenReset, user.Email, ResetTTL); err != nil {
			return err
		}
		return tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecurityResetRequested, m))
	})
	return token, err
}

// ResetLink makes a one-time reset link for the account of email, for an
// administrator at the command line (`leadbitz user reset-password`).
func (s *Service) ResetLink(ctx context.Context, email string) (string, error) {
	user, err := s.store.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return "", fmt.Errorf("no account has the address %q", email)
	}
	token, err := s.resetToken(ctx, user, Meta{UserAgent: "leadbitz user reset-password"})
	if err != nil {
		return "", err
	}
	return s.link("reset", token), nil
}

// ResetInput is the body of POST /api/auth/reset.
type ResetInput struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// ResetPassword sets a new password through a reset link and ends every
// session of the account. The link proved the address too.
func (s *Service) ResetPassword(ctx context.Context, in ResetInput, m Meta) error {
	var fields problem.Fields = map[string]string{}
	if strings.TrimSpace(in.Token) == "" {
		fields.Add("token", "is required")
	}
	if len([]rune(in.Password)) < MinPasswordLength {
		fields.Add("password", "must be at least %d characters", MinPasswordLength)
	}
	if err := fields.Err(); err != nil {
		return err
	}
	hash, err := s.hashes.hash(ctx, in.Password)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		now := s.now().UTC()
		t, err := tx.UseAccountToken(ctx, HashToken(in.Token), store.TokenReset, now)
		if errors.Is(err, store.ErrNotFound) {
			return errLinkInvalid("token")
		}
		if err != nil {
			return err
		}
		user, err := tx.UserByID(ctx, t.UserID)
		if err != nil {
			return err
		}
		if user.Email != t.Email {
			return errLinkInvalid("token")
		}
		if err := tx.SetPasswordHash(ctx, user.ID, hash); err != nil {
			return err
		}
		if user.EmailVerifiedAt == nil {
			if err := tx.SetEmailVerified(ctx, user.ID, now); err != nil {
				return err
			}
		}
		if err := tx.DeleteUserSessions(ctx, user.ID, ""); err != nil {
			return err
		}
		return tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecurityPasswordReset, m))
	})
}

// ChangeEmailInput is the body of POST /api/me/email.
type ChangeEmailInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// RequestEmailChange mails a confirmation link to the new address; the
// account keeps its address until the link is opened. The password is
// asked, so a session left open cannot move the account away. Without a
// mail server the link is logged for the administrator, and the answer
// says so (errNoMail).
func (s *Service) RequestEmailChange(ctx context.Context, p Principal, in ChangeEmailInput, m Meta) error {
	if p.SessionID == "" {
		return problem.New(problem.Conflict, "session_required", "Change the address from a signed-in browser session, not with an API key.")
	}
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		return problem.InvalidField("email", err.Error())
	}
	if email == p.User.Email {
		return problem.InvalidField("email", "is already your address")
	}
	ok, err := s.hashes.verify(ctx, in.Password, p.User.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return &problem.Error{Kind: problem.Invalid, Code: "wrong_password", Message: "The password is not right.",
			Fields: map[string]string{"password": "is not your current password"}}
	}
	var token string
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if token, err = s.newAccountToken(ctx, tx, p.User.ID, store.TokenChangeEmail, email, ChangeEmailTTL); err != nil {
			return err
		}
		return tx.InsertSecurityEvent(ctx, s.securityEvent(p.User.ID, store.SecurityEmailChangeAsk, m))
	})
	if err != nil {
		return err
	}
	err = s.opts.Mailer.Send(ctx, systemmail.Message{To: email, Kind: systemmail.ChangeEmail, Link: s.link("confirm-email", token),
		Data: map[string]string{"OldEmail": p.User.Email}})
	if err != nil {
		return mailFailed(err)
	}
	return nil
}

// ConfirmEmailChange moves the account to the address its link was sent
// to.
func (s *Service) ConfirmEmailChange(ctx context.Context, token string, m Meta) (store.User, error) {
	if strings.TrimSpace(token) == "" {
		return store.User{}, problem.InvalidField("token", "is required")
	}
	var user store.User
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		now := s.now().UTC()
		t, err := tx.UseAccountToken(ctx, HashToken(token), store.TokenChangeEmail, now)
		if errors.Is(err, store.ErrNotFound) {
			return errLinkInvalid("token")
		}
		if err != nil {
			return err
		}
		if err := tx.SetUserEmail(ctx, t.UserID, t.Email, now); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return problem.New(problem.Conflict, "email_taken", "Another account has the address %s now.", t.Email)
			}
			return err
		}
		if user, err = tx.UserByID(ctx, t.UserID); err != nil {
			return err
		}
		// Links mailed to the old address stop working.
		for _, purpose := range []string{store.TokenReset, store.TokenVerify} {
			if err := tx.EndAccountTokens(ctx, user.ID, purpose, now); err != nil {
				return err
			}
		}
		return tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecurityEmailChanged, m))
	})
	return user, err
}

// DeleteAccount deletes the principal's account. It is refused while they
// are the only owner of a workspace others belong to; workspaces where they
// are alone go with the account. Each workspace they leave notes it.
func (s *Service) DeleteAccount(ctx context.Context, p Principal, m Meta) error {
	if p.SessionID == "" {
		return problem.New(problem.Conflict, "session_required", "Delete the account from a signed-in browser session, not with an API key.")
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		blocking, err := tx.SoleOwnerWorkspaces(ctx, p.User.ID)
		if err != nil {
			return err
		}
		if len(blocking) > 0 {
			names := make([]string, len(blocking))
			for i, w := range blocking {
				names[i] = w.Name
			}
			return &problem.Error{Kind: problem.Conflict, Code: "sole_owner",
				Message: "You are the only owner of " + strings.Join(names, ", ") + ", which others belong to: make one of them owner first.",
				Details: map[string]any{"workspaces": blocking}}
		}
		memberships, err := tx.Memberships(ctx, p.User.ID)
		if err != nil {
			return err
		}
		for _, ms := range memberships {
			q := p
			q.WorkspaceID = ms.ID
			// Written before the deletes: a workspace that goes with the
			// account takes its event along (ON DELETE CASCADE).
			if err := tx.InsertAudit(ctx, q.audit(m, "workspace.member_left", "user", p.User.ID, map[string]any{"reason": "account_deleted"})); err != nil {
				return err
			}
		}
		if err := tx.DeleteWorkspacesOnlyOf(ctx, p.User.ID); err != nil {
			return err
		}
		return tx.DeleteUser(ctx, p.User.ID)
	})
}

// Users lists every account of the instance (the CLI).
func (s *Service) Users(ctx context.Context) ([]store.User, error) { return s.store.Users(ctx) }

// MakeAdmin makes the account of email an administrator of the instance
// (the CLI).
func (s *Service) MakeAdmin(ctx context.Context, email string) (store.User, error) {
	user, err := s.store.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return store.User{}, fmt.Errorf("no account has the address %q", email)
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetUserAdmin(ctx, user.ID, true); err != nil {
			return err
		}
		return tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecurityMadeAdmin, Meta{UserAgent: "leadbitz user make-admin"}))
	})
	user.IsAdmin = err == nil
	return user, err
}
