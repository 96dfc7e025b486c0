package web

import (
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/signin"
)

// signinCookie holds a sign-in's state while the browser is at the
// provider: the callback is finished only by the browser that started it
// (internal/signin). Lax, so the provider's redirect back carries it.
const signinCookie = "leadbitz_signin"

// SigninProviders are the providers whose buttons the login and signup
// pages show: those configured.
func (v *view) SigninProviders() []signin.Provider { return v.web.Signin.Providers() }

// startSignin sends the browser to the provider's sign-in page.
func (w *Web) startSignin(name string) handlerFunc {
	return func(rw http.ResponseWriter, r *http.Request, v *view) error {
		authURL, state, err := w.Signin.Start(r.Context(), name, localPath(r.URL.Query().Get("next")), meta(r))
		if err != nil {
			v.Title, v.Form = "Log in", emptyForm(nil)
			return v.formFailed(rw, err)
		}
		http.SetCookie(rw, &http.Cookie{Name: signinCookie, Value: state, Path: "/auth/", HttpOnly: true,
			Secure: w.Config.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: 600})
		http.Redirect(rw, r, authURL, http.StatusSeeOther)
		return nil
	}
}

// finishSignin is the provider's redirect back: it signs the person in
// (or creates their account) and goes to the page they wanted, or shows
// the login page saying why not.
func (w *Web) finishSignin(name string) handlerFunc {
	return func(rw http.ResponseWriter, r *http.Request, v *view) error {
		browserState := ""
		if c, err := r.Cookie(signinCookie); err == nil {
			browserState = c.Value
		}
		http.SetCookie(rw, &http.Cookie{Name: signinCookie, Value: "", Path: "/auth/", HttpOnly: true,
			Secure: w.Config.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: -1})
		res, err := w.Signin.Finish(r.Context(), name, r.URL.Query(), browserState, httpserver.SessionToken(r), meta(r))
		if err != nil {
			v.Title, v.Form = "Log in", emptyForm(nil)
			return v.formFailed(rw, err)
		}
		httpserver.SetSessionCookie(rw, res.Token, w.Config.SecureCookies())
		if next := localPath(res.Next); res.Created && strings.HasPrefix(next, "/invite?") {
			// The account was made to accept an invitation: back to it.
			return v.redirect(rw, next, "Your account is ready: join the workspace below.")
		}
		if res.Created {
			return v.redirect(rw, "/", "Welcome to Leadbitz! Your account and its first workspace are ready: follow the steps below to send your first campaign.")
		}
		return v.redirect(rw, localPath(res.Next), "")
	}
}
