package api

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/store"
)

func (a *API) signup(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	var in account.SignupInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	user, ws, token, err := a.Accounts.Signup(r.Context(), in, meta(r))
	if err != nil {
		return err
	}
	a.setSessionCookie(w, token)
	writeJSON(w, http.StatusCreated, map[string]any{"user": user, "workspace": ws})
	return nil
}

func (a *API) login(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	old := ""
	if c, err := r.Cookie(SessionCookie); err == nil {
		old = c.Value
	}
	user, token, err := a.Accounts.Login(r.Context(), in.Email, in.Password, old, meta(r))
	if err != nil {
		return err
	}
	a.setSessionCookie(w, token)
	writeJSON(w, http.StatusOK, map[string]any{"user": user})
	return nil
}

func (a *API) logout(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := a.Accounts.Logout(r.Context(), c.Value, meta(r)); err != nil {
			return err
		}
	}
	a.clearSessionCookie(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) me(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	me, err := a.Accounts.Me(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, me)
	return nil
}

// listSecurityEvents pages through the user's own security log like the
// audit log: ?limit= and ?cursor=.
func (a *API) listSecurityEvents(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	limit, err := listLimit(r)
	if err != nil {
		return err
	}
	events, err := a.Accounts.SecurityEvents(r.Context(), p, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(events, limit, func(e store.SecurityEvent) string { return e.ID }))
	return nil
}
