package web

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/httpserver"
)

func (w *Web) loginForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title = "Log in"
	v.Form = emptyForm(map[string]string{"next": localPath(r.URL.Query().Get("next"))})
	return v.render(rw, http.StatusOK)
}

// login checks the credentials (rate-limited by the account service),
// starts a new session and goes back to the page that asked for a login.
func (w *Web) login(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title = "Log in"
	v.Form = newForm(r)
	_, token, err := w.Accounts.Login(r.Context(), v.Form.Get("email"), v.Form.Values["password"], httpserver.SessionToken(r), meta(r))
	if err != nil {
		delete(v.Form.Values, "password")
		return v.formFailed(rw, err)
	}
	httpserver.SetSessionCookie(rw, token, w.Config.SecureCookies())
	return v.redirect(rw, localPath(v.Form.Get("next")), "")
}
