package api

import (
	"net/http"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/inbox"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
)

func (a *API) listInboxes(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	list, err := a.Inboxes.List(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(list, len(list), func(inbox.View) string { return "" }))
	return nil
}

func (a *API) getInbox(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	v, err := a.Inboxes.Get(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) createSandboxInbox(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in inbox.SandboxInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.Inboxes.CreateSandbox(r.Context(), p, in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (a *API) patchInbox(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in inbox.Patch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.Inboxes.Update(r.Context(), p, r.PathValue("id"), in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) deleteInbox(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Inboxes.Delete(r.Context(), p, r.PathValue("id"), meta(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listSandboxMessages(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	limit, err := listLimit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, err := a.Inboxes.SandboxMessages(r.Context(), p.WorkspaceID, r.PathValue("id"), q.Get("folder"), q.Get("cursor"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(list, limit, func(m sandbox.Message) string { return strconv.FormatInt(m.Seq, 10) }))
	return nil
}

func (a *API) sandboxReceive(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in sandbox.ReceiveInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := a.Inboxes.SandboxReceive(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}
