package analytics

import (
	"math"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 5e-4 }

func TestWilson(t *testing.T) {
	cases := []struct {
		k, n            int
		value, low, hig float64
	}{
		{0, 0, 0, 0, 1},
		{0, 10, 0, 0, 0.2775},
		{10, 10, 1, 0.7225, 1},
		{5, 100, 0.05, 0.0215, 0.1118},
		{50, 100, 0.5, 0.4038, 0.5962},
		{1, 1000, 0.001, 0.0002, 0.0056},
	}
	for _, c := range cases {
		r := Wilson(c.k, c.n)
		if !near(r.Value, c.value) || !near(r.Low, c.low) || !near(r.High, c.hig) {
			t.Errorf("Wilson(%d, %d) = %+v, want %v [%v, %v]", c.k, c.n, r, c.value, c.low, c.hig)
		}
	}
}

func TestTwoProportionZ(t *testing.T) {
	cases := []struct {
		k1, n1, k2, n2 int
		p              float64
	}{
		{10, 100, 10, 100, 1},
		{0, 100, 0, 100, 1},
		{20, 100, 10, 100, 0.0477}, // z = 1.980
		{15, 100, 10, 100, 0.2850},
		{30, 200, 10, 200, 0.0008},
		{5, 0, 1, 10, 1},
	}
	for _, c := range cases {
		if p := TwoProportionZ(c.k1, c.n1, c.k2, c.n2); !near(p, c.p) {
			t.Errorf("TwoProportionZ(%d/%d vs %d/%d) = %.4f, want %.4f", c.k1, c.n1, c.k2, c.n2, p, c.p)
		}
	}
}

// TestDecideWinner covers both sides of both thresholds: 99 and 100 sends
// per variant, and a difference just significant and just not.
func TestDecideWinner(t *testing.T) {
	v := func(name string, sent, positive int) VariantResult {
		return VariantResult{Variant: name, Sent: sent, Delivered: sent, Positive: positive}
	}
	cases := []struct {
		name        string
		in          []VariantResult
		winner      string
		tooEarly    bool
		sendsNeeded int // -1: not given
	}{
		{"one variant: nothing to call", []VariantResult{v("A", 500, 50)}, "", false, -1},
		{"99 sends: too early even with a large gap", []VariantResult{v("A", 99, 40), v("B", 100, 1)}, "", true, 1},
		{"both under 100", []VariantResult{v("A", 60, 10), v("B", 70, 1)}, "", true, 70},
		{"100 each, just significant (p 0.048)", []VariantResult{v("A", 100, 20), v("B", 100, 10)}, "A", false, -1},
		{"100 each, B significant", []VariantResult{v("A", 100, 8), v("B", 100, 20)}, "B", false, -1},
		{"100 each, just not significant (p 0.071)", []VariantResult{v("A", 100, 19), v("B", 100, 10)}, "", true, 0},
		{"100 each, equal: no difference", []VariantResult{v("A", 100, 10), v("B", 100, 10)}, "", true, -1},
		{"three variants: Bonferroni keeps p 0.04 out", []VariantResult{v("A", 200, 30), v("B", 200, 18), v("C", 200, 10)}, "", true, 0},
		{"three variants: clear winner", []VariantResult{v("A", 300, 45), v("B", 300, 15), v("C", 300, 12)}, "A", false, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := DecideWinner(c.in)
			if len(c.in) < 2 {
				if w != nil {
					t.Fatalf("got %+v for one variant", w)
				}
				return
			}
			if w.Variant != c.winner || w.TooEarly != c.tooEarly {
				t.Fatalf("got %+v (p %v), want winner %q tooEarly %v", w, w.PValue, c.winner, c.tooEarly)
			}
			if c.winner != "" && (w.Test != WinnerTest || w.PValue == nil || *w.PValue >= Alpha) {
				t.Fatalf("winner without a significant test: %+v", w)
			}
			switch {
			case c.sendsNeeded == -1 && c.winner == "" && w.SendsNeeded != nil:
				t.Fatalf("sendsNeeded %d, want none", *w.SendsNeeded)
			case c.sendsNeeded > 0 && (w.SendsNeeded == nil || *w.SendsNeeded != c.sendsNeeded):
				t.Fatalf("sendsNeeded %v, want %d", w.SendsNeeded, c.sendsNeeded)
			case c.sendsNeeded == 0 && c.tooEarly && (w.SendsNeeded == nil || *w.SendsNeeded <= 0):
				t.Fatalf("not significant yet but no estimate of the sends needed: %+v", w)
			}
		})
	}
}

