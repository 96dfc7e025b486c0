package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Identity is who a sign-in provider vouched for, read from an ID token
// whose signature, issuer, audience, expiry and nonce were checked
// (internal/oidc).
type Identity struct {
	Provider string // google, microsoft: the session's method and the link's provider
	Label    string // Google, Microsoft: for messages
	Subject  string // the provider's stable id of the person (sub)
	Email    string
	// EmailVerified is whether the provider says the address belongs to
	// the person: only then may the sign-in reach an account by address.
	EmailVerified bool
	Name          string
}

// SignInWith signs in the person a provider vouched for and returns the
// new session's token (oldToken, the browser's previous session, ends):
//
//   - a subject already linked signs in to its account, whatever the
//     address says now;
//   - otherwise the address must be verified by the provider; an account
//     with that address is linked (identity_linked in its security log)
//     and signed in;
//   - otherwise a first sign-in creates the account (no password) with a
//     workspace, like Signup, when sign-ups are allowed
//     (Options.Signup, as for a password sign-up, or an invitation waits
//     for the address) and within the signup limits.
//
// An unverified address is refused for a new account too: the account
// counts as having confirmed its address (invitations to that address are
// accepted by it), so it must be the person's.
func (s *Service) SignInWith(ctx context.Context, id Identity, oldToken string, m Meta) (store.User, bool, string, error) {
	if id.Provider == "" || id.Subject == "" {
		return store.User{}, false, "", errors.New("sign-in identity without provider or subject")
	}
	user, err := s.store.IdentityUser(ctx, id.Provider, id.Subject)
	if err == nil {
		token, err := s.signedInWith(ctx, user, id, false, oldToken, m)
		return user, false, token, err
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.User{}, false, "", err
	}
	email, err := NormalizeEmail(id.Email)
	if err != nil || !id.EmailVerified {
		return store.User{}, false, "", unverifiedEmail(id)
	}
	user, err = s.store.UserByEmail(ctx, email)
	if err == nil {
		token, err := s.signedInWith(ctx, user, id, true, oldToken, m)
		return user, false, token, err
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.User{}, false, "", err
	}
	user, token, err := s.signupWith(ctx, id, email, m)
	return user, true, token, err
}

func unverifiedEmail(id Identity) error {
	return problem.New(problem.Forbidden, "email_not_verified",
		"%s did not confirm that %q is your verified address, so it cannot sign you in here. Log in with your password, or use an account whose address %s has verified.",
		id.Label, id.Email, id.Label)
}

// signedInWith starts a session for user through id, linking id first when
// link is set, in one transaction with the security log; the provider
// vouched for the address, so it counts as confirmed.
func (s *Service) signedInWith(ctx context.Context, user store.User, id Identity, link bool, oldToken string, m Meta) (string, error) {
	now := s.now().UTC()
	var token string
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if link {
			err := tx.InsertIdentity(ctx, store.Identity{Provider: id.Provider, Subject: id.Subject, UserID: user.ID,
				Email: id.Email, CreatedAt: now, LastLoginAt: now})
			if err != nil {
				return linkErr(err)
			}
			if err := tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecurityIdentityLinked+":"+id.Provider, m)); err != nil {
				return err
			}
		} else if err := tx.TouchIdentity(ctx, id.Provider, id.Subject, now); err != nil {
			return err
		}
		if user.EmailVerifiedAt == nil {
			// The provider vouched for the address (no link without it).
			if err := tx.SetEmailVerified(ctx, user.ID, now); err != nil {
				return err
			}
		}
		active, err := replaceSession(ctx, tx, user.ID, oldToken)
		if err != nil {
			return err
		}
		if err := tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecurityLoginWith+":"+id.Provider, m)); err != nil {
			return err
		}
		token, err = s.startSessionBy(ctx, tx, id.Provider, user.ID, active, m)
		return err
	})
	return token, err
}

// linkErr answers a subject linked meanwhile by a sign-in running at the
// same time: the person tries again and takes the linked path.
func linkErr(err error) error {
	if errors.Is(err, store.ErrDuplicate) {
		return problem.New(problem.Conflict, "signin_conflict", "Another sign-in with this account happened at the same time; try again.")
	}
	return err
}

// signupWith creates the account of a first sign-in with a provider: no
// password (Login refuses it until one is set), a first workspace, the
// link, and a session.
func (s *Service) signupWith(ctx context.Context, id Identity, email string, m Meta) (store.User, string, error) {
	if err := s.signupAllowedFor(ctx, s.store.Queries, email); err != nil {
		return store.User{}, "", err
	}
	if err := s.allowSignup(ctx, m.IP); err != nil {
		return store.User{}, "", err
	}
	name := truncate(id.Name, 200)
	user := store.User{Email: email, Name: name}
	ws := store.Workspace{Name: workspaceNameFor(name, email)}
	now := s.now().UTC()
	var token string
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		// The first account of an instance is its administrator, however
		// it signs up; the provider vouched for the address.
		if err := tx.LockSignups(ctx); err != nil {
			return err
		}
		has, err := tx.HasUsers(ctx)
		if err != nil {
			return err
		}
		if has {
			if err := s.signupAllowedFor(ctx, tx.Queries, email); err != nil {
				return err
			}
		}
		user.IsAdmin = !has
		user.EmailVerifiedAt = &now
		if err := tx.CreateUser(ctx, &user); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return linkErr(err)
			}
			return err
		}
		if err := tx.CreateWorkspace(ctx, &ws, user.ID); err != nil {
			return err
		}
		p := Principal{User: user, WorkspaceID: ws.ID, Role: store.RoleOwner}
		if err := tx.InsertAudit(ctx, p.audit(m, "user.signup", "user", user.ID, map[string]any{"with": id.Provider})); err != nil {
			return err
		}
		if err := tx.InsertAudit(ctx, p.audit(m, "workspace.created", "workspace", ws.ID, map[string]any{"name": ws.Name})); err != nil {
			return err
		}
		err = tx.InsertIdentity(ctx, store.Identity{Provider: id.Provider, Subject: id.Subject, UserID: user.ID,
			Email: id.Email, CreatedAt: now, LastLoginAt: now})
		if err != nil {
			return linkErr(err)
		}
		if err := tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecuritySignupWith+":"+id.Provider, m)); err != nil {
			return err
		}
		token, err = s.startSessionBy(ctx, tx, id.Provider, user.ID, ws.ID, m)
		return err
	})
	if err != nil {
		return store.User{}, "", fmt.Errorf("sign up with %s: %w", id.Provider, err)
	}
	return user, token, nil
}

// Identities lists the providers the principal's account is linked to.
func (s *Service) Identities(ctx context.Context, p Principal) ([]store.Identity, error) {
	return s.store.UserIdentities(ctx, p.User.ID)
}
