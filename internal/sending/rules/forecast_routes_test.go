package rules

import (
	"slices"
	"testing"
)

// A lead waiting on a reply route's step is planned through the rest of
// its route, not the main sequence.
func TestForecastFollowsRoutes(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	now := at(t, paris, "2026-03-09 09:00")
	mb := Mailbox{Email: "a@x.com", Status: MailboxActive, Limits: MailboxLimits{DailyCap: 30, Timezone: paris}}
	s := Schedule{Timezone: paris, Days: everyDay(), Start: 0, End: MinutesPerDay}
	days := Forecast(now, 4, ForecastInput{Schedule: s, Campaign: Campaign{Status: CampaignActive},
		Steps: []Delay{{}, {Days: 1}}, Routes: map[int]Delay{201: {}, 202: {Days: 2}},
		Mailboxes: []ForecastMailbox{{ID: "a", Mailbox: mb, Jobs: []Job{{Step: 201, Due: now}}}}})
	if got := forecastTotals(days, "a"); !slices.Equal(got, []int{1, 0, 1, 0}) {
		t.Fatalf("per day = %v, want [1 0 1 0]", got)
	}
}
