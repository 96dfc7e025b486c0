package plan

import (
	"cmp"
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// ForecastDay is one local date of the plan.
type ForecastDay struct {
	Date       string         `json:"date"`
	Total      int            `json:"total"`
	FollowUps  int            `json:"followUps"`
	PerMailbox map[string]int `json:"perInbox"`
}

// ForecastMailbox names a mailbox of the plan.
type ForecastMailbox struct {
	ID         string `json:"id"`
	Email      string `json:"email"`
	Status     string `json:"status"`
	TodayLimit int    `json:"todayLimit"`
	// Provider is the mailbox's provider as ESP matching reads it.
	Provider string `json:"provider"`
}

// ESPMatching is how the campaign's unstarted leads match their mailboxes'
// providers (shown when the campaign option espMatching is on).
type ESPMatching struct {
	// Leads counts the unstarted leads by recipient provider ("unknown"
	// when the address check has not read it).
	Leads map[string]int `json:"leads"`
	// Matched is how many of them get a mailbox of their own provider.
	Matched int `json:"matched"`
}

// CampaignForecast is the planned sends per day and mailbox.
type CampaignForecast struct {
	Timezone  string            `json:"timezone"`
	Days      []ForecastDay     `json:"days"`
	Mailboxes []ForecastMailbox `json:"inboxes"`
	// ESPMatching is set when the campaign matches providers.
	ESPMatching *ESPMatching `json:"espMatching,omitempty"`
}

// Forecast plans a campaign's next `days` local days with rules.Forecast,
// from the same inputs the tick decides on: its scheduled jobs per mailbox,
// and (before launch) its unstarted leads spread over the mailboxes the way
// launch will assign them.
func Forecast(ctx context.Context, st *store.Store, wsID, campaignID string, days int, now time.Time) (CampaignForecast, error) {
	s := st.InWorkspace(wsID)
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return CampaignForecast{}, err
	}
	out := CampaignForecast{Timezone: c.Timezone, Days: []ForecastDay{}, Mailboxes: []ForecastMailbox{}}
	sched, err := input.Schedule(c)
	if err != nil {
		return out, err
	}
	steps, err := s.Sequence(ctx, campaignID)
	if err != nil {
		return out, err
	}
	jobs, err := s.ScheduledJobs(ctx, campaignID)
	if err != nil {
		return out, err
	}
	mailboxes, err := s.MailboxesByID(ctx, c.MailboxIDs)
	if err != nil {
		return out, err
	}
	newLeads := map[string]int{}
	if c.Status == store.CampaignDraft || c.Status == store.CampaignPaused || c.Status == store.CampaignActive {
		unstarted, err := s.UnstartedCampaignLeads(ctx, campaignID)
		if err != nil {
			return out, err
		}
		providers := make([]string, len(unstarted))
		for i, l := range unstarted {
			providers[i] = enrollment.MatchProvider(c, l.Lead)
		}
		var matched int
		if newLeads, matched, err = enrollment.SpreadMatched(ctx, s, c.MailboxIDs, providers, now); err != nil {
			return out, err
		}
		if c.ESPMatching {
			out.ESPMatching = &ESPMatching{Leads: map[string]int{}, Matched: matched}
			for _, p := range providers {
				out.ESPMatching.Leads[cmp.Or(p, "unknown")]++
			}
		}
	}
	in := rules.ForecastInput{Schedule: sched, Campaign: input.CampaignSide(c, sched.Timezone, now), Steps: input.Delays(steps)}
	if in.Routes, err = routeDelays(ctx, s, campaignID); err != nil {
		return out, err
	}
	// A draft or paused campaign is planned as if it ran from now: the
	// forecast answers "what would it send".
	in.Campaign.Status = rules.CampaignActive
	for _, i := range mailboxes {
		side, err := input.MailboxSide(i, now)
		if err != nil {
			continue
		}
		fi := rules.ForecastMailbox{ID: i.ID, Mailbox: side, NewLeads: newLeads[i.ID]}
		for _, j := range jobs[i.ID] {
			fi.Jobs = append(fi.Jobs, rules.Job{Step: j.Step, Due: j.DueAt})
		}
		in.Mailboxes = append(in.Mailboxes, fi)
		out.Mailboxes = append(out.Mailboxes, ForecastMailbox{ID: i.ID, Email: i.Email, Status: i.Status,
			TodayLimit: rules.TodayLimit(side.Limits, now), Provider: rules.MailboxProvider(i.Provider)})
	}
	for _, d := range rules.Forecast(now, days, in) {
		out.Days = append(out.Days, ForecastDay{Date: d.Date, Total: d.Total, FollowUps: d.FollowUps, PerMailbox: d.PerMailbox})
	}
	return out, nil
}
