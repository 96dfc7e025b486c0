package web

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/inbox"
	"github.com/leadbitz/leadbitz/internal/store"
)

// mailboxRow is a mailbox as the list shows it; the inbox service works out
// today's sends and limit with the send engine's own rules.
type mailboxRow struct {
	inbox.View
}

// Broken reports whether the mailbox cannot send until someone acts.
func (m mailboxRow) Broken() bool { return mailboxBroken(m.Status) }

func mailboxBroken(status string) bool {
	return status == store.InboxDisconnected || status == store.InboxError
}

type mailboxesData struct {
	Mailboxes []mailboxRow
}

// mailboxes lists the accounts campaigns send from, with the form that
// adds a sandbox mailbox.
func (w *Web) mailboxes(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = emptyForm(map[string]string{"timezone": "UTC"})
	if err := w.loadMailboxes(v); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadMailboxes(v *view) error {
	list, err := w.Inboxes.List(v.r.Context(), v.P.WorkspaceID)
	if err != nil {
		return err
	}
	data := mailboxesData{}
	for _, in := range list {
		data.Mailboxes = append(data.Mailboxes, mailboxRow{in})
	}
	v.Title, v.Nav, v.Data = "Mailboxes", "mailboxes", data
	return nil
}

// createSandboxMailbox adds a sandbox mailbox: it "sends" into Leadbitz
// itself, so a new user can try the whole flow without real email.
func (w *Web) createSandboxMailbox(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	in := inbox.SandboxInput{Email: v.Form.Get("email"), DisplayName: v.Form.Get("displayName"), Timezone: v.Form.Get("timezone")}
	mb, err := w.Inboxes.CreateSandbox(r.Context(), v.P, in, meta(r))
	if err != nil {
		if lerr := w.loadMailboxes(v); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	return v.redirect(rw, "/mailboxes", "Added the sandbox mailbox "+mb.Email+": it sends up to "+
		formatInt(mb.TodayLimit)+" emails today, rising each day to "+formatInt(mb.DailyCap)+". Nothing leaves this server.")
}
