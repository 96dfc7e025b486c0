package web

import (
	"net/http"
	"sort"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/timezone"
)

// campaignData is the campaign page: its numbers, what it waits for, the
// per-step table and the sequence itself.
type campaignData struct {
	campaignRow
	Sequence campaign.SequenceView
	NextAt   string       // when the next email is looked at, in the campaign's zone
	Waiting  string       // why the next email waits, in words
	Held     []heldReason // emails that wait for a person
	Blocked  []campaign.Check
	Activity activityView  // daily sends and replies, 30 days
	Forecast *forecastView // the plan for the next days
	Resume   string        // a draft's wizard step to continue at
}

type heldReason struct {
	Reason string
	Count  int
}

// campaign shows one campaign.
func (w *Web) campaign(rw http.ResponseWriter, r *http.Request, v *view) error {
	if err := w.loadCampaign(v, r.PathValue("id")); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadCampaign(v *view, id string) error {
	ctx := v.r.Context()
	c, err := w.Campaigns.Get(ctx, v.P.WorkspaceID, id)
	if err != nil {
		return err
	}
	seq, err := w.Campaigns.Sequence(ctx, v.P.WorkspaceID, id)
	if err != nil {
		return err
	}
	mailboxes, err := mailboxEmails(ctx, w.Store.InWorkspace(v.P.WorkspaceID))
	if err != nil {
		return err
	}
	data := campaignData{campaignRow: newCampaignRow(c, mailboxes), Sequence: seq}
	if n := c.NextSend; n != nil {
		if n.At != nil {
			loc := timezone.Or(c.Timezone)
			data.NextAt = n.At.In(loc).Format("Mon 2 Jan 15:04") + " " + loc.String()
			data.Waiting = waitingText[n.Reason]
		}
		for reason, count := range n.Held {
			data.Held = append(data.Held, heldReason{Reason: heldText(reason), Count: count})
		}
		sort.Slice(data.Held, func(i, j int) bool { return data.Held[i].Count > data.Held[j].Count })
	}
	if data.Activity, err = w.activity(ctx, v.P.WorkspaceID, c, w.Env.Now()); err != nil {
		return err
	}
	if c.Status != store.CampaignCompleted {
		unstarted := 0
		if c.Status == store.CampaignDraft {
			unstarted = c.Stats.Leads
		}
		if data.Forecast, err = w.forecast(ctx, v.P.WorkspaceID, c, unstarted); err != nil {
			return err
		}
	}
	if c.Status == store.CampaignDraft {
		data.Resume = "/campaigns/" + c.ID + "/setup"
	}
	v.Title, v.Nav, v.Tab, v.Data = c.Name, "campaigns", "overview", data
	return nil
}

// waitingText says why the next scheduled email waits, by the send
// engine's stable reason codes ("" when it is simply due).
var waitingText = map[string]string{
	"step_delay":         "waiting for the step's delay",
	"outside_window":     "outside the sending window",
	"campaign_daily_cap": "the campaign reached its daily limit",
	"inbox_daily_cap":    "the mailbox reached today's limit",
	"ramp_limit":         "the mailbox reached today's ramp-up limit",
	"min_gap":            "spacing the mailbox's sends",
}

// heldText names what a person must do for held emails, by the send
// engine's reason codes.
func heldText(reason string) string {
	if t, ok := heldTexts[reason]; ok {
		return t
	}
	return reason
}

var heldTexts = map[string]string{
	"inbox_disconnected":   "a mailbox is disconnected: reconnect it",
	"inbox_error":          "a mailbox has an error: reconnect it",
	"inbox_paused":         "a mailbox is paused",
	"campaign_paused":      "the campaign is paused",
	"schedule_invalid":     "the schedule has no sending days or hours",
	"no_inbox":             "no mailbox of the campaign can send",
	"provider_unavailable": "the mailbox's provider is not configured on this server",
	"missing_merge_field":  "the lead has no value for a merge tag",
	"message_invalid":      "the email cannot be built from the template",
	"step_removed":         "the step was removed from the sequence",
	"":                     "waiting for a person",
}

func (w *Web) launchCampaign(rw http.ResponseWriter, r *http.Request, v *view) error {
	_, err := w.Campaigns.Launch(r.Context(), v.P, r.PathValue("id"), meta(r))
	return w.campaignActionDone(rw, v, err, "Launched. The first emails go out at the next slot in the schedule.")
}

func (w *Web) pauseCampaign(rw http.ResponseWriter, r *http.Request, v *view) error {
	_, err := w.Campaigns.Pause(r.Context(), v.P, r.PathValue("id"), meta(r))
	return w.campaignActionDone(rw, v, err, "Paused. Nothing more is sent until you resume; emails already handed to a mailbox still go.")
}

func (w *Web) resumeCampaign(rw http.ResponseWriter, r *http.Request, v *view) error {
	_, err := w.Campaigns.Resume(r.Context(), v.P, r.PathValue("id"), meta(r))
	return w.campaignActionDone(rw, v, err, "Resumed. Held emails go back into the schedule.")
}

// campaignActionDone redirects to the campaign with a flash, or shows why
// the action was refused on the campaign page itself (the launch checks as
// a list, each a thing to fix).
func (w *Web) campaignActionDone(rw http.ResponseWriter, v *view, err error, done string) error {
	id := v.r.PathValue("id")
	if err == nil {
		return v.redirect(rw, "/campaigns/"+id, done)
	}
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.Conflict {
		return err
	}
	if lerr := w.loadCampaign(v, id); lerr != nil {
		return lerr
	}
	data := v.Data.(campaignData)
	if checks, ok := p.Details["checks"].([]campaign.Check); ok {
		data.Blocked = checks
	}
	v.Data = data
	v.Form = emptyForm(nil)
	v.Form.Message = p.Message
	if len(data.Blocked) > 0 {
		v.Form.Message = "The campaign cannot launch yet. Fix these first:"
	}
	return v.render(rw, http.StatusConflict)
}
