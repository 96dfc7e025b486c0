package web

import (
	"net/http"
)

// logout ends the session (if any) and returns to the login page.
func (w *Web) logout(rw http.ResponseWriter, r *http.Request, v *view) error {
	if err := w.Accounts.Logout(r.Context(), sessionToken(r), meta(r)); err != nil {
		return err
	}
	w.clearSessionCookie(rw)
	return v.redirect(rw, "/login", "You are logged out.")
}
