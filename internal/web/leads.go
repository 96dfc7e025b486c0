package web

import (
	"net/http"
)

// leads lists the workspace's leads.
func (w *Web) leads(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav = "Leads", "leads"
	return v.render(rw, http.StatusOK)
}
