package api

import (
	"net/http"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/mailbox"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
)

func (a *API) listMailboxes(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	list, err := a.Mailboxes.List(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(list, len(list), func(mailbox.View) string { return "" }))
	return nil
}

func (a *API) getMailbox(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	v, err := a.Mailboxes.Get(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) createSandboxMailbox(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in mailbox.SandboxInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.Mailboxes.CreateSandbox(r.Context(), p, in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (a *API) patchMailbox(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in mailbox.Patch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := a.Mailboxes.Update(r.Context(), p, r.PathValue("id"), in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) deleteMailbox(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Mailboxes.Delete(r.Context(), p, r.PathValue("id"), meta(r)); err != nil {
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
	list, err := a.Mailboxes.SandboxMessages(r.Context(), p.WorkspaceID, r.PathValue("id"), q.Get("folder"), q.Get("cursor"), limit)
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
	m, err := a.Mailboxes.SandboxReceive(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}
