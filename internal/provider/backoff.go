package provider

import (
	"cmp"
	"context"
	"math/rand/v2"
	"time"
)

// Backoff retries a call inside one provider operation, so a short throttle
// or a blip does not cost a whole engine round trip. Waits the provider asks
// for (RetryAfter) that are longer than MaxWait are not slept: the error goes
// back to the caller, which reschedules the work.
type Backoff struct {
	Attempts int           // tries in total; default 3
	Base     time.Duration // wait before the 2nd try, doubled after each failure; default 500ms
	Max      time.Duration // longest computed wait; default 8s
	MaxWait  time.Duration // longest provider-requested wait slept in-call; default 30s
	// Sleep waits d or until ctx ends; tests stub it. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Retry calls f until it succeeds, returns an error that retryable rejects,
// or attempts run out; it returns f's last error.
func (b Backoff) Retry(ctx context.Context, retryable func(error) bool, f func() error) error {
	attempts := cmp.Or(b.Attempts, 3)
	for i := 0; ; i++ {
		err := f()
		if err == nil || i+1 >= attempts || !retryable(err) {
			return err
		}
		wait := b.delay(i, RetryAfter(err))
		if wait < 0 {
			return err
		}
		if serr := b.Wait(ctx, wait); serr != nil {
			return err
		}
	}
}

// delay returns the wait after failed try i (0-based), or -1 when the
// provider asked for longer than MaxWait.
func (b Backoff) delay(i int, requested time.Duration) time.Duration {
	if requested > 0 {
		if requested > cmp.Or(b.MaxWait, 30*time.Second) {
			return -1
		}
		return requested
	}
	d := cmp.Or(b.Base, 500*time.Millisecond) << i
	if maxd := cmp.Or(b.Max, 8*time.Second); d > maxd || d <= 0 {
		d = maxd
	}
	// Equal jitter: half fixed, half random, so concurrent callers spread out.
	return d/2 + rand.N(d/2+1)
}

// Wait waits d or until ctx ends, through Sleep when it is set, so that a
// client's other waits (Graph's read-back of Sent Items) are stubbed with
// the retries'.
func (b Backoff) Wait(ctx context.Context, d time.Duration) error {
	if b.Sleep != nil {
		return b.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
