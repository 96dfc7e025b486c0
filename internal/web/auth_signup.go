package web

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/httpserver"
)

func (w *Web) signupForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title = "Create your account"
	v.Form = emptyForm(nil)
	return v.render(rw, http.StatusOK)
}

// signup creates the account and its first workspace, logs the user in and
// lands them on the dashboard's setup checklist.
func (w *Web) signup(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title = "Create your account"
	v.Form = newForm(r)
	in := account.SignupInput{Email: v.Form.Get("email"), Password: v.Form.Values["password"], Name: v.Form.Get("name")}
	_, ws, token, err := w.Accounts.Signup(r.Context(), in, meta(r))
	if err != nil {
		delete(v.Form.Values, "password")
		return v.formFailed(rw, err)
	}
	httpserver.SetSessionCookie(rw, token, w.Config.SecureCookies())
	return v.redirect(rw, "/", "Welcome to Leadbitz! "+ws.Name+" is ready: follow the steps below to send your first campaign.")
}
