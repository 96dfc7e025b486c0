package web

import (
	"fmt"
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/store"
)

// sessionsData is the Sessions page: the person's signed-in devices.
type sessionsData struct {
	Sessions []account.SessionInfo
	Others   int // sessions other than this one
}

// sessions lists the person's own sessions, this one first marked, with a
// revoke link each and "sign out everywhere else".
func (w *Web) sessions(rw http.ResponseWriter, r *http.Request, v *view) error {
	list, err := w.Accounts.Sessions(r.Context(), v.P)
	if err != nil {
		return err
	}
	data := sessionsData{Sessions: list}
	for _, s := range list {
		if !s.Current {
			data.Others++
		}
	}
	v.Title, v.Nav, v.Tab, v.Data = "Sessions", "settings", "sessions", data
	return v.render(rw, http.StatusOK)
}

// sessionRevokeData is the confirm page of ending one session (Session
// set) or every other one.
type sessionRevokeData struct {
	Session *account.SessionInfo
	Others  int
}

// sessionOf finds one of the person's own sessions; another person's id is
// not found (404), like a missing one.
func (w *Web) sessionOf(v *view, id string) (account.SessionInfo, error) {
	list, err := w.Accounts.Sessions(v.r.Context(), v.P)
	if err != nil {
		return account.SessionInfo{}, err
	}
	for _, s := range list {
		if s.ID == id {
			return s, nil
		}
	}
	return account.SessionInfo{}, store.ErrNotFound
}

func (w *Web) confirmRevokeSession(rw http.ResponseWriter, r *http.Request, v *view) error {
	s, err := w.sessionOf(v, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Tab, v.Data = "Sign out a device", "settings", "sessions", sessionRevokeData{Session: &s}
	return v.render(rw, http.StatusOK)
}

func (w *Web) revokeSession(rw http.ResponseWriter, r *http.Request, v *view) error {
	current, err := w.Accounts.RevokeSession(r.Context(), v.P, r.PathValue("id"), meta(r))
	if err != nil {
		return err
	}
	if current {
		httpserver.ClearSessionCookie(rw, w.Config.SecureCookies())
		http.Redirect(rw, r, "/login", http.StatusSeeOther)
		return nil
	}
	return v.redirect(rw, "/settings/sessions", "Signed out that device. It needs to log in again.")
}

func (w *Web) confirmRevokeOtherSessions(rw http.ResponseWriter, r *http.Request, v *view) error {
	list, err := w.Accounts.Sessions(r.Context(), v.P)
	if err != nil {
		return err
	}
	data := sessionRevokeData{}
	for _, s := range list {
		if !s.Current {
			data.Others++
		}
	}
	v.Title, v.Nav, v.Tab, v.Data = "Sign out everywhere else", "settings", "sessions", data
	return v.render(rw, http.StatusOK)
}

func (w *Web) revokeOtherSessions(rw http.ResponseWriter, r *http.Request, v *view) error {
	n, err := w.Accounts.RevokeOtherSessions(r.Context(), v.P, meta(r))
	if err != nil {
		return err
	}
	return v.redirect(rw, "/settings/sessions", fmt.Sprintf("Signed out %s; this browser stays signed in.", plural(n, "other session", "other sessions")))
}
