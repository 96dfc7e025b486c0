package web

import (
	"net/http"
)

func (w *Web) newWorkspaceForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title = "New workspace"
	v.Form = emptyForm(nil)
	return v.render(rw, http.StatusOK)
}

// createWorkspace creates a workspace owned by the user and switches to it.
func (w *Web) createWorkspace(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title = "New workspace"
	v.Form = newForm(r)
	ws, err := w.Accounts.CreateWorkspace(r.Context(), v.P, v.Form.Get("name"), meta(r))
	if err != nil {
		return v.formFailed(rw, err)
	}
	if _, err := w.Accounts.SwitchWorkspace(r.Context(), v.P, ws.ID); err != nil {
		return err
	}
	return v.redirect(rw, "/", "Created "+ws.Name+". Each workspace has its own mailboxes, leads and campaigns.")
}
