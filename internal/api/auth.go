package api

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/httpserver"
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
	httpserver.SetSessionCookie(w, token, a.Config.SecureCookies())
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
	user, token, err := a.Accounts.Login(r.Context(), in.Email, in.Password, httpserver.SessionToken(r), meta(r))
	if err != nil {
		return err
	}
	httpserver.SetSessionCookie(w, token, a.Config.SecureCookies())
	writeJSON(w, http.StatusOK, map[string]any{"user": user})
	return nil
}

func (a *API) logout(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	if token := httpserver.SessionToken(r); token != "" {
		if err := a.Accounts.Logout(r.Context(), token, meta(r)); err != nil {
			return err
		}
	}
	httpserver.ClearSessionCookie(w, a.Config.SecureCookies())
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

func (a *API) changePassword(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in account.ChangePasswordInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if _, err := a.Accounts.ChangePassword(r.Context(), p, in, meta(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listSessions(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	list, err := a.Accounts.Sessions(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

// revokeSession ends one of the user's sessions; ending the current one
// also clears its cookie, as logging out does.
func (a *API) revokeSession(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	current, err := a.Accounts.RevokeSession(r.Context(), p, r.PathValue("id"), meta(r))
	if err != nil {
		return err
	}
	if current {
		httpserver.ClearSessionCookie(w, a.Config.SecureCookies())
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) revokeOtherSessions(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	n, err := a.Accounts.RevokeOtherSessions(r.Context(), p, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"revoked": n})
	return nil
}
