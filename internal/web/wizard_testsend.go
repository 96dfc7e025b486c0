package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/store"
)

// testSendForm is what the preview pane's "Send test to me" form needs:
// where it posts, the lead previewed, the mailboxes it may send from and
// the page to come back to.
type testSendForm struct {
	Action    string
	LeadID    string
	From      string // sequence or review
	Mailboxes []store.Mailbox
}

// testSendFormFor is the form for a campaign's preview, nil when test sends
// are off or the campaign has no mailbox to send from.
func (w *Web) testSendFormFor(ctx context.Context, ws, campaignID string, lead *store.Lead, from string) (*testSendForm, error) {
	if w.TestSends == nil {
		return nil, nil
	}
	scope := w.Store.InWorkspace(ws)
	ids, err := scope.CampaignMailboxIDs(ctx, campaignID)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	mailboxes, err := scope.MailboxesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	// The API's default mailbox (the campaign's first by id) comes first,
	// so the form's default is the same.
	sort.Slice(mailboxes, func(i, j int) bool { return mailboxes[i].ID < mailboxes[j].ID })
	f := &testSendForm{Action: "/campaigns/" + campaignID + "/setup/test", From: from, Mailboxes: mailboxes}
	if lead != nil {
		f.LeadID = lead.ID
	}
	return f, nil
}

// sendTestEmail is the preview pane's "Send test to me": the step and
// variant of the button pressed, rendered for the previewed lead and sent
// at once to the user from the chosen mailbox, through the same test
// sender as POST /api/campaigns/{id}/test. The answer is a flash message
// on the page the form came from, at its preview.
func (w *Web) sendTestEmail(rw http.ResponseWriter, r *http.Request, v *view) error {
	if w.TestSends == nil {
		return store.ErrNotFound
	}
	posted := newForm(r)
	id := r.PathValue("id")
	back := "/campaigns/" + id + "/setup/sequence"
	if posted.Get("from") == "review" {
		back = "/campaigns/" + id + "/setup/review"
	}
	if lead := posted.Get("lead"); lead != "" {
		back += "?" + url.Values{"lead": {lead}}.Encode()
	}
	back += "#preview"
	stepText, letter, _ := strings.Cut(posted.Get("step"), ":")
	step, err := strconv.Atoi(stepText)
	if err != nil {
		step = 0 // the sender names the field
	}
	res, err := w.TestSends.Send(r.Context(), v.P, id, sending.TestInput{Step: step, Variant: letter,
		LeadID: posted.Get("lead"), MailboxID: posted.Get("inbox")}, meta(r))
	if err != nil {
		p, ok := problem.As(err)
		if !ok || p.Kind == problem.NotFound {
			return err
		}
		return w.redirectWithError(rw, r, back, "The test was not sent: "+problemText(p))
	}
	msg := "Sent a test of step " + strconv.Itoa(res.Step)
	if res.Variant != "A" {
		msg += " (variant " + res.Variant + ")"
	}
	msg += " to " + res.To + ": “" + res.Subject + "”."
	if res.Note != "" {
		msg += " " + res.Note
	}
	return v.redirect(rw, back, msg)
}

// problemText is a problem as one sentence, with its fields' messages.
func problemText(p *problem.Error) string {
	if len(p.Fields) == 0 {
		return p.Message
	}
	names := map[string]string{"step": "Step", "variant": "Variant", "to": "Address", "leadId": "Lead", "inboxId": "Mailbox"}
	var parts []string
	for k, m := range p.Fields {
		n := names[k]
		if n == "" {
			n = k
		}
		parts = append(parts, n+": "+m+".")
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}
