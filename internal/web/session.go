package web

import (
	"net/http"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/api"
	"github.com/leadbitz/leadbitz/internal/httpserver"
)

// The browser app and the JSON API share one session: the same cookie, set
// with the same attributes, resolved by the same account.Service.

// authenticate resolves the session cookie; account.ErrUnauthenticated when
// there is none or it has expired.
func (w *Web) authenticate(r *http.Request) (account.Principal, error) {
	c, err := r.Cookie(api.SessionCookie)
	if err != nil || c.Value == "" {
		return account.Principal{}, account.ErrUnauthenticated
	}
	return w.Accounts.AuthenticateSession(r.Context(), c.Value)
}

func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(api.SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func (w *Web) setSessionCookie(rw http.ResponseWriter, token string) {
	http.SetCookie(rw, &http.Cookie{Name: api.SessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: w.Config.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: int(account.SessionTTL / time.Second)})
}

func (w *Web) clearSessionCookie(rw http.ResponseWriter) {
	http.SetCookie(rw, &http.Cookie{Name: api.SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: w.Config.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// meta describes the request for sessions and the audit log.
func meta(r *http.Request) account.Meta {
	return account.Meta{IP: httpserver.ClientIP(r), UserAgent: r.UserAgent(), RequestID: httpserver.RequestID(r.Context())}
}
