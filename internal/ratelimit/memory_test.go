package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

func TestMemory(t *testing.T) {
	testLimiter(t, func(t *testing.T) harness {
		clock := newFakeClock()
		return harness{limiter: NewMemory(clock.Now), wait: clock.Advance}
	})
}

// TestMemorySlidingWindow pins the exact window edges, which only a fake
// clock can reach: a request allowed at t counts until t+Per, exclusive.
func TestMemorySlidingWindow(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now)
	limit := Limit{Count: 3, Per: 10 * time.Second}

	type step struct {
		at        time.Duration // since start
		allowed   bool
		remaining int
		retry     time.Duration
	}
	steps := []step{
		{0, true, 2, 0},
		{2 * time.Second, true, 1, 0},
		{4 * time.Second, true, 0, 0},
		{5 * time.Second, false, 0, 5 * time.Second},                   // oldest (t=0) frees at 10s
		{10*time.Second - time.Nanosecond, false, 0, time.Microsecond}, // 1ns, reported as the 1µs minimum
		{10 * time.Second, true, 0, 0},                                 // t=0 no longer counts
		{11 * time.Second, false, 0, time.Second},                      // next frees at 12s
		{12 * time.Second, true, 0, 0},
		{30 * time.Second, true, 2, 0}, // everything expired
	}
	start := clock.Now()
	for _, s := range steps {
		clock.Advance(start.Add(s.at).Sub(clock.Now()))
		got := mustAllow(t, m, "k", limit)
		want := Result{Allowed: s.allowed, Remaining: s.remaining, RetryAfter: s.retry}
		if got != want {
			t.Fatalf("at +%v: %+v, want %+v", s.at, got, want)
		}
	}
}

// TestMemoryLoweredLimit covers a key whose limit shrank (a config change)
// while it holds more hits than the new Count.
func TestMemoryLoweredLimit(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now)
	for range 5 {
		mustAllow(t, m, "k", Limit{Count: 5, Per: 10 * time.Second})
		clock.Advance(time.Second)
	}
	// Hits at 0..4s; now 5s. With Count 2, the hit at 3s must expire first.
	got := mustAllow(t, m, "k", Limit{Count: 2, Per: 10 * time.Second})
	if want := (Result{RetryAfter: 8 * time.Second}); got != want {
		t.Fatalf("%+v, want %+v", got, want)
	}
}

func TestMemoryEvictsExpiredKeys(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now)
	for i := range 1000 {
		mustAllow(t, m, fmt.Sprintf("ip:%d", i), Limit{Count: 5, Per: time.Second})
	}
	mustAllow(t, m, "long", Limit{Count: 5, Per: time.Hour})
	if n := len(m.windows); n != 1001 {
		t.Fatalf("%d keys tracked, want 1001", n)
	}

	clock.Advance(sweepEvery)
	mustAllow(t, m, "fresh", Limit{Count: 5, Per: time.Second})
	if _, ok := m.windows["ip:0"]; ok {
		t.Errorf("expired key still tracked after a sweep")
	}
	if _, ok := m.windows["long"]; !ok {
		t.Errorf("key with an hour-long window was evicted after a minute")
	}
	if n := len(m.windows); n != 2 {
		t.Errorf("%d keys tracked after the sweep, want 2 (long, fresh)", n)
	}
}
