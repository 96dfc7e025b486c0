package web

import (
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/systemmail"
)

// The pages behind mailed links (/verify, /invite, /reset) and "forgot
// password". A GET never spends a link (mail scanners open links): each
// page shows a button that POSTs the token.

// linkData is what a link page shows.
type linkData struct {
	Token      string
	Invitation account.InvitationView
	Invalid    string // why the link cannot be used, when it cannot
	NoMail     string // the sentence for an instance without a mail server
}

func (w *Web) linkView(v *view, title string) *linkData {
	v.Title = title
	d := &linkData{Token: v.r.URL.Query().Get("token")}
	if !w.Accounts.MailConfigured() {
		d.NoMail = systemmail.NotConfiguredSentence
	}
	v.Data = d
	v.Form = emptyForm(map[string]string{"token": d.Token})
	return d
}

func (w *Web) verifyForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	w.linkView(v, "Confirm your address")
	return v.render(rw, http.StatusOK)
}

func (w *Web) verify(rw http.ResponseWriter, r *http.Request, v *view) error {
	w.linkView(v, "Confirm your address")
	v.Form = newForm(r)
	if _, err := w.Accounts.VerifyEmail(r.Context(), v.Form.Get("token"), meta(r)); err != nil {
		return v.formFailed(rw, err)
	}
	next := "/login"
	if v.P.User.ID != "" {
		next = "/"
	}
	return v.redirect(rw, next, "Your address is confirmed.")
}

func (w *Web) resendVerification(rw http.ResponseWriter, r *http.Request, v *view) error {
	f := newForm(r)
	next := localPath(f.Get("next"))
	if err := w.Accounts.ResendVerification(r.Context(), v.P, meta(r)); err != nil {
		p, ok := httpserver.AsProblem(err)
		if !ok {
			return err
		}
		return w.redirectWithError(rw, r, next, p.Message)
	}
	return v.redirect(rw, next, "We mailed the link again to "+v.P.User.Email+".")
}

func (w *Web) inviteForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	d := w.linkView(v, "Join a workspace")
	inv, err := w.Accounts.ViewInvitation(r.Context(), d.Token)
	if err != nil {
		p, ok := httpserver.AsProblem(err)
		if !ok {
			return err
		}
		d.Invalid = p.Message
		return v.render(rw, http.StatusOK)
	}
	d.Invitation = inv
	return v.render(rw, http.StatusOK)
}

// invite accepts: signed in, joins and makes the workspace the active one;
// signed out, creates the invited account and signs it in.
func (w *Web) invite(rw http.ResponseWriter, r *http.Request, v *view) error {
	d := w.linkView(v, "Join a workspace")
	v.Form = newForm(r)
	d.Token = v.Form.Get("token")
	var signedIn *account.Principal
	if v.P.User.ID != "" {
		signedIn = &v.P
	}
	out, err := w.Accounts.AcceptInvitation(r.Context(), signedIn, account.AcceptInput{Token: d.Token,
		Name: v.Form.Get("name"), Password: v.Form.Values["password"]}, meta(r))
	if err != nil {
		delete(v.Form.Values, "password")
		if inv, verr := w.Accounts.ViewInvitation(r.Context(), d.Token); verr == nil {
			d.Invitation = inv
		} else if p, ok := httpserver.AsProblem(verr); ok {
			d.Invalid = p.Message
		}
		return v.formFailed(rw, err)
	}
	if out.Session != "" {
		httpserver.SetSessionCookie(rw, out.Session, w.Config.SecureCookies())
	} else if _, err := w.Accounts.SwitchWorkspace(r.Context(), v.P, out.Workspace.ID); err != nil {
		return err
	}
	return v.redirect(rw, "/", "Welcome to "+out.Workspace.Name+".")
}

func (w *Web) forgotForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	w.linkView(v, "Forgot your password")
	return v.render(rw, http.StatusOK)
}

// forgot answers alike whatever the address: the redirect is sent,
// complete, before the account service looks the address up and mails it.
func (w *Web) forgot(rw http.ResponseWriter, r *http.Request, v *view) error {
	w.linkView(v, "Forgot your password")
	v.Form = newForm(r)
	after, err := w.Accounts.ForgotPassword(r.Context(), v.Form.Get("email"), meta(r))
	if err != nil {
		return v.formFailed(rw, err)
	}
	defer after()
	msg := "If an account has this address, a link to choose a new password is on its way; it works for an hour."
	if !w.Accounts.MailConfigured() {
		msg = "We cannot mail the link: " + systemmail.NotConfiguredSentence + "."
	}
	rw.Header().Set("Content-Length", "0")
	if err := v.redirect(rw, "/forgot", msg); err != nil {
		return err
	}
	httpserver.Flush(rw)
	return nil
}

func (w *Web) resetForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	w.linkView(v, "Choose a new password")
	return v.render(rw, http.StatusOK)
}

func (w *Web) reset(rw http.ResponseWriter, r *http.Request, v *view) error {
	d := w.linkView(v, "Choose a new password")
	v.Form = newForm(r)
	d.Token = v.Form.Get("token")
	err := w.Accounts.ResetPassword(r.Context(), account.ResetInput{Token: d.Token, Password: v.Form.Values["password"]}, meta(r))
	if err != nil {
		delete(v.Form.Values, "password")
		return v.formFailed(rw, err)
	}
	httpserver.ClearSessionCookie(rw, w.Config.SecureCookies())
	return v.redirect(rw, "/login", "Your password is changed, and every device was signed out. Log in with the new one.")
}

// revokeInvitation revokes a waiting invitation from the members page.
func (w *Web) revokeInvitation(rw http.ResponseWriter, r *http.Request, v *view) error {
	err := w.Accounts.RevokeInvitation(r.Context(), v.P, v.P.WorkspaceID, r.PathValue("id"), meta(r))
	if err != nil {
		return err
	}
	return v.redirect(rw, "/settings/members", "The invitation is revoked; its link no longer works.")
}

// verified lets a handler run only once the user's address is confirmed
// (while the instance sends mail): connecting a mailbox and launching wait
// for it, as on the API (api.Route.Verified). Refused, the browser goes
// back to the page the form was on, which the banner explains.
func (w *Web) verified(h handlerFunc) handlerFunc {
	return func(rw http.ResponseWriter, r *http.Request, v *view) error {
		if err := w.Accounts.RequireVerified(v.P); err != nil {
			p, _ := httpserver.AsProblem(err)
			return w.redirectWithError(rw, r, strings.TrimSuffix(r.URL.Path, "/launch"), p.Message)
		}
		return h(rw, r, v)
	}
}
