package api

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/store"
)

func (a *API) createWorkspace(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ws, err := a.Accounts.CreateWorkspace(r.Context(), p, in.Name, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ws)
	return nil
}

func (a *API) updateWorkspace(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in account.WorkspaceSettings
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ws, err := a.Accounts.UpdateWorkspace(r.Context(), p, r.PathValue("id"), in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ws)
	return nil
}

func (a *API) switchWorkspace(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	ws, err := a.Accounts.SwitchWorkspace(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ws)
	return nil
}

func (a *API) listMembers(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	members, err := a.Accounts.Members(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(members, len(members), func(store.Member) string { return "" }))
	return nil
}

func (a *API) addMember(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in account.InvitationInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := a.Accounts.AddMember(r.Context(), p, r.PathValue("id"), in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (a *API) createAPIKey(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	key, err := a.Accounts.CreateAPIKey(r.Context(), p, in.Name, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, key)
	return nil
}

func (a *API) listAPIKeys(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	keys, err := a.Accounts.APIKeys(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(keys, len(keys), func(store.APIKey) string { return "" }))
	return nil
}

func (a *API) revokeAPIKey(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Accounts.RevokeAPIKey(r.Context(), p, r.PathValue("id"), meta(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listAuditEvents(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	limit, err := listLimit(r)
	if err != nil {
		return err
	}
	events, err := a.Store.InWorkspace(p.WorkspaceID).AuditEvents(r.Context(), r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(events, limit, func(e store.AuditEvent) string { return e.ID }))
	return nil
}
