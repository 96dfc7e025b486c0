package web

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
)

func (w *Web) workspaceSettings(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav, v.Tab = "Settings", "settings", "workspace"
	v.Form = emptyForm(map[string]string{"name": v.Workspace.Name,
		"footerAddress": v.Workspace.FooterAddress, "footerText": v.Workspace.FooterText})
	return v.render(rw, http.StatusOK)
}

func (w *Web) saveWorkspaceSettings(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav, v.Tab = "Settings", "settings", "workspace"
	v.Form = newForm(r)
	name, address, text := v.Form.Get("name"), v.Form.Values["footerAddress"], v.Form.Values["footerText"]
	in := account.WorkspaceSettings{Name: &name, FooterAddress: &address, FooterText: &text}
	if _, err := w.Accounts.UpdateWorkspace(r.Context(), v.P, v.P.WorkspaceID, in, meta(r)); err != nil {
		return v.formFailed(rw, err)
	}
	return v.redirect(rw, "/settings", "Workspace settings saved.")
}
