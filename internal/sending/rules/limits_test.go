package rules

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestTodayLimit(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	since := at(t, paris, "2026-03-01 23:30") // ramp day 0 is 1 March, Paris time
	ramp := MailboxLimits{DailyCap: 30, RampStart: 5, RampIncrement: 2, Timezone: paris, ActiveSince: since}
	tests := []struct {
		name   string
		limits MailboxLimits
		now    time.Time
		want   int
	}{
		{"ramp day 0", ramp, at(t, paris, "2026-03-01 23:59"), 5},
		{"ramp day 1 starts at local midnight", ramp, at(t, paris, "2026-03-02 00:00"), 7},
		{"ramp day 3", ramp, at(t, paris, "2026-03-04 12:00"), 11},
		{"ramp day 12", ramp, at(t, paris, "2026-03-13 12:00"), 29},
		{"capped on day 13", ramp, at(t, paris, "2026-03-14 12:00"), 30},
		{"long after", ramp, at(t, paris, "2031-03-14 12:00"), 30},
		{"before ActiveSince counts as day 0", ramp, at(t, paris, "2026-02-01 12:00"), 5},
		{"ramp day counted in the mailbox zone, not UTC", ramp, utc(t, "2026-03-01T23:30:00Z"), 7},
		{"ramp off", MailboxLimits{DailyCap: 30}, at(t, paris, "2026-03-04 12:00"), 30},
		{"zero cap sends nothing", MailboxLimits{DailyCap: 0, RampStart: 5}, at(t, paris, "2026-03-04 12:00"), 0},
		{"no increment stays at start", MailboxLimits{DailyCap: 30, RampStart: 10, ActiveSince: since}, at(t, paris, "2026-04-04 12:00"), 10},
		{"start above cap is capped", MailboxLimits{DailyCap: 20, RampStart: 50, RampIncrement: 1, ActiveSince: since}, at(t, paris, "2026-03-04 12:00"), 20},
		{"no ActiveSince stays on day 0", MailboxLimits{DailyCap: 30, RampStart: 5, RampIncrement: 2}, at(t, paris, "2026-03-04 12:00"), 5},
		{"huge increment does not overflow", MailboxLimits{DailyCap: 40, RampStart: 1, RampIncrement: 1 << 40, ActiveSince: since}, at(t, paris, "2126-03-04 12:00"), 40},
	}
	for _, tt := range tests {
		if got := TodayLimit(tt.limits, tt.now); got != tt.want {
			t.Errorf("%s: TodayLimit = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestRampProgress(t *testing.T) {
	since := utc(t, "2026-03-01T10:00:00Z")
	l := MailboxLimits{DailyCap: 30, RampStart: 5, RampIncrement: 2, ActiveSince: since}
	for _, tt := range []struct {
		now        time.Time
		day, total int
	}{
		{since, 1, 14},
		{since.AddDate(0, 0, 3), 4, 14},
		{since.AddDate(0, 0, 13), 14, 14},
		{since.AddDate(0, 1, 0), 14, 14},
	} {
		if day, total := RampProgress(l, tt.now); day != tt.day || total != tt.total {
			t.Errorf("RampProgress(%s) = %d of %d, want %d of %d", tt.now, day, total, tt.day, tt.total)
		}
	}
	if day, total := RampProgress(MailboxLimits{DailyCap: 30}, since); day != 0 || total != 0 {
		t.Errorf("RampProgress without ramp = %d of %d, want 0 of 0", day, total)
	}
}

func TestNextGapAndJitter(t *testing.T) {
	if got := MaxJitter(10 * time.Minute); got != 5*time.Minute {
		t.Errorf("MaxJitter(10m) = %s", got)
	}
	if got := MaxJitter(time.Hour); got != 5*time.Minute {
		t.Errorf("MaxJitter(1h) = %s, want capped at 5m", got)
	}
	if got := MaxJitter(time.Minute); got != 30*time.Second {
		t.Errorf("MaxJitter(1m) = %s", got)
	}
	if got := NextGap(MailboxLimits{}, rand.New(rand.NewPCG(1, 2))); got != 0 {
		t.Errorf("NextGap with no MinGap = %s, want 0", got)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	l := MailboxLimits{MinGap: 2 * time.Minute}
	seen := map[time.Duration]bool{}
	for range 2000 {
		g := NextGap(l, rnd)
		if g < 2*time.Minute || g > 3*time.Minute || g%time.Second != 0 {
			t.Fatalf("NextGap = %s, want whole seconds in [2m, 3m]", g)
		}
		seen[g] = true
	}
	if !seen[2*time.Minute] || !seen[3*time.Minute] || len(seen) < 55 {
		t.Errorf("NextGap drew %d distinct values (ends %v %v), want the whole range", len(seen), seen[2*time.Minute], seen[3*time.Minute])
	}
}

func TestGapClamp(t *testing.T) {
	l := MailboxLimits{MinGap: 10 * time.Minute}
	for stored, want := range map[time.Duration]time.Duration{
		0: 10 * time.Minute, 5 * time.Minute: 10 * time.Minute, 12 * time.Minute: 12 * time.Minute, time.Hour: 15 * time.Minute,
	} {
		if got := gap(l, MailboxUsage{Gap: stored}); got != want {
			t.Errorf("gap(stored %s) = %s, want %s", stored, got, want)
		}
	}
	if got := gap(MailboxLimits{}, MailboxUsage{Gap: time.Hour}); got != 0 {
		t.Errorf("gap with MinGap 0 = %s, want 0 (spacing off)", got)
	}
}
