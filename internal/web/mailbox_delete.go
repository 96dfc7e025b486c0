package web

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/store"
)

// mailboxDeleteData is the confirm page: what deleting the mailbox does to
// the campaigns that send from it.
type mailboxDeleteData struct {
	Mailbox   mailboxRow
	Campaigns []store.CampaignRef
}

// Consequence is the sentence the confirm page leads with (docs/ui.md §9).
func (d mailboxDeleteData) Consequence() string {
	if len(d.Campaigns) == 0 {
		return "No campaign uses it. Its sending history and replies stay in Leadbitz."
	}
	return plural(len(d.Campaigns), "campaign uses", "campaigns use") + " it; their leads move to other mailboxes or wait."
}

func (w *Web) confirmDeleteMailbox(rw http.ResponseWriter, r *http.Request, v *view) error {
	if err := w.loadMailboxDelete(v); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadMailboxDelete(v *view) error {
	ctx := v.r.Context()
	mb, err := w.Mailboxes.Get(ctx, v.P.WorkspaceID, v.r.PathValue("id"))
	if err != nil {
		return err
	}
	campaigns, err := w.Store.InWorkspace(v.P.WorkspaceID).MailboxCampaigns(ctx)
	if err != nil {
		return err
	}
	v.Title, v.Nav = "Delete "+mb.Email+"?", "mailboxes"
	v.Data = mailboxDeleteData{Mailbox: mailboxRow{mb}, Campaigns: campaigns[mb.ID]}
	return nil
}

// deleteMailbox deletes through the inbox service, which moves the
// campaigns' leads to their other mailboxes (or holds them for a new one).
func (w *Web) deleteMailbox(rw http.ResponseWriter, r *http.Request, v *view) error {
	if err := w.loadMailboxDelete(v); err != nil {
		return err
	}
	d := v.Data.(mailboxDeleteData)
	if err := w.Mailboxes.Delete(r.Context(), v.P, d.Mailbox.ID, meta(r)); err != nil {
		return v.formFailed(rw, err)
	}
	msg := "Deleted " + d.Mailbox.Email + "."
	if len(d.Campaigns) > 0 {
		msg += " Its leads in " + plural(len(d.Campaigns), "campaign", "campaigns") +
			" moved to the campaigns' other mailboxes, or wait for one if it was their only mailbox."
	}
	return v.redirect(rw, "/mailboxes", msg)
}
