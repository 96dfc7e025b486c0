package account

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// ChangePasswordInput is the body of POST /api/auth/password.
type ChangePasswordInput struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

// ErrWrongPassword answers a wrong current password. It names the field:
// the person is signed in, so nothing about the account is revealed.
var ErrWrongPassword = &problem.Error{Kind: problem.Invalid, Code: "wrong_password",
	Message: "The current password is not right.", Fields: map[string]string{"currentPassword": "is not right"}}

// ErrSessionRequired answers a password change made with an API key: only
// a person in a signed-in session changes their password (401: the key is
// not enough authentication for it, whatever the role).
var ErrSessionRequired = &problem.Error{Kind: problem.Unauthorized, Code: "session_required",
	Message: "Change the password from a signed-in session, not with an API key."}

// ChangePassword checks the current password and stores the new one, then
// ends every other session of the account and keeps this one. The check
// follows the login's rules: the (address, client network) pair's delays
// and the network's limit first, the hash through the bounded gate, and a
// wrong password counts as a failed login of the pair, so the form cannot
// be used to guess faster than the login page.
//
// An account made by signing in with Google or Microsoft has no password:
// it sets a first one without a current one (its session is the proof, as
// for every other change it can make).
// It returns how many other sessions it ended.
func (s *Service) ChangePassword(ctx context.Context, p Principal, in ChangePasswordInput, m Meta) (int, error) {
	if p.SessionID == "" {
		return 0, ErrSessionRequired
	}
	if len([]rune(in.NewPassword)) < MinPasswordLength {
		var f problem.Fields = map[string]string{}
		f.Add("newPassword", "must be at least %d characters", MinPasswordLength)
		return 0, f.Err()
	}
	user, err := s.store.UserByID(ctx, p.User.ID)
	if err != nil {
		return 0, err
	}
	kind := store.SecurityPasswordChanged
	pair := loginPair(user.Email, m.IP)
	if user.PasswordHash == "" {
		kind = store.SecurityPasswordSet
	} else {
		if in.CurrentPassword == "" {
			var f problem.Fields = map[string]string{}
			f.Add("currentPassword", "is required")
			return 0, f.Err()
		}
		if err := s.allowLogin(ctx, pair, m.IP); err != nil {
			return 0, err
		}
		ok, err := s.hashes.verify(ctx, in.CurrentPassword, user.PasswordHash)
		if err != nil {
			return 0, err
		}
		if !ok {
			now := s.now().UTC()
			err := s.store.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.RecordLoginFailure(ctx, pair, now, now.Add(-loginFailureQuiet)); err != nil {
					return err
				}
				return tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecurityPasswordChangeFailed, m))
			})
			if err != nil {
				return 0, err
			}
			return 0, ErrWrongPassword
		}
	}
	hash, err := s.hashes.hash(ctx, in.NewPassword)
	if err != nil {
		return 0, err
	}
	var ended int64
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetPasswordHash(ctx, user.ID, hash); err != nil {
			return err
		}
		if err := tx.ClearLoginFailures(ctx, pair); err != nil {
			return err
		}
		if ended, err = tx.DeleteOtherSessions(ctx, user.ID, p.SessionID); err != nil {
			return err
		}
		return tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, kind, m))
	})
	return int(ended), err
}
