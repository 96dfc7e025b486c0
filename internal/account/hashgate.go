package account

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/leadbitz/leadbitz/internal/problem"
)

// hashGate bounds the argon2id hashes computed at once. Each holds 19 MiB
// and a CPU for about 30 ms, so without a bound a flood of signups or logins
// grows memory with the flood (40 concurrent signups took 660 MB); with it,
// memory stays below slots × 19 MiB whatever arrives. A request waits a
// little for a slot, then is told to come back (429 + Retry-After).
type hashGate struct {
	slots    chan struct{}
	wait     time.Duration
	inFlight atomic.Int32
	onHash   func(inFlight int)
}

func newHashGate(o Options) *hashGate {
	return &hashGate{slots: make(chan struct{}, o.HashSlots), wait: o.HashWait, onHash: o.OnHash}
}

// ErrBusy answers a login or signup that found every hashing slot taken.
var ErrBusy = &problem.Error{Kind: problem.RateLimited, Code: "busy",
	Message: "The server is busy checking other passwords. Try again in a moment.", RetryAfter: time.Second}

// do runs f, a password hash, once a slot is free: waiting at most the
// gate's wait, and never past ctx.
func (g *hashGate) do(ctx context.Context, f func()) error {
	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return ErrBusy
	}
	defer func() { <-g.slots }()
	n := g.inFlight.Add(1)
	defer g.inFlight.Add(-1)
	if g.onHash != nil {
		g.onHash(int(n))
	}
	f()
	return nil
}

// hash is HashPassword through the gate.
func (g *hashGate) hash(ctx context.Context, password string) (hash string, err error) {
	if gerr := g.do(ctx, func() { hash, err = HashPassword(password) }); gerr != nil {
		return "", gerr
	}
	return hash, err
}

// verify is VerifyPassword through the gate.
func (g *hashGate) verify(ctx context.Context, password, encoded string) (ok bool, err error) {
	if gerr := g.do(ctx, func() { ok, err = VerifyPassword(password, encoded) }); gerr != nil {
		return false, gerr
	}
	return ok, err
}
