package web

import (
	"net/http"
	"slices"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/mailbox"
)

// wizardMailboxesData is step 1: which mailboxes the campaign sends from,
// and a way to add one (a sandbox here; real providers on the Mailboxes
// page).
type wizardMailboxesData struct {
	wizardPage
	Mailboxes []wizardMailbox
}

type wizardMailbox struct {
	mailboxRow
	Checked bool
}

func (w *Web) wizardMailboxes(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = emptyForm(map[string]string{"timezone": "UTC"})
	if err := w.loadWizardMailboxes(v, nil); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

// loadWizardMailboxes reads the step; chosen overrides the campaign's own
// mailboxes (a form being shown again).
func (w *Web) loadWizardMailboxes(v *view, chosen []string) error {
	p, err := w.loadWizard(v, v.r.PathValue("id"), "mailboxes")
	if err != nil {
		return err
	}
	list, err := w.Mailboxes.List(v.r.Context(), v.P.WorkspaceID)
	if err != nil {
		return err
	}
	if chosen == nil {
		chosen = p.Campaign.MailboxIDs
		// A campaign that has none yet proposes every mailbox that can send.
		if len(chosen) == 0 {
			for _, in := range list {
				if !mailboxBroken(in.Status) {
					chosen = append(chosen, in.ID)
				}
			}
		}
	}
	data := wizardMailboxesData{wizardPage: p}
	for _, in := range list {
		data.Mailboxes = append(data.Mailboxes, wizardMailbox{mailboxRow: mailboxRow{in}, Checked: slices.Contains(chosen, in.ID)})
	}
	v.Data = data
	return nil
}

// saveWizardMailboxes sets the campaign's mailboxes through the campaign
// service (which checks each is the workspace's and re-assigns leads of a
// running campaign).
func (w *Web) saveWizardMailboxes(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	ids := r.PostForm["inboxIds"]
	if ids == nil {
		ids = []string{}
	}
	p, err := w.loadWizard(v, r.PathValue("id"), "mailboxes")
	if err != nil {
		return err
	}
	if _, err := w.Campaigns.Update(r.Context(), v.P, p.Campaign.ID, campaign.Input{MailboxIDs: &ids}, meta(r)); err != nil {
		if lerr := w.loadWizardMailboxes(v, ids); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	msg := "The campaign sends from " + plural(len(ids), "mailbox", "mailboxes") + "."
	if len(ids) == 0 {
		msg = "No mailbox chosen yet: the campaign cannot launch until you choose one."
	}
	return w.advance(rw, v, p, msg)
}

// addWizardSandbox adds a sandbox mailbox and puts it in the campaign, so a
// new user can go on at once.
func (w *Web) addWizardSandbox(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	ctx := r.Context()
	p, err := w.loadWizard(v, r.PathValue("id"), "mailboxes")
	if err != nil {
		return err
	}
	mb, err := w.Mailboxes.CreateSandbox(ctx, v.P, mailbox.SandboxInput{Email: v.Form.Get("email"),
		DisplayName: v.Form.Get("displayName"), Timezone: v.Form.Get("timezone")}, meta(r))
	if err != nil {
		if lerr := w.loadWizardMailboxes(v, nil); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	ids := append(slices.Clone(p.Campaign.MailboxIDs), mb.ID)
	if _, err := w.Campaigns.Update(ctx, v.P, p.Campaign.ID, campaign.Input{MailboxIDs: &ids}, meta(r)); err != nil {
		return err
	}
	return v.redirect(rw, setupPath(p.Campaign.ID, "mailboxes"), "Added the sandbox mailbox "+mb.Email+
		" and chose it for this campaign. Nothing it sends leaves this server.")
}
