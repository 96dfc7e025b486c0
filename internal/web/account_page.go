package web

import (
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/problem"
)

// The person's own account: change of address (confirmed by a link to the
// new address) and deletion.

func (w *Web) accountPage(rw http.ResponseWriter, r *http.Request, v *view) error {
	w.linkView(v, "Your account")
	v.Nav, v.Tab = "settings", "account"
	v.Form = emptyForm(nil)
	return v.render(rw, http.StatusOK)
}

func (w *Web) changeEmail(rw http.ResponseWriter, r *http.Request, v *view) error {
	w.linkView(v, "Your account")
	v.Nav, v.Tab = "settings", "account"
	v.Form = newForm(r)
	in := account.ChangeEmailInput{Email: v.Form.Get("email"), Password: v.Form.Values["password"]}
	if err := w.Accounts.RequestEmailChange(r.Context(), v.P, in, meta(r)); err != nil {
		delete(v.Form.Values, "password")
		return v.formFailed(rw, err)
	}
	return v.redirect(rw, "/account", "We mailed a link to "+strings.TrimSpace(in.Email)+": open it to use that address from now on. Until then your address stays "+v.P.User.Email+".")
}

// deleteAccount deletes the account once the person typed its address.
func (w *Web) deleteAccount(rw http.ResponseWriter, r *http.Request, v *view) error {
	w.linkView(v, "Your account")
	v.Nav, v.Tab = "settings", "account"
	v.Form = newForm(r)
	if !strings.EqualFold(strings.TrimSpace(v.Form.Get("confirm")), v.P.User.Email) {
		return v.formFailed(rw, problem.InvalidField("confirm", "type your address, "+v.P.User.Email+", to confirm"))
	}
	if err := w.Accounts.DeleteAccount(r.Context(), v.P, meta(r)); err != nil {
		return v.formFailed(rw, err)
	}
	httpserver.ClearSessionCookie(rw, w.Config.SecureCookies())
	return v.redirect(rw, "/signup", "Your account is deleted.")
}

func (w *Web) confirmEmailForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	w.linkView(v, "Confirm your new address")
	return v.render(rw, http.StatusOK)
}

func (w *Web) confirmEmail(rw http.ResponseWriter, r *http.Request, v *view) error {
	w.linkView(v, "Confirm your new address")
	v.Form = newForm(r)
	u, err := w.Accounts.ConfirmEmailChange(r.Context(), v.Form.Get("token"), meta(r))
	if err != nil {
		return v.formFailed(rw, err)
	}
	next := "/login"
	if v.P.User.ID != "" {
		next = "/account"
	}
	return v.redirect(rw, next, "Your account's address is "+u.Email+" now.")
}
