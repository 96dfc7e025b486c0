package ratelimit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// harness is one implementation under test.
type harness struct {
	limiter Limiter
	// wait lets d pass for the limiter: Memory advances its fake clock,
	// Redis sleeps because it reads the server's clock.
	wait func(d time.Duration)
}

// testLimiter is the behaviour every Limiter must have. Each subtest gets a
// fresh harness so keys never collide between subtests or runs.
func testLimiter(t *testing.T, newHarness func(t *testing.T) harness) {
	ctx := context.Background()

	t.Run("allows exactly Count then denies", func(t *testing.T) {
		h := newHarness(t)
		limit := Limit{Count: 5, Per: time.Minute}
		for i := range limit.Count {
			res := mustAllow(t, h.limiter, "k", limit)
			want := Result{Allowed: true, Remaining: limit.Count - i - 1}
			if res != want {
				t.Fatalf("request %d: %+v, want %+v", i+1, res, want)
			}
		}
		for i := range 3 {
			res := mustAllow(t, h.limiter, "k", limit)
			if res.Allowed || res.Remaining != 0 {
				t.Fatalf("request %d over the limit: %+v, want denied", limit.Count+i+1, res)
			}
			if res.RetryAfter <= 0 || res.RetryAfter > limit.Per {
				t.Fatalf("RetryAfter = %v, want in (0, %v]", res.RetryAfter, limit.Per)
			}
		}
	})

	t.Run("recovers after RetryAfter despite denied attempts", func(t *testing.T) {
		h := newHarness(t)
		limit := Limit{Count: 3, Per: 300 * time.Millisecond}
		for range limit.Count {
			if !mustAllow(t, h.limiter, "k", limit).Allowed {
				t.Fatal("denied within the limit")
			}
		}
		var denied Result
		for range 5 { // denied attempts must not push the window out
			denied = mustAllow(t, h.limiter, "k", limit)
			if denied.Allowed {
				t.Fatal("allowed over the limit")
			}
		}
		if denied.RetryAfter <= 0 || denied.RetryAfter > limit.Per {
			t.Fatalf("RetryAfter = %v, want in (0, %v]", denied.RetryAfter, limit.Per)
		}
		h.wait(denied.RetryAfter)
		if res := mustAllow(t, h.limiter, "k", limit); !res.Allowed {
			t.Fatalf("after waiting RetryAfter (%v): %+v, want allowed", denied.RetryAfter, res)
		}
	})

	t.Run("keys are independent and Reset clears one", func(t *testing.T) {
		h := newHarness(t)
		limit := Limit{Count: 2, Per: time.Minute}
		for range limit.Count {
			mustAllow(t, h.limiter, "login:ip:a", limit)
		}
		if mustAllow(t, h.limiter, "login:ip:a", limit).Allowed {
			t.Fatal("key a allowed over its limit")
		}
		if res := mustAllow(t, h.limiter, "login:ip:b", limit); !res.Allowed || res.Remaining != 1 {
			t.Fatalf("key b after key a was exhausted: %+v, want allowed with 1 remaining", res)
		}
		if err := h.limiter.Reset(ctx, "login:ip:a"); err != nil {
			t.Fatalf("Reset: %v", err)
		}
		if res := mustAllow(t, h.limiter, "login:ip:a", limit); !res.Allowed || res.Remaining != 1 {
			t.Fatalf("key a after Reset: %+v, want allowed with 1 remaining", res)
		}
		if res := mustAllow(t, h.limiter, "login:ip:b", limit); !res.Allowed || res.Remaining != 0 {
			t.Fatalf("key b after resetting a: %+v, want its second request allowed", res)
		}
		if err := h.limiter.Reset(ctx, "never-seen"); err != nil {
			t.Fatalf("Reset of an unknown key: %v", err)
		}
	})

	t.Run("concurrent callers never exceed the limit", func(t *testing.T) {
		h := newHarness(t)
		limit := Limit{Count: 20, Per: time.Minute}
		if got := countAllowed(t, []Limiter{h.limiter}, "hot", limit, 50, 4); got != limit.Count {
			t.Fatalf("%d of 200 concurrent requests allowed, want exactly %d", got, limit.Count)
		}
	})

	t.Run("invalid limits are errors", func(t *testing.T) {
		h := newHarness(t)
		for _, l := range []Limit{{0, time.Minute}, {-1, time.Minute}, {5, 0}, {5, -time.Second}, {5, time.Microsecond}} {
			_, err := h.limiter.Allow(ctx, "k", l)
			if !errors.Is(err, ErrInvalidLimit) {
				t.Errorf("Allow with %+v: err = %v, want ErrInvalidLimit", l, err)
			}
		}
	})
}

func mustAllow(t *testing.T, l Limiter, key string, limit Limit) Result {
	t.Helper()
	res, err := l.Allow(context.Background(), key, limit)
	if err != nil {
		t.Fatalf("Allow(%q): %v", key, err)
	}
	return res
}

// countAllowed runs workers goroutines, each making perWorker requests on
// key through the limiters in turn, and returns how many were allowed.
func countAllowed(t *testing.T, limiters []Limiter, key string, limit Limit, workers, perWorker int) int {
	t.Helper()
	var allowed atomic.Int64
	errs := make(chan error, workers*perWorker)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		l := limiters[w%len(limiters)]
		wg.Go(func() {
			<-start
			for range perWorker {
				res, err := l.Allow(context.Background(), key, limit)
				if err != nil {
					errs <- err
					return
				}
				if res.Allowed {
					allowed.Add(1)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Allow: %v", err)
	}
	return int(allowed.Load())
}

// fakeClock is a settable clock safe for concurrent use.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
