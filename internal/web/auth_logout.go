package web

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/httpserver"
)

// logout ends the session (if any) and returns to the login page.
func (w *Web) logout(rw http.ResponseWriter, r *http.Request, v *view) error {
	if err := w.Accounts.Logout(r.Context(), httpserver.SessionToken(r), meta(r)); err != nil {
		return err
	}
	httpserver.ClearSessionCookie(rw, w.Config.SecureCookies())
	return v.redirect(rw, "/login", "You are logged out.")
}
