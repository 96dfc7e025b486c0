package rules

import (
	"fmt"
	"testing"
	"time"
)

func benchInput(b *testing.B) (time.Time, Input) {
	paris := mustLoc(b, "Europe/Paris")
	ny := mustLoc(b, "America/New_York")
	now := at(b, paris, "2026-03-10 10:00")
	return now, Input{
		Schedule: Schedule{Timezone: paris, Days: DefaultDays, Start: DefaultStart, End: DefaultEnd, UseLeadTimezone: true},
		Campaign: Campaign{Status: CampaignActive, DailyLimit: 500, SentToday: 20},
		Mailbox: Mailbox{Email: "a@x.com", Status: MailboxActive, Limits: DefaultLimits(paris, now.AddDate(0, 0, -30)),
			Usage: MailboxUsage{SentToday: 3, LastSentAt: now.Add(-time.Hour), Gap: 12 * time.Minute}},
		Lead: Lead{Status: LeadActive, Timezone: ny},
		Due:  now.Add(-time.Hour),
	}
}

func BenchmarkDecide(b *testing.B) {
	now, in := benchInput(b)
	b.Run("send", func(b *testing.B) {
		in := in
		in.Lead.Timezone = nil
		for b.Loop() {
			if !Decide(now, in).Send {
				b.Fatal("want send")
			}
		}
	})
	b.Run("outside_window_lead_zone", func(b *testing.B) {
		for b.Loop() {
			if Decide(now, in).Send {
				b.Fatal("want wait")
			}
		}
	})
	b.Run("capped_and_gap", func(b *testing.B) {
		in := in
		in.Lead.Timezone = nil
		in.Mailbox.Usage.SentToday = 30
		in.Mailbox.Usage.LastSentAt = now.Add(-time.Minute)
		for b.Loop() {
			if Decide(now, in).Send {
				b.Fatal("want wait")
			}
		}
	})
	b.Run("detail", func(b *testing.B) {
		in := in
		in.Mailbox.Usage.SentToday = 30
		d := Decide(now, in)
		for b.Loop() {
			_ = d.Detail()
		}
	})
}

// BenchmarkForecast plans 14 days for a campaign on 100 mailboxes, each
// with 500 leads waiting and a three-step sequence.
func BenchmarkForecast(b *testing.B) {
	now, base := benchInput(b)
	in := ForecastInput{Schedule: base.Schedule, Campaign: Campaign{Status: CampaignActive},
		Steps: []Delay{{}, {Days: 3}, {Days: 4}}}
	in.Schedule.UseLeadTimezone = false
	for i := range 100 {
		in.Mailboxes = append(in.Mailboxes, ForecastMailbox{ID: fmt.Sprintf("inbox-%03d", i), Mailbox: base.Mailbox, NewLeads: 500})
	}
	var sends int
	for b.Loop() {
		sends = 0
		for _, d := range Forecast(now, 14, in) {
			sends += d.Total
		}
	}
	b.ReportMetric(float64(sends), "sends/op")
}
