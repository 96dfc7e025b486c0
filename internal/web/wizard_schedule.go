package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/mailbox"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
)

// wizardScheduleData is step 5: when the campaign sends (time zone, days,
// hours), its own daily limit, the limits of its mailboxes with their
// defaults and where those come from, and the send engine's forecast.
type wizardScheduleData struct {
	wizardPage
	Days      []checkOption
	Mailboxes []scheduleMailbox
	Forecast  *forecastView
	Defaults  limitDefaults
}

// scheduleMailbox is a mailbox's limits next to the defaults.
type scheduleMailbox struct {
	mailbox.View
	DefaultCap  bool
	DefaultRamp bool
	DefaultGap  bool
}

// limitDefaults are the send engine's defaults for a new mailbox
// (rules.Default*), shown in the form with their source (docs/ui.md §10.5).
type limitDefaults struct {
	Cap, RampStart, RampIncrement, GapSeconds int
}

var defaults = limitDefaults{Cap: rules.DefaultDailyCap, RampStart: rules.DefaultRampStart,
	RampIncrement: rules.DefaultRampIncrement, GapSeconds: int(rules.DefaultMinGap / time.Second)}

func (w *Web) wizardSchedule(rw http.ResponseWriter, r *http.Request, v *view) error {
	p, err := w.loadWizard(v, r.PathValue("id"), "schedule")
	if err != nil {
		return err
	}
	c := p.Campaign
	v.Form = emptyForm(map[string]string{"timezone": c.Timezone, "sendStart": c.SendStart, "sendEnd": c.SendEnd,
		"dailyLimit": strconv.Itoa(c.DailyLimit), "stopOnReply": onOff(c.StopOnReply), "useLeadTimezone": onOff(c.UseLeadTimezone),
		"allowRisky": onOff(c.AllowRisky), "espMatching": onOff(c.ESPMatching)})
	days := make([]string, len(c.SendDays))
	for i, d := range c.SendDays {
		days[i] = strconv.Itoa(d)
	}
	if err := w.loadWizardSchedule(v, p, days); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return ""
}

func (w *Web) loadWizardSchedule(v *view, p wizardPage, days []string) error {
	ctx := v.r.Context()
	data := wizardScheduleData{wizardPage: p, Defaults: defaults}
	for _, d := range weekdays {
		data.Days = append(data.Days, checkOption{Value: d.Value, Label: d.Label, Checked: slices.Contains(days, d.Value)})
	}
	for _, id := range p.Campaign.MailboxIDs {
		in, err := w.Mailboxes.Get(ctx, v.P.WorkspaceID, id)
		if err != nil {
			return err
		}
		data.Mailboxes = append(data.Mailboxes, scheduleMailbox{View: in, DefaultCap: in.DailyCap == defaults.Cap,
			DefaultRamp: in.RampStart == defaults.RampStart && in.RampIncrement == defaults.RampIncrement,
			DefaultGap:  in.MinGapSeconds == defaults.GapSeconds})
	}
	var err error
	if data.Forecast, err = w.forecast(ctx, v.P.WorkspaceID, p.Campaign, unstartedLeads(p)); err != nil {
		return err
	}
	v.Data = data
	return nil
}

// saveWizardSchedule saves the schedule through the campaign service,
// which validates every field; "Save and update the forecast" stays here.
func (w *Web) saveWizardSchedule(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	f := v.Form
	p, err := w.loadWizard(v, r.PathValue("id"), "schedule")
	if err != nil {
		return err
	}
	days := r.PostForm["sendDays"]
	isoDays := []int{}
	for _, d := range days {
		if n, err := strconv.Atoi(d); err == nil {
			isoDays = append(isoDays, n)
		}
	}
	limit := 0
	if s := f.Get("dailyLimit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil {
			limit = -1 // the service names the rule
		}
	}
	in := campaign.Input{Timezone: ptr(f.Get("timezone")), SendDays: &isoDays, SendStart: ptr(f.Get("sendStart")),
		SendEnd: ptr(f.Get("sendEnd")), UseLeadTimezone: ptr(f.Get("useLeadTimezone") == "on"),
		StopOnReply: ptr(f.Get("stopOnReply") == "on"), DailyLimit: &limit,
		AllowRisky: ptr(f.Get("allowRisky") == "on"), ESPMatching: ptr(f.Get("espMatching") == "on")}
	if _, err := w.Campaigns.Update(r.Context(), v.P, p.Campaign.ID, in, meta(r)); err != nil {
		if lerr := w.loadWizardSchedule(v, p, days); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	if f.Get("action") == "forecast" {
		return v.redirect(rw, setupPath(p.Campaign.ID, "schedule"), "Saved the schedule; the forecast below uses it.")
	}
	return w.advance(rw, v, p, "Saved the schedule.")
}

// unstartedLeads is how many leads wait for their first email: all of a
// draft's (a running campaign's are already scheduled by the engine).
func unstartedLeads(p wizardPage) int {
	if p.Draft {
		return p.Campaign.Stats.Leads
	}
	return 0
}
