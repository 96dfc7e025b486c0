package web

import (
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/timezone"
)

// forecastDays is the horizon the wizard and the campaign page plan.
const forecastDays = 14

// forecastView is the send engine's plan for a campaign (plan.Forecast:
// the same rules the tick applies) as a chart and its totals.
type forecastView struct {
	Chart     chart
	Days      int
	Total     int
	First     int // first emails (step 1)
	FollowUps int
	Timezone  string
	Invalid   bool // the schedule never opens: nothing can be planned
	Leads     int  // leads waiting for their first email, to compare with First
}

// Behind reports whether the plan gives fewer first emails than there are
// leads waiting for one within the horizon: the caps are too low for the
// list.
func (f *forecastView) Behind() bool { return f != nil && !f.Invalid && f.First < f.Leads }

func (w *Web) forecast(ctx context.Context, ws string, c campaign.View, unstarted int) (*forecastView, error) {
	stored, err := w.Store.InWorkspace(ws).Campaign(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	fv := &forecastView{Days: forecastDays, Timezone: c.Timezone, Leads: unstarted}
	if sched, err := input.Schedule(stored); err != nil || sched.Validate() != nil {
		fv.Invalid = true
		return fv, nil
	}
	fc, err := w.Campaigns.Forecast(ctx, ws, c.ID, forecastDays)
	if err != nil {
		return nil, err
	}
	spec := chartSpec{Title: "Planned emails per day for the next " + formatInt(forecastDays) + " days, " + c.Timezone,
		Series: []chartSeries{{"bar-new", "first emails"}, {"bar-followup", "follow-ups"}},
		Values: [][]int{{}, {}}, Stacked: true, Unit: "emails", LabelEvery: 1}
	if c.DailyLimit > 0 {
		spec.Cap, spec.CapText = c.DailyLimit, "campaign limit "+formatInt(c.DailyLimit)
	}
	for _, d := range fc.Days {
		spec.Labels = append(spec.Labels, shortDate(d.Date))
		spec.Values[0] = append(spec.Values[0], d.Total-d.FollowUps)
		spec.Values[1] = append(spec.Values[1], d.FollowUps)
		fv.Total += d.Total
		fv.FollowUps += d.FollowUps
		fv.First += d.Total - d.FollowUps
	}
	fv.Chart = newChart(spec)
	return fv, nil
}

// shortDate writes a YYYY-MM-DD date as "Mon 2", short enough for 14
// labels side by side.
func shortDate(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.Format("Mon 2")
}

// activityDays is how far back the campaign page's chart goes.
const activityDays = 30

// activityView is a campaign's daily sends and replies over the last 30
// days of its own time zone.
type activityView struct {
	Chart   chart
	Sent    int
	Replied int
	CapText string
}

func (w *Web) activity(ctx context.Context, ws string, c campaign.View, now time.Time) (activityView, error) {
	loc := timezone.Or(c.Timezone)
	local := now.In(loc)
	first := time.Date(local.Year(), local.Month(), local.Day()-activityDays+1, 0, 0, 0, 0, loc)
	scope := w.Store.InWorkspace(ws)
	sent, replied, err := scope.CampaignActivity(ctx, c.ID, first)
	if err != nil {
		return activityView{}, err
	}
	index := map[string]int{}
	spec := chartSpec{Title: "Emails sent and replies per day over the last 30 days, " + loc.String(),
		Series: []chartSeries{{"bar-sent", "sent"}, {"bar-replied", "replies"}}, Values: [][]int{{}, {}}, LabelEvery: 5}
	for i := range activityDays {
		d := first.AddDate(0, 0, i)
		index[d.Format(time.DateOnly)] = i
		spec.Labels = append(spec.Labels, d.Format("2 Jan"))
		spec.Values[0], spec.Values[1] = append(spec.Values[0], 0), append(spec.Values[1], 0)
	}
	var av activityView
	for k, times := range [][]time.Time{sent, replied} {
		for _, t := range times {
			if i, ok := index[t.In(loc).Format(time.DateOnly)]; ok {
				spec.Values[k][i]++
			}
		}
	}
	av.Sent, av.Replied = len(sent), len(replied)
	spec.Cap, av.CapText, err = w.dailyCap(ctx, scope, c)
	if err != nil {
		return av, err
	}
	spec.CapText = av.CapText
	av.Chart = newChart(spec)
	return av, nil
}

// dailyCap is the most the campaign can send in a day: its own limit, else
// the sum of its mailboxes' caps (shared with other campaigns).
func (w *Web) dailyCap(ctx context.Context, scope store.Scope, c campaign.View) (int, string, error) {
	if c.DailyLimit > 0 {
		return c.DailyLimit, "campaign limit " + formatInt(c.DailyLimit) + " a day", nil
	}
	mailboxes, err := scope.MailboxesByID(ctx, c.MailboxIDs)
	if err != nil {
		return 0, "", err
	}
	total := 0
	for _, in := range mailboxes {
		total += in.DailyCap
	}
	if total == 0 {
		return 0, "", nil
	}
	return total, "mailbox caps " + formatInt(total) + " a day", nil
}
