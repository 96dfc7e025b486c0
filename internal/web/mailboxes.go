package web

import (
	"net/http"
)

// mailboxes lists the accounts campaigns send from. The store has no
// mailbox queries yet, so the page is the empty state that names the
// kinds of mailbox Leadbitz connects.
func (w *Web) mailboxes(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav = "Mailboxes", "mailboxes"
	return v.render(rw, http.StatusOK)
}
