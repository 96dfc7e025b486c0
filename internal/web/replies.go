package web

import (
	"net/http"
)

// replies is the unified inbox of every mailbox's replies. The store has no
// conversation queries yet, so the page is the empty state that says where
// replies will appear.
func (w *Web) replies(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav = "Replies", "replies"
	return v.render(rw, http.StatusOK)
}
