package httpserver

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
)

// The JSON API and the browser app share one session: the same cookie, set
// with the same attributes, resolved by the same account.Service. This file
// is the only place that reads or writes it.

// SessionCookie is the name of the browser session cookie.
const SessionCookie = "leadbitz_session"

// SessionToken is the session cookie's value, "" when there is none.
func SessionToken(r *http.Request) string {
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// SetSessionCookie starts a browser session with token. secure is
// config.Config.SecureCookies (the site is served over https).
func SetSessionCookie(w http.ResponseWriter, token string, secure bool) {
	http.SetCookie(w, sessionCookie(token, int(account.SessionTTL/time.Second), secure))
}

// ClearSessionCookie ends the browser's session.
func ClearSessionCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, sessionCookie("", -1, secure))
}

func sessionCookie(token string, maxAge int, secure bool) *http.Cookie {
	return &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteLaxMode, MaxAge: maxAge}
}

// AuthenticateSession resolves the session cookie alone (pages take no API
// keys); account.ErrUnauthenticated when there is none or it has expired.
func AuthenticateSession(r *http.Request, accounts *account.Service) (account.Principal, error) {
	token := SessionToken(r)
	if token == "" {
		return account.Principal{}, account.ErrUnauthenticated
	}
	return accounts.AuthenticateSession(r.Context(), token)
}

// Authenticate finds who is calling the JSON API: a Bearer API key, else the
// session cookie; then it applies X-Workspace-Id.
func Authenticate(r *http.Request, accounts *account.Service) (account.Principal, error) {
	var p account.Principal
	var err error
	if auth := r.Header.Get("Authorization"); auth != "" {
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return p, account.ErrUnauthenticated
		}
		p, err = accounts.AuthenticateAPIKey(r.Context(), strings.TrimSpace(token))
	} else {
		p, err = AuthenticateSession(r, accounts)
	}
	if err != nil {
		return p, err
	}
	return accounts.WithWorkspace(r.Context(), p, strings.TrimSpace(r.Header.Get("X-Workspace-Id")))
}

// RequiredRole is the least workspace role a route needs: the one it
// declares, or admin when a route that acts in a workspace declares none
// (refuse rather than grant); "" when it needs none.
func RequiredRole(declared string, inWorkspace bool) string {
	if declared == "" && inWorkspace {
		return store.RoleAdmin
	}
	return declared
}

// Authorize refuses (403 forbidden, saying which role is needed) a caller
// whose role is below need. Both surfaces' wrappers call it once per
// request; handlers do not check roles again.
func Authorize(role, need string) error {
	if need != "" && !account.RoleAllows(role, need) {
		return account.ErrForbiddenRole(need)
	}
	return nil
}

// Meta describes the request for sessions and the audit log.
func Meta(r *http.Request) account.Meta {
	return account.Meta{IP: ClientIP(r), UserAgent: r.UserAgent(), RequestID: RequestID(r.Context())}
}

// Identified records who is asking once authenticated: the user and the
// workspace on the request's access log line, and the workspace on its
// context, so every line a service logs for the request names it.
func Identified(r *http.Request, p account.Principal) *http.Request {
	AddLogAttrs(r.Context(), slog.String("user_id", p.User.ID), slog.String("workspace_id", p.WorkspaceID))
	if p.WorkspaceID == "" {
		return r
	}
	return r.WithContext(env.WithWorkspace(r.Context(), p.WorkspaceID))
}
