package web

import (
	"net/http"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/store"
)

// checkOption is one checkbox of a group (days, mailboxes).
type checkOption struct {
	Value   string
	Label   string
	Detail  string
	Checked bool
}

type newCampaignData struct {
	Mailboxes int // the wizard's first step adds one when there is none
}

var weekdays = []option{{"1", "Mon"}, {"2", "Tue"}, {"3", "Wed"}, {"4", "Thu"}, {"5", "Fri"}, {"6", "Sat"}, {"7", "Sun"}}

// newCampaignForm starts a campaign: a name and a time zone (app.js puts
// the browser's own zone in). Everything else has the campaign service's
// defaults (Mon–Fri 09:00–17:00, stop on reply) and is set in the wizard.
func (w *Web) newCampaignForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = emptyForm(map[string]string{"timezone": "UTC"})
	if err := w.loadNewCampaign(v); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadNewCampaign(v *view) error {
	list, err := w.Mailboxes.List(v.r.Context(), v.P.WorkspaceID)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = "New campaign", "campaigns", newCampaignData{Mailboxes: len(list)}
	return nil
}

// createCampaign creates a draft through the campaign service, which
// validates every field, and opens the wizard at its first step. Fields the
// form leaves out keep the service's defaults; the API-shaped fields
// (sendDays, inboxIds…) are still read, so a script can post them.
func (w *Web) createCampaign(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	f := v.Form
	in := campaign.Input{Name: ptr(f.Get("name")), Timezone: ptr(f.Get("timezone"))}
	for key, dst := range map[string]**string{"sendStart": &in.SendStart, "sendEnd": &in.SendEnd} {
		if _, ok := r.PostForm[key]; ok {
			*dst = ptr(f.Get(key))
		}
	}
	days, ok := r.PostForm["sendDays"]
	if ok {
		isoDays := []int{}
		for _, d := range days {
			if n, err := strconv.Atoi(d); err == nil {
				isoDays = append(isoDays, n)
			}
		}
		in.SendDays = &isoDays
	}
	mailboxIDs, ok := r.PostForm["inboxIds"]
	if ok {
		in.MailboxIDs = &mailboxIDs
	}
	if _, ok := r.PostForm["stopOnReply"]; ok {
		in.StopOnReply = ptr(f.Get("stopOnReply") == "on")
	}
	if _, ok := r.PostForm["allowRisky"]; ok {
		in.AllowRisky = ptr(f.Get("allowRisky") == "on")
	}
	if _, ok := r.PostForm["espMatching"]; ok {
		in.ESPMatching = ptr(f.Get("espMatching") == "on")
	}
	if s := f.Get("dailyLimit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			n = -1 // the service names the rule
		}
		in.DailyLimit = &n
	}
	c, err := w.Campaigns.Create(r.Context(), v.P, in, meta(r))
	if err != nil {
		if lerr := w.loadNewCampaign(v); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	st := store.CampaignWizard{CampaignID: c.ID, Step: wizardSteps[0].Key}
	if err := w.Store.InWorkspace(v.P.WorkspaceID).SaveCampaignWizard(r.Context(), &st); err != nil {
		return err
	}
	return v.redirect(rw, setupPath(c.ID, st.Step), "Created the draft “"+c.Name+"”. Nothing is sent until you launch it.")
}

func ptr[T any](v T) *T { return &v }
