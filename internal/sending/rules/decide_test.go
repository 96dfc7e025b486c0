package rules

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// baseInput is a campaign in Paris, Mon–Fri 09:00–17:00, a warmed mailbox
// (cap 30, 10-minute gap) and an active lead whose step is due.
func baseInput(t *testing.T) (time.Time, Input) {
	paris := mustLoc(t, "Europe/Paris")
	now := at(t, paris, "2026-03-10 10:00") // a Tuesday
	return now, Input{
		Schedule: DefaultSchedule(paris),
		Campaign: Campaign{Status: CampaignActive},
		Mailbox: Mailbox{Email: "a@x.com", Status: MailboxActive, Limits: MailboxLimits{
			DailyCap: 30, MinGap: 10 * time.Minute, Timezone: paris,
		}, Usage: MailboxUsage{SentToday: 3, LastSentAt: now.Add(-time.Hour)}},
		Lead: Lead{Status: LeadActive},
		Due:  now.Add(-time.Hour),
	}
}

func TestDecide(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	ny := mustLoc(t, "America/New_York")
	tests := []struct {
		name      string
		change    func(now *time.Time, in *Input)
		reason    Reason
		also      []Reason
		notBefore string // Europe/Paris wall time; "" for none
		detail    string
	}{
		{"ready", func(*time.Time, *Input) {}, ReasonReady, nil, "", "can send now"},
		{"lead replied", func(_ *time.Time, in *Input) { in.Lead.Status = LeadReplied }, ReasonLeadStopped, nil, "", "stopped (replied)"},
		{"unknown lead status stops", func(_ *time.Time, in *Input) { in.Lead.Status = "" }, ReasonLeadStopped, nil, "", "stopped"},
		{"suppressed", func(_ *time.Time, in *Input) { in.Lead.Suppressed = true }, ReasonSuppressed, nil, "", "suppression list"},
		{"campaign draft", func(_ *time.Time, in *Input) { in.Campaign.Status = CampaignDraft }, ReasonCampaignDraft, nil, "", "not been launched"},
		{"campaign paused", func(_ *time.Time, in *Input) { in.Campaign.Status = CampaignPaused }, ReasonCampaignPaused, nil, "", "paused"},
		{"campaign completed", func(_ *time.Time, in *Input) { in.Campaign.Status = CampaignCompleted }, ReasonCampaignCompleted, nil, "", "completed"},
		{"inbox paused", func(_ *time.Time, in *Input) { in.Mailbox.Status = MailboxPaused }, ReasonMailboxPaused, nil, "", "Mailbox a@x.com is paused"},
		{"inbox disconnected", func(_ *time.Time, in *Input) { in.Mailbox.Status = MailboxDisconnected }, ReasonMailboxDisconnected, nil, "", "reconnected"},
		{"inbox error", func(_ *time.Time, in *Input) { in.Mailbox.Status = MailboxError }, ReasonMailboxError, nil, "", "has an error"},
		{"schedule without days", func(_ *time.Time, in *Input) { in.Schedule.Days = [7]bool{} }, ReasonScheduleInvalid, nil, "", "no sending days"},
		{"zero cap", func(_ *time.Time, in *Input) { in.Mailbox.Limits.DailyCap = 0 }, ReasonMailboxDailyCap, nil, "", "daily limit of 0"},
		{"step due later today", func(now *time.Time, in *Input) { in.Due = now.Add(2 * time.Hour) },
			ReasonStepDelay, nil, "2026-03-10 12:00", "This step is due Tue 10 Mar 12:00 Europe/Paris. Next send: Tue 10 Mar 12:00 Europe/Paris."},
		{"step due tonight waits for the window", func(now *time.Time, in *Input) { in.Due = at(t, paris, "2026-03-10 20:00") },
			ReasonStepDelay, nil, "2026-03-11 09:00", "due Tue 10 Mar 20:00"},
		{"outside window", func(now *time.Time, _ *Input) { *now = at(t, paris, "2026-03-10 18:00") },
			ReasonOutsideWindow, nil, "2026-03-11 09:00", "Outside the sending window (Mon–Fri 09:00–17:00 Europe/Paris). Next send: Wed 11 Mar 09:00 Europe/Paris."},
		{"weekend", func(now *time.Time, _ *Input) { *now = at(t, paris, "2026-03-14 11:00") },
			ReasonOutsideWindow, nil, "2026-03-16 09:00", "Next send: Mon 16 Mar 09:00"},
		{"inbox cap", func(_ *time.Time, in *Input) { in.Mailbox.Usage.SentToday = 30 },
			ReasonMailboxDailyCap, nil, "2026-03-11 09:00", "Mailbox a@x.com reached today's limit of 30; resets 00:00 Europe/Paris. Next send: Wed 11 Mar 09:00 Europe/Paris."},
		{"inbox cap in a UTC mailbox resets at 01:00 Paris, window still decides", func(_ *time.Time, in *Input) {
			in.Mailbox.Usage.SentToday = 30
			in.Mailbox.Limits.Timezone = nil
		}, ReasonMailboxDailyCap, nil, "2026-03-11 09:00", "resets 00:00 UTC"},
		{"cap on Friday afternoon waits for Monday", func(now *time.Time, in *Input) {
			*now = at(t, paris, "2026-03-13 16:55")
			in.Mailbox.Usage.SentToday = 31
		}, ReasonMailboxDailyCap, nil, "2026-03-16 09:00", "Next send: Mon 16 Mar 09:00"},
		{"ramp limit", func(now *time.Time, in *Input) {
			in.Mailbox.Limits.RampStart, in.Mailbox.Limits.RampIncrement = 5, 2
			in.Mailbox.Limits.ActiveSince = now.AddDate(0, 0, -3)
			in.Mailbox.Usage.SentToday = 11
		}, ReasonRampLimit, nil, "2026-03-11 09:00", "Mailbox a@x.com reached today's limit of 11 (ramp day 4 of 14); resets 00:00 Europe/Paris."},
		{"min gap uses the stored jittered gap", func(now *time.Time, in *Input) {
			in.Mailbox.Usage.LastSentAt = now.Add(-3 * time.Minute)
			in.Mailbox.Usage.Gap = 12 * time.Minute
		}, ReasonMinGap, nil, "2026-03-10 10:09", "Mailbox a@x.com sent at 09:57 Europe/Paris and keeps at least 12m0s between sends."},
		{"min gap with no stored gap uses MinGap", func(now *time.Time, in *Input) { in.Mailbox.Usage.LastSentAt = now.Add(-3 * time.Minute) },
			ReasonMinGap, nil, "2026-03-10 10:07", "at least 10m0s"},
		{"min gap 0 turns spacing off", func(now *time.Time, in *Input) {
			in.Mailbox.Limits.MinGap = 0
			in.Mailbox.Usage.LastSentAt = *now
			in.Mailbox.Usage.Gap = time.Hour
		}, ReasonReady, nil, "", ""},
		{"min gap ending after the window", func(now *time.Time, in *Input) {
			*now = at(t, paris, "2026-03-10 16:55")
			in.Mailbox.Usage.LastSentAt = now.Add(-time.Minute)
		}, ReasonMinGap, nil, "2026-03-11 09:00", ""},
		{"campaign daily limit", func(_ *time.Time, in *Input) { in.Campaign.DailyLimit, in.Campaign.SentToday = 50, 50 },
			ReasonCampaignDailyCap, nil, "2026-03-11 09:00", "The campaign reached its daily limit of 50; resets 00:00 Europe/Paris."},
		{"outside window and capped: the window opens last", func(now *time.Time, in *Input) {
			*now = at(t, paris, "2026-03-10 18:00")
			in.Mailbox.Usage.SentToday = 30
		}, ReasonOutsideWindow, []Reason{ReasonMailboxDailyCap}, "2026-03-11 09:00", ""},
		{"capped and within gap: the cap opens last", func(now *time.Time, in *Input) {
			in.Mailbox.Usage.SentToday = 30
			in.Mailbox.Usage.LastSentAt = now.Add(-time.Minute)
		}, ReasonMailboxDailyCap, []Reason{ReasonMinGap}, "2026-03-11 09:00", ""},
		{"step due in three days beats everything", func(now *time.Time, in *Input) {
			*now = at(t, paris, "2026-03-10 18:00")
			in.Due = at(t, paris, "2026-03-13 10:30")
			in.Mailbox.Usage.SentToday = 30
		}, ReasonStepDelay, []Reason{ReasonOutsideWindow, ReasonMailboxDailyCap}, "2026-03-13 10:30", ""},
		{"lead's zone: 10:00 Paris is 05:00 in New York", func(_ *time.Time, in *Input) {
			in.Schedule.UseLeadTimezone = true
			in.Lead.Timezone = ny
		}, ReasonOutsideWindow, nil, "2026-03-10 14:00", "(Mon–Fri 09:00–17:00 America/New_York). Next send: Tue 10 Mar 09:00 America/New_York."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, in := baseInput(t)
			tt.change(&now, &in)
			d := Decide(now, in)
			if d.Reason != tt.reason || d.Send != (tt.reason == ReasonReady) || !slices.Equal(d.Also, tt.also) {
				t.Errorf("Decide = send %v reason %q also %v, want reason %q also %v", d.Send, d.Reason, d.Also, tt.reason, tt.also)
			}
			var want time.Time
			if tt.notBefore != "" {
				want = at(t, paris, tt.notBefore)
			}
			if !d.NotBefore.Equal(want) {
				t.Errorf("NotBefore = %s, want %s", d.NotBefore.In(paris), want.In(paris))
			}
			if !strings.Contains(d.Detail(), tt.detail) {
				t.Errorf("Detail = %q, want it to contain %q", d.Detail(), tt.detail)
			}
		})
	}
}

func TestDelayAfter(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	sent := at(t, paris, "2026-03-27 10:00") // Friday before the clocks change
	if got, want := (Delay{Days: 3}).After(sent, paris), at(t, paris, "2026-03-30 10:00"); !got.Equal(want) {
		t.Errorf("3 days after across DST = %s, want %s (same wall clock)", got, want)
	}
	if got, want := (Delay{Days: 1, Minutes: 90}).After(sent, paris), at(t, paris, "2026-03-28 11:30"); !got.Equal(want) {
		t.Errorf("1 day 90 minutes after = %s, want %s", got, want)
	}
	if got, want := (Delay{}).After(sent, nil), sent; !got.Equal(want) {
		t.Errorf("zero delay = %s, want %s", got, want)
	}
}
