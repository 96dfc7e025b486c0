package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/store"
)

// securityData is the password form and one page of the user's own
// security log.
type securityData struct {
	Events      []store.SecurityEvent
	Next        string // cursor of the next (older) page, "" on the last page
	First       bool   // showing the newest events
	HasPassword bool   // false for an account made by signing in with Google or Microsoft
	Identities  []store.Identity
}

// securityLog shows the password form, the providers the account signs in
// with, and the user's own security log (logins, failed logins, logouts),
// newest first, a page at a time like the audit log. It is the person's,
// not the workspace's: every member sees only their own.
func (w *Web) securityLog(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = emptyForm(nil)
	if err := w.loadSecurity(v, r.URL.Query().Get("cursor")); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadSecurity(v *view, cursor string) error {
	ctx := v.r.Context()
	events, err := w.Accounts.SecurityEvents(ctx, v.P, cursor, auditPageSize)
	if err != nil {
		return err
	}
	ids, err := w.Accounts.Identities(ctx, v.P)
	if err != nil {
		return err
	}
	data := securityData{Events: events, First: cursor == "", HasPassword: v.User != nil && v.User.PasswordHash != "", Identities: ids}
	if len(events) > auditPageSize {
		data.Events = events[:auditPageSize]
		data.Next = events[auditPageSize-1].ID
	}
	v.Title, v.Nav, v.Tab, v.Data = "Password and security", "settings", "security", data
	return nil
}

// changePassword checks the current password and sets the new one; every
// other session of the account ends (account.ChangePassword).
func (w *Web) changePassword(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	in := account.ChangePasswordInput{CurrentPassword: v.Form.Values["currentPassword"], NewPassword: v.Form.Values["newPassword"]}
	n, err := w.Accounts.ChangePassword(r.Context(), v.P, in, meta(r))
	if err != nil {
		delete(v.Form.Values, "currentPassword")
		delete(v.Form.Values, "newPassword")
		if lerr := w.loadSecurity(v, ""); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	return v.redirect(rw, "/settings/security", "Password changed. "+plural(n, "other session was", "other sessions were")+" signed out; this one stays.")
}

// securityKinds are the security events in plain words.
var securityKinds = map[string]string{
	store.SecuritySignup:         "Signed up",
	store.SecurityLogin:          "Logged in",
	store.SecurityLoginFailed:    "Failed login (wrong password)",
	store.SecurityLogout:         "Logged out",
	store.SecurityPasswordRehash: "Password storage upgraded",

	store.SecuritySessionRevoked:       "Signed out a device",
	store.SecuritySessionsRevoked:      "Signed out everywhere else",
	store.SecurityPasswordChanged:      "Changed the password",
	store.SecurityPasswordSet:          "Set a password",
	store.SecurityPasswordChangeFailed: "Failed password change (wrong current password)",
}

// providerKinds are the security events of signing in with a provider,
// stored as kind:provider.
var providerKinds = map[string]string{
	store.SecurityLoginWith:      "Logged in with %s",
	store.SecuritySignupWith:     "Signed up with %s",
	store.SecurityIdentityLinked: "Linked %s sign-in to this account",
}

func describeSecurityKind(kind string) string {
	if t, ok := securityKinds[kind]; ok {
		return t
	}
	if base, provider, ok := strings.Cut(kind, ":"); ok {
		if f, ok := providerKinds[base]; ok {
			return fmt.Sprintf(f, providerLabel(provider))
		}
	}
	return kind
}

// providerLabel is a sign-in provider's name as people know it.
func providerLabel(name string) string {
	switch name {
	case "google":
		return "Google"
	case "microsoft":
		return "Microsoft"
	case store.SessionPassword:
		return "Password"
	}
	return name
}
