package account

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/systemmail"
)

// Sign-up modes (Options.Signup, LEADBITZ_SIGNUP).
const (
	SignupOpen   = "open"
	SignupInvite = "invite"
	SignupClosed = "closed"
)

// How long each mailed link works.
const (
	VerifyTTL      = 24 * time.Hour
	InvitationTTL  = 7 * 24 * time.Hour
	ResetTTL       = time.Hour
	ChangeEmailTTL = 24 * time.Hour
)

// VerifyResendLimit bounds "send again" per account: enough for a typo'd
// spam filter, too few to make the instance a mail cannon.
var VerifyResendLimit = ratelimit.Limit{Count: 5, Per: time.Hour}

// ErrSignupClosed answers a sign-up the instance's mode refuses.
var ErrSignupClosed = &problem.Error{Kind: problem.Forbidden, Code: "signup_closed",
	Message: "This Leadbitz instance does not accept new accounts; ask its administrator for an invitation."}

// signupAllowed refuses a sign-up outside an invitation unless the mode is
// open or the instance has no account yet.
func (s *Service) signupAllowed(ctx context.Context, q store.Queries) error {
	if s.opts.Signup == SignupOpen {
		return nil
	}
	has, err := q.HasUsers(ctx)
	if err != nil {
		return err
	}
	if has {
		return ErrSignupClosed
	}
	return nil
}

// signupAllowedFor is signupAllowed for an address a provider verified
// (sign-in with Google or Microsoft): an address with a waiting invitation
// may create its account in any mode, to accept it, as the invitation page
// lets it with a password.
func (s *Service) signupAllowedFor(ctx context.Context, q store.Queries, email string) error {
	err := s.signupAllowed(ctx, q)
	if !errors.Is(err, ErrSignupClosed) {
		return err
	}
	invited, ierr := q.HasWaitingInvitationFor(ctx, email, s.now())
	if ierr != nil {
		return ierr
	}
	if invited {
		return nil
	}
	return err
}

// MailConfigured reports whether the instance sends its own mail.
func (s *Service) MailConfigured() bool { return s.opts.Mailer.Configured() }

// verificationPending reports whether the user's address still waits for
// its confirmation, which only counts while the instance sends mail.
func (s *Service) verificationPending(u store.User) bool {
	return u.EmailVerifiedAt == nil && s.MailConfigured()
}

// RequireVerified refuses what waits for a confirmed address (connecting a
// mailbox, launching a campaign) while the principal's address is not.
func (s *Service) RequireVerified(p Principal) error {
	if !s.verificationPending(p.User) {
		return nil
	}
	return &problem.Error{Kind: problem.Forbidden, Code: "email_not_verified",
		Message: fmt.Sprintf("Confirm your address %s first: open the link we mailed you, or have it sent again.", p.User.Email)}
}

// link is the public URL of a page that takes a mailed token.
func (s *Service) link(page, token string) string {
	return strings.TrimRight(s.opts.BaseURL, "/") + "/" + page + "?token=" + url.QueryEscape(token)
}

// newAccountToken stores a new single-use link for the user and returns
// its token (only the hash is kept); older unused links of the purpose stop
// working.
func (s *Service) newAccountToken(ctx context.Context, q interface {
	EndAccountTokens(context.Context, string, string, time.Time) error
	CreateAccountToken(context.Context, store.AccountToken) error
}, userID, purpose, email string, ttl time.Duration) (string, error) {
	now := s.now().UTC()
	if err := q.EndAccountTokens(ctx, userID, purpose, now); err != nil {
		return "", err
	}
	token := newToken()
	err := q.CreateAccountToken(ctx, store.AccountToken{TokenHash: HashToken(token), Purpose: purpose, UserID: userID,
		Email: email, CreatedAt: now, ExpiresAt: now.Add(ttl)})
	return token, err
}

// sendVerification mails a new verification link to the user's address.
func (s *Service) sendVerification(ctx context.Context, u store.User, m Meta) error {
	token, err := s.newAccountToken(ctx, s.store, u.ID, store.TokenVerify, u.Email, VerifyTTL)
	if err != nil {
		return err
	}
	return s.opts.Mailer.Send(ctx, systemmail.Message{To: u.Email, Kind: systemmail.Verify, Link: s.link("verify", token)})
}

// ErrLinkInvalid answers a mailed link that is unknown, used or expired: one
// answer for the three, so a link reveals nothing about others.
func errLinkInvalid(field string) error {
	return &problem.Error{Kind: problem.Invalid, Code: "link_invalid",
		Message: "This link is not valid any more: it was used, replaced by a newer one or it expired. Ask for a new one.",
		Fields:  map[string]string{field: "is unknown, used or expired"}}
}

// VerifyEmail confirms an address with the token of its mailed link. It
// needs no session: the link is the proof.
func (s *Service) VerifyEmail(ctx context.Context, token string, m Meta) (store.User, error) {
	if strings.TrimSpace(token) == "" {
		return store.User{}, problem.InvalidField("token", "is required")
	}
	var user store.User
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		now := s.now().UTC()
		t, err := tx.UseAccountToken(ctx, HashToken(token), store.TokenVerify, now)
		if errors.Is(err, store.ErrNotFound) {
			return errLinkInvalid("token")
		}
		if err != nil {
			return err
		}
		if user, err = tx.UserByID(ctx, t.UserID); err != nil {
			return err
		}
		if user.Email != t.Email {
			return errLinkInvalid("token") // the address changed since the link left
		}
		if err := tx.SetEmailVerified(ctx, user.ID, now); err != nil {
			return err
		}
		user.EmailVerifiedAt = &now
		return tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecurityEmailVerified, m))
	})
	return user, err
}

// ResendVerification mails the principal a new verification link, at most
// VerifyResendLimit times an hour. Without a mail server it answers so.
func (s *Service) ResendVerification(ctx context.Context, p Principal, m Meta) error {
	if p.User.EmailVerifiedAt != nil {
		return problem.New(problem.Conflict, "already_verified", "Your address %s is already confirmed.", p.User.Email)
	}
	if !s.MailConfigured() {
		return errNoMail()
	}
	res, err := s.limiter.Allow(ctx, "verify-resend:"+p.User.ID, VerifyResendLimit)
	if err != nil {
		return fmt.Errorf("verify resend rate limit: %w", err)
	}
	if !res.Allowed {
		return &problem.Error{Kind: problem.RateLimited, Code: "too_many_requests",
			Message: "We sent the link several times already; look in your spam folder, or try again later.", RetryAfter: res.RetryAfter}
	}
	if err := s.sendVerification(ctx, p.User, m); err != nil {
		return mailFailed(err)
	}
	return nil
}

// errNoMail says that a link cannot be mailed on this instance.
func errNoMail() error {
	return &problem.Error{Kind: problem.Conflict, Code: "mail_not_configured",
		Message: "We cannot send this link: " + systemmail.NotConfiguredSentence + "."}
}

// mailFailed turns a failed delivery into an answer that names no server
// detail beyond "try again".
func mailFailed(err error) error {
	if errors.Is(err, systemmail.ErrNotConfigured) {
		return errNoMail()
	}
	return &problem.Error{Kind: problem.Unavailable, Code: "mail_failed",
		Message: "The mail server did not take the message; try again in a few minutes, or ask your administrator."}
}