func TestParseWindow(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 3, 9, 3, 0, 0, 0, time.UTC) // 8 March, 23:00 in New York
	cases := []struct {
		from, to   string
		loc        *time.Location
		first      string
		last       string
		days       int
		err        string
		firstStart time.Time
	}{
		{"", "", time.UTC, "2026-02-08", "2026-03-09", 30, "", time.Date(2026, 2, 8, 0, 0, 0, 0, time.UTC)},
		{"", "", ny, "2026-02-07", "2026-03-08", 30, "", time.Date(2026, 2, 7, 5, 0, 0, 0, time.UTC)},
		{"2026-03-08", "2026-03-08", ny, "2026-03-08", "2026-03-08", 1, "", time.Date(2026, 3, 8, 5, 0, 0, 0, time.UTC)},
		{"2026-03-02", "2026-03-01", time.UTC, "", "", 0, "from", time.Time{}},
		{"x", "", time.UTC, "", "", 0, "from", time.Time{}},
		{"", "2026-13-01", time.UTC, "", "", 0, "to", time.Time{}},
		{"2025-01-01", "2026-03-01", time.UTC, "", "", 0, "from", time.Time{}},
	}
	for _, c := range cases {
		w, err := ParseWindow(c.from, c.to, c.loc, now)
		if c.err != "" {
			if err == nil {
				t.Errorf("%q..%q: no error, want one on %s", c.from, c.to, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q..%q: %v", c.from, c.to, err)
		}
		if w.Dates[0] != c.first || w.Dates[len(w.Dates)-1] != c.last || len(w.Dates) != c.days || !w.From().Equal(c.firstStart) {
			t.Errorf("%q..%q in %s: %s..%s (%d days) from %s", c.from, c.to, c.loc, w.Dates[0], w.Dates[len(w.Dates)-1],
				len(w.Dates), w.From())
		}
	}
	// The day DST starts in New York is 23 hours long.
	w, _ := ParseWindow("2026-03-08", "2026-03-08", ny, now)
	if d := w.To().Sub(w.From()); d != 23*time.Hour {
		t.Errorf("8 March 2026 in New York lasts %s, want 23h", d)
	}
	if i := w.dayOf(time.Date(2026, 3, 9, 3, 59, 0, 0, time.UTC)); i != 0 {
		t.Errorf("23:59 local on the 8th is day %d", i)
	}
	if i := w.dayOf(time.Date(2026, 3, 9, 4, 0, 0, 0, time.UTC)); i != -1 {
		t.Errorf("00:00 local on the 9th is day %d, want outside", i)
	}
}

func TestDecideBand(t *testing.T) {
	cases := []struct {
		in   HealthInput
		band string
		rule string // a part of the rule
	}{
		{HealthInput{Sent: 100, Bounced: 10, PausedByGuard: true}, BandAtRisk, "bounce guard"},
		{HealthInput{Sent: 100, Status: "disconnected"}, BandAtRisk, "disconnected"},
		{HealthInput{Sent: 19, Bounced: 10}, BandGood, "too few"},
		{HealthInput{Sent: 100, Bounced: 4}, BandAtRisk, "bounce rate 4.0 %"},
		{HealthInput{Sent: 100, Bounced: 3}, BandWatch, "bounce rate 3.0 %"}, // 3 % is not above 3 %
		{HealthInput{Sent: 200, Bounced: 3}, BandGood, "within limits"},      // 1.5 % is not above 1.5 %
		{HealthInput{Sent: 200, Bounced: 4}, BandWatch, "bounce"},
		{HealthInput{Sent: 200, Unsubscribed: 3}, BandAtRisk, "unsubscribe"},
		{HealthInput{Sent: 200, Unsubscribed: 2}, BandWatch, "unsubscribe"},
		{HealthInput{Sent: 200, Unsubscribed: 1}, BandGood, "within limits"},
		{HealthInput{Sent: 1000, Unsubscribed: 6}, BandWatch, "unsubscribe"},
		{HealthInput{Sent: 1000, Unsubscribed: 5}, BandGood, "within limits"},
		{HealthInput{Sent: 1000, Complained: 4}, BandAtRisk, "spam complaint rate 0.4 %"},
		{HealthInput{Sent: 1000, Complained: 3}, BandWatch, "spam complaint"},
		{HealthInput{Sent: 1000, Complained: 1}, BandGood, "within limits"},
		{HealthInput{Sent: 1000, Complained: 2, Unsubscribed: 20}, BandAtRisk, "unsubscribe rate 2.0 %"},
	}
	for _, c := range cases {
		b := DecideBand(c.in)
		if b.Band != c.band || !contains(b.Rule, c.rule) {
			t.Errorf("%+v: %+v, want %s (%q)", c.in, b, c.band, c.rule)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
