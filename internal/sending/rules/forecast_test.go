package rules

import (
	"slices"
	"testing"
	"time"
)

func forecastTotals(days []ForecastDay, id string) []int {
	out := make([]int, len(days))
	for i, d := range days {
		out[i] = d.PerMailbox[id]
	}
	return out
}

func TestForecast(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	monday8 := at(t, paris, "2026-03-09 08:00")
	warm := Mailbox{Email: "a@x.com", Status: MailboxActive, Limits: MailboxLimits{DailyCap: 30, MinGap: 10 * time.Minute, Timezone: paris}}
	oneStep := []Delay{{}}

	t.Run("caps spread new leads over weekdays", func(t *testing.T) {
		days := Forecast(monday8, 7, ForecastInput{Schedule: DefaultSchedule(paris), Campaign: Campaign{Status: CampaignActive},
			Steps: oneStep, Mailboxes: []ForecastMailbox{{ID: "a", Mailbox: warm, NewLeads: 100}}})
		if got, want := forecastTotals(days, "a"), []int{30, 30, 30, 10, 0, 0, 0}; !slices.Equal(got, want) {
			t.Errorf("per day = %v, want %v", got, want)
		}
		if days[0].Date != "2026-03-09" || days[6].Date != "2026-03-15" || days[3].Total != 10 || days[3].FollowUps != 0 {
			t.Errorf("days = %+v", days)
		}
	})

	t.Run("a short window is limited by the average gap", func(t *testing.T) {
		s := DefaultSchedule(paris)
		s.End = 10 * 60 // 09:00–10:00; 12m30s average gap: 09:00, :12:30, :25, :37:30, :50
		days := Forecast(monday8, 2, ForecastInput{Schedule: s, Campaign: Campaign{Status: CampaignActive},
			Steps: oneStep, Mailboxes: []ForecastMailbox{{ID: "a", Mailbox: warm, NewLeads: 100}}})
		if got := forecastTotals(days, "a"); !slices.Equal(got, []int{5, 5}) {
			t.Errorf("per day = %v, want [5 5]", got)
		}
	})

	t.Run("ramp-up grows the daily limit", func(t *testing.T) {
		ib := warm
		ib.Limits.RampStart, ib.Limits.RampIncrement, ib.Limits.ActiveSince, ib.Limits.MinGap = 5, 2, monday8, 0
		s := Schedule{Timezone: paris, Days: everyDay(), Start: 0, End: MinutesPerDay}
		days := Forecast(monday8, 5, ForecastInput{Schedule: s, Campaign: Campaign{Status: CampaignActive},
			Steps: oneStep, Mailboxes: []ForecastMailbox{{ID: "a", Mailbox: ib, NewLeads: 1000}}})
		if got := forecastTotals(days, "a"); !slices.Equal(got, []int{5, 7, 9, 11, 13}) {
			t.Errorf("per day = %v, want [5 7 9 11 13]", got)
		}
	})

	t.Run("follow-ups go before new leads", func(t *testing.T) {
		ib := warm
		ib.Limits.DailyCap = 10
		s := Schedule{Timezone: paris, Days: everyDay(), Start: 9 * 60, End: 17 * 60}
		days := Forecast(at(t, paris, "2026-03-09 09:00"), 4, ForecastInput{Schedule: s, Campaign: Campaign{Status: CampaignActive},
			Steps: []Delay{{}, {Days: 1}}, Mailboxes: []ForecastMailbox{{ID: "a", Mailbox: ib, NewLeads: 100}}})
		var followUps, totals []int
		for _, d := range days {
			followUps, totals = append(followUps, d.FollowUps), append(totals, d.Total)
		}
		if !slices.Equal(totals, []int{10, 10, 10, 10}) || !slices.Equal(followUps, []int{0, 10, 0, 10}) {
			t.Errorf("totals %v follow-ups %v, want [10 10 10 10] and [0 10 0 10]", totals, followUps)
		}
	})

	t.Run("scheduled jobs and today's usage", func(t *testing.T) {
		ib := warm
		ib.Usage = MailboxUsage{SentToday: 25, LastSentAt: monday8.Add(-time.Hour)}
		jobs := []Job{{Step: 2, Due: at(t, paris, "2026-03-11 15:00")}, {Step: 1, Due: monday8}}
		days := Forecast(monday8, 3, ForecastInput{Schedule: DefaultSchedule(paris), Campaign: Campaign{Status: CampaignActive},
			Steps: []Delay{{}, {Days: 2}, {Days: 3}}, Mailboxes: []ForecastMailbox{{ID: "a", Mailbox: ib, Jobs: jobs, NewLeads: 10}}})
		// Monday: 5 left under the cap; Tuesday: the other 6 first steps;
		// Wednesday: step 2 of Monday's 5 plus the scheduled one.
		if got := forecastTotals(days, "a"); !slices.Equal(got, []int{5, 6, 6}) {
			t.Errorf("per day = %v, want [5 6 6]", got)
		}
		if days[1].FollowUps != 0 || days[2].FollowUps != 6 {
			t.Errorf("follow-ups Tuesday %d Wednesday %d, want 0 and 6", days[1].FollowUps, days[2].FollowUps)
		}
	})

	t.Run("campaign daily limit is shared by its mailboxes", func(t *testing.T) {
		days := Forecast(monday8, 2, ForecastInput{Schedule: DefaultSchedule(paris), Campaign: Campaign{Status: CampaignActive, DailyLimit: 15},
			Steps: oneStep, Mailboxes: []ForecastMailbox{{ID: "a", Mailbox: warm, NewLeads: 100}, {ID: "b", Mailbox: warm, NewLeads: 100}}})
		for _, d := range days {
			if d.Total != 15 || d.PerMailbox["a"] < 7 || d.PerMailbox["b"] < 7 {
				t.Errorf("%s: %+v, want 15 split across both", d.Date, d)
			}
		}
	})

	t.Run("paused mailbox and paused campaign plan nothing", func(t *testing.T) {
		paused := warm
		paused.Status = MailboxPaused
		days := Forecast(monday8, 2, ForecastInput{Schedule: DefaultSchedule(paris), Campaign: Campaign{Status: CampaignActive},
			Steps: oneStep, Mailboxes: []ForecastMailbox{{ID: "a", Mailbox: warm, NewLeads: 100}, {ID: "p", Mailbox: paused, NewLeads: 100}}})
		if got := forecastTotals(days, "p"); !slices.Equal(got, []int{0, 0}) {
			t.Errorf("paused mailbox per day = %v", got)
		}
		if _, listed := days[0].PerMailbox["p"]; !listed || days[0].PerMailbox["a"] != 30 {
			t.Errorf("day 0 = %+v, want p listed with 0 and a at 30", days[0].PerMailbox)
		}
		days = Forecast(monday8, 2, ForecastInput{Schedule: DefaultSchedule(paris), Campaign: Campaign{Status: CampaignPaused},
			Steps: oneStep, Mailboxes: []ForecastMailbox{{ID: "a", Mailbox: warm, NewLeads: 100}}})
		if days[0].Total+days[1].Total != 0 {
			t.Errorf("paused campaign planned %d sends", days[0].Total+days[1].Total)
		}
	})

	if Forecast(monday8, 0, ForecastInput{}) != nil {
		t.Error("Forecast(0 days) is not nil")
	}
}

