package web

import (
	"net/http"
)

// campaigns lists the workspace's campaigns. The store has no campaign
// queries yet, so the page is the empty state that says what campaigns are
// and what comes first.
func (w *Web) campaigns(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav = "Campaigns", "campaigns"
	return v.render(rw, http.StatusOK)
}
