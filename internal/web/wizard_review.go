package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/timezone"
)

// Review levels: a green row is ready, an amber one a warning, a red one
// blocks the launch (docs/ui.md §2.5, §10.3).
const (
	reviewOK    = "ok"
	reviewWarn  = "warn"
	reviewBlock = "block"
)

// reviewRow is one row of the review checklist with the link that fixes it.
type reviewRow struct {
	Level  string
	Title  string
	Text   string
	Link   string
	Action string
	Leads  []campaign.MissingLead // leads missing a merge field, first few
	More   int                    // how many more such leads there are
}

type wizardReviewData struct {
	wizardPage
	Rows        []reviewRow
	Blocked     bool
	FirstSlot   string
	Forecast    *forecastView
	Leads       []store.Lead
	PreviewLead *store.Lead
	Preview     []previewMessage
	TestSend    *testSendForm
}

// missingLeadsShown bounds the leads a red merge-tag row lists.
const missingLeadsShown = 5

func (w *Web) wizardReview(rw http.ResponseWriter, r *http.Request, v *view) error {
	p, err := w.loadWizard(v, r.PathValue("id"), "review")
	if err != nil {
		return err
	}
	v.Form = emptyForm(map[string]string{"previewLead": r.URL.Query().Get("lead")})
	if err := w.loadWizardReview(v, p); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadWizardReview(v *view, p wizardPage) error {
	ctx := v.r.Context()
	ws, c := v.P.WorkspaceID, p.Campaign
	review, err := w.Campaigns.Review(ctx, ws, c.ID)
	if err != nil {
		return err
	}
	seq, err := w.Campaigns.Sequence(ctx, ws, c.ID)
	if err != nil {
		return err
	}
	data := wizardReviewData{wizardPage: p}
	if data.Forecast, err = w.forecast(ctx, ws, c, unstartedLeads(p)); err != nil {
		return err
	}
	if data.FirstSlot, err = w.firstSlot(ctx, ws, c.ID, w.Env.Now()); err != nil {
		return err
	}
	mailboxes, err := mailboxEmails(ctx, w.Store.InWorkspace(ws))
	if err != nil {
		return err
	}
	data.Rows = reviewRows(c, review, seq, data.Forecast, data.FirstSlot, mailboxes)
	for _, row := range data.Rows {
		data.Blocked = data.Blocked || row.Level == reviewBlock
	}
	scope := w.Store.InWorkspace(ws)
	leads, err := scope.Leads(ctx, store.LeadQuery{CampaignID: c.ID, Limit: previewLeads})
	if err != nil {
		return err
	}
	data.Leads = leads[:min(len(leads), previewLeads)]
	if l, err := pickPreviewLead(ctx, scope, data.Leads, v.Form.Get("previewLead")); err != nil {
		return err
	} else if l != nil {
		data.PreviewLead = l
		data.Preview = previewSequence(previewInput(stepsOfView(seq)), *l)
	}
	if data.TestSend, err = w.testSendFormFor(ctx, ws, c.ID, data.PreviewLead, "review"); err != nil {
		return err
	}
	v.Data = data
	return nil
}

var plainLink = regexp.MustCompile(`(?i)\bhttp://[^\s"'<>]+`)

// reviewRows builds the checklist: the campaign service's launch checks as
// red rows (its rules, not a copy), then the warnings and what is ready.
func reviewRows(c campaign.View, review campaign.LaunchReview, seq campaign.SequenceView, fc *forecastView, slot string, mailboxes map[string]string) []reviewRow {
	setup := func(step string) string { return setupPath(c.ID, step) }
	blocked := map[string][]campaign.Check{}
	for _, ch := range review.Checks {
		blocked[ch.Code] = append(blocked[ch.Code], ch)
	}
	var rows []reviewRow
	block := func(codes []string, title, link, action string) bool {
		found := false
		for _, code := range codes {
			for _, ch := range blocked[code] {
				rows = append(rows, reviewRow{Level: reviewBlock, Title: title, Text: ch.Message, Link: link, Action: action})
				delete(blocked, code)
				found = true
			}
		}
		return found
	}

	if !block([]string{"no_mailbox", "mailbox_disconnected"}, "Mailboxes", setup("mailboxes"), "Choose mailboxes") {
		var list []string
		for _, id := range c.MailboxIDs {
			list = append(list, mailboxes[id])
		}
		rows = append(rows, reviewRow{Level: reviewOK, Title: "Mailboxes", Text: "Sends from " + strings.Join(list, ", ") + "."})
	}
	if !block([]string{"postal_address_missing"}, "Postal address", "/settings", "Add the address") {
		rows = append(rows, reviewRow{Level: reviewOK, Title: "Postal address",
			Text: "Every email ends with your postal address and an unsubscribe link."})
	}
	if c.Stats.Leads == 0 {
		rows = append(rows, reviewRow{Level: reviewWarn, Title: "Leads", Text: "No leads yet: a launched campaign sends nothing until you add some.",
			Link: setup("leads"), Action: "Add leads"})
	} else {
		rows = append(rows, reviewRow{Level: reviewOK, Title: "Leads", Text: plural(c.Stats.Leads, "lead", "leads") + " in the campaign.",
			Link: "/campaigns/" + c.ID + "/leads", Action: "See them"})
	}
	if row, ok := verificationRow(c, review.Verification); ok {
		rows = append(rows, row)
	}
	if !block([]string{"no_sequence", "invalid_template"}, "Sequence", setup("sequence"), "Fix the sequence") {
		tests := 0
		for _, st := range seq.Steps {
			if len(st.Variants) > 0 {
				tests++
			}
		}
		text := plural(len(seq.Steps), "step", "steps") + " written"
		if tests > 0 {
			text += ", " + plural(tests, "A/B test", "A/B tests")
		}
		rows = append(rows, reviewRow{Level: reviewOK, Title: "Sequence", Text: text + "."})
	}
	if len(blocked["missing_merge_fields"]) > 0 {
		row := reviewRow{Level: reviewBlock, Title: "Merge tags", Text: blocked["missing_merge_fields"][0].Message,
			Link: setup("sequence"), Action: "Add a fallback", Leads: review.LeadsMissingFields}
		if len(row.Leads) > missingLeadsShown {
			row.Leads = row.Leads[:missingLeadsShown]
		}
		row.More = review.LeadsMissingCount - len(row.Leads)
		rows = append(rows, row)
		delete(blocked, "missing_merge_fields")
	} else if c.Stats.Leads > 0 {
		rows = append(rows, reviewRow{Level: reviewOK, Title: "Merge tags", Text: "Every lead has a value for every merge tag without a fallback."})
	}
	if !block([]string{"schedule_invalid"}, "Schedule", setup("schedule"), "Fix the schedule") {
		rows = append(rows, reviewRow{Level: reviewOK, Title: "Schedule", Text: describeSchedule(c) + ". First sends: " + slot + "."})
	}
	if fc.Behind() {
		rows = append(rows, reviewRow{Level: reviewWarn, Title: "Daily limits",
			Text: "At these limits only " + formatInt(fc.First) + " of " + plural(fc.Leads, "lead", "leads") + " get their first email in the next " +
				formatInt(fc.Days) + " days. Add a mailbox or raise the limits to go faster.", Link: setup("schedule"), Action: "See the forecast"})
	}
	var plain []string
	for _, st := range seq.Steps {
		texts := []string{st.Body}
		for _, vr := range st.Variants {
			texts = append(texts, vr.Body)
		}
		for _, t := range texts {
			plain = append(plain, plainLink.FindAllString(t, 3)...)
		}
	}
	if len(plain) > 0 {
		rows = append(rows, reviewRow{Level: reviewWarn, Title: "Links", Text: "A link does not use https (" + plain[0] +
			"): some filters distrust plain http links.", Link: setup("sequence"), Action: "Edit the link"})
	}
	if !c.StopOnReply {
		rows = append(rows, reviewRow{Level: reviewWarn, Title: "Replies", Text: "Stop on reply is off: leads who answer still get the next steps.",
			Link: setup("schedule"), Action: "Turn it on"})
	} else {
		rows = append(rows, reviewRow{Level: reviewOK, Title: "Replies", Text: "A lead who replies gets no more steps."})
	}
	// Checks this page has no row for still block, in the service's words.
	for _, list := range blocked {
		for _, ch := range list {
			rows = append(rows, reviewRow{Level: reviewBlock, Title: "Launch check", Text: ch.Message, Link: "/campaigns/" + c.ID, Action: "See the campaign"})
		}
	}
	return rows
}

// firstSlot says when the schedule next opens, in the campaign's zone:
// when the first emails go out after a launch now.
func (w *Web) firstSlot(ctx context.Context, ws, id string, now time.Time) (string, error) {
	c, err := w.Store.InWorkspace(ws).Campaign(ctx, id)
	if err != nil {
		return "", err
	}
	sched, err := input.Schedule(c)
	if err != nil || sched.Validate() != nil {
		return "never (the schedule has no sending days or hours)", nil
	}
	if rules.InWindow(sched, nil, now) {
		return "right away (the schedule is open now)", nil
	}
	loc := timezone.Or(c.Timezone)
	return rules.NextWindowStart(sched, nil, now).In(loc).Format("Mon 2 Jan 15:04") + " " + loc.String(), nil
}

// launchFromWizard launches the campaign; refused, it shows the review
// again with what blocks it.
func (w *Web) launchFromWizard(rw http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	p, err := w.loadWizard(v, r.PathValue("id"), "review")
	if err != nil {
		return err
	}
	slot, err := w.firstSlot(ctx, v.P.WorkspaceID, p.Campaign.ID, w.Env.Now())
	if err != nil {
		return err
	}
	if _, err := w.Campaigns.Launch(ctx, v.P, p.Campaign.ID, meta(r)); err != nil {
		if pr, ok := problem.As(err); ok && pr.Code == "launch_blocked" {
			// The rows below say what blocks it, each with its fix.
			err = problem.New(problem.Conflict, pr.Code, "The campaign cannot launch yet: fix the red rows below.")
		}
		v.Form = newForm(r)
		if lerr := w.loadWizardReview(v, p); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	st := p.State
	st.CampaignID, st.Step = p.Campaign.ID, wizardDone
	if err := w.Store.InWorkspace(v.P.WorkspaceID).SaveCampaignWizard(ctx, &st); err != nil {
		return err
	}
	return v.redirect(rw, "/campaigns/"+p.Campaign.ID, "Launched. First sends start "+slotPhrase(slot)+
		". The send engine picks them up at its next tick.")
}

// slotPhrase makes "right away…" and "Tue 3 Mar 09:00 Europe/Paris" read
// well after "First sends start".
func slotPhrase(slot string) string {
	if strings.HasPrefix(slot, "right away") || strings.HasPrefix(slot, "never") {
		return slot
	}
	return "at " + slot
}

// verificationRow is the review's address-check row: how many of the
// campaign's leads the send gate will skip, linking to them, or the
// verdicts when none is skipped.
func verificationRow(c campaign.View, v campaign.VerificationCounts) (reviewRow, bool) {
	leads := "/leads?campaign=" + c.ID + "&verification="
	if v.Skipped > 0 {
		var parts []string
		link := leads + store.VerifyUndeliverable
		if v.Undeliverable > 0 {
			parts = append(parts, formatInt(v.Undeliverable)+" undeliverable")
		} else {
			link = leads + store.VerifyRisky
		}
		if v.Risky > 0 && !v.AllowRisky {
			parts = append(parts, formatInt(v.Risky)+" risky (the campaign does not allow risky addresses)")
		}
		return reviewRow{Level: reviewWarn, Title: "Address check", Text: plural(v.Skipped, "lead is", "leads are") +
			" skipped: " + strings.Join(parts, ", ") + ".", Link: link, Action: "See them"}, true
	}
	checked := v.Deliverable + v.Risky + v.Unknown
	if checked == 0 {
		return reviewRow{}, false
	}
	text := formatInt(v.Deliverable) + " deliverable"
	if v.Risky > 0 {
		text += ", " + formatInt(v.Risky) + " risky (sent: the campaign allows risky addresses)"
	}
	if v.Unknown+v.Unchecked > 0 {
		text += ", " + formatInt(v.Unknown+v.Unchecked) + " not verified (sent)"
	}
	return reviewRow{Level: reviewOK, Title: "Address check", Text: text + "."}, true
}