// TestPropertyForecastWithinLimits checks random forecasts never plan more
// than a mailbox's limit in one of its local days.
func TestPropertyForecastWithinLimits(t *testing.T) {
	g := newGen(t, 5)
	for i := range 200 {
		now := g.instant(g.zone())
		s := g.schedule()
		s.UseLeadTimezone = false
		in := ForecastInput{Schedule: s, Campaign: Campaign{Status: CampaignActive}, Steps: []Delay{{}, {Days: 1}, {Days: 2}}}
		for k := range 3 {
			ib := Mailbox{Status: MailboxActive, Limits: g.limits(now)}
			ib.Limits.Timezone = s.Timezone // per-day totals are then per mailbox-local day
			in.Mailboxes = append(in.Mailboxes, ForecastMailbox{ID: string(rune('a' + k)), Mailbox: ib, NewLeads: g.r.IntN(200)})
		}
		days := Forecast(now, 10, in)
		for di, d := range days {
			for _, ib := range in.Mailboxes {
				dayStart := firstAtOrAfter(localDay(now, orUTC(s.Timezone))+int64(di), 0, orUTC(s.Timezone))
				limit := TodayLimit(ib.Mailbox.Limits, later(now, dayStart))
				if d.PerMailbox[ib.ID] > limit {
					t.Fatalf("case %d: %s plans %d for %s, limit %d", i, d.Date, d.PerMailbox[ib.ID], ib.ID, limit)
				}
			}
		}
	}
}
