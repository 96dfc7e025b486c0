package web

import (
	"net/http"
)

// switchWorkspace makes another of the user's workspaces the session's
// active one (the same call as POST /api/workspaces/{id}/switch) and goes
// back to the page the switcher was on.
func (w *Web) switchWorkspace(rw http.ResponseWriter, r *http.Request, v *view) error {
	f := newForm(r)
	ws, err := w.Accounts.SwitchWorkspace(r.Context(), v.P, f.Get("workspace"))
	if err != nil {
		return err
	}
	return v.redirect(rw, localPath(f.Get("next")), "You are now working in "+ws.Name+".")
}
