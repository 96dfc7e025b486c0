package web

import (
	"net/http"
)

type dashboardData struct {
	Checklist checklist
}

// dashboard is the home page: the setup checklist until the workspace is
// set up, each item ticked from real data.
func (w *Web) dashboard(rw http.ResponseWriter, r *http.Request, v *view) error {
	scope := w.Store.InWorkspace(v.P.WorkspaceID)
	list, err := buildChecklist(r.Context(), scope, v.Workspace, onboardingSteps)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = "Dashboard", "dashboard", dashboardData{Checklist: list}
	return v.render(rw, http.StatusOK)
}
