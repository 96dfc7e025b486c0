// Package ratelimit counts attempts per key so that login and the AI
// endpoints can refuse bursts with 429 and a Retry-After.
//
// Both implementations enforce the same sliding-window-log rule: with
// Limit{Count: n, Per: d}, at most n requests for one key are allowed in any
// interval of length d. A request allowed at time t stops counting at t+d
// exactly. Denied requests are not recorded, so hammering a locked key does
// not extend its lockout. Memory holds up to Count timestamps per active
// key, which suits the small limits this package is for (attempts per
// minutes), not high-volume API quotas.
//
// Memory keeps counters in the process: the default, right for a single
// replica. Redis keeps them in Redis so that several replicas share one
// budget per key. FromURL picks between them from REDIS_URL.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Limiter decides whether one more request for key fits within limit.
// Implementations are safe for concurrent use.
type Limiter interface {
	// Allow records the request if it fits and reports the outcome. Callers
	// choose the key, including a namespace for what is limited, for example
	// "login:ip:203.0.113.7" or "ai:workspace:0190…".
	Allow(ctx context.Context, key string, limit Limit) (Result, error)
	// Reset forgets every request recorded for key, for example after a
	// successful login so earlier typos do not count against the user.
	Reset(ctx context.Context, key string) error
	// Close releases what the limiter owns (a Redis connection pool opened
	// by FromURL). It does not close a client passed to NewRedis.
	Close() error
}

// Limit allows Count requests in any window of length Per.
type Limit struct {
	Count int
	Per   time.Duration
}

// Result is the outcome of one Allow call.
type Result struct {
	// Allowed reports whether the request fits and was recorded.
	Allowed bool
	// Remaining is how many more requests fit right now; 0 when denied.
	Remaining int
	// RetryAfter is, when denied, how long until one request fits again:
	// greater than zero and at most Limit.Per. It is zero when allowed.
	// HTTP handlers round it up to whole seconds for Retry-After.
	RetryAfter time.Duration
}

// MinPer is the shortest window accepted: Redis expires keys in milliseconds.
const MinPer = time.Millisecond

// ErrInvalidLimit is returned by Allow for a Count below 1 or a Per below
// MinPer: a programming error, reported rather than silently allowing all.
var ErrInvalidLimit = errors.New("ratelimit: invalid limit")

func (l Limit) validate() error {
	if l.Count < 1 || l.Per < MinPer {
		return fmt.Errorf("%w: %d per %v (need at least 1 per %v)", ErrInvalidLimit, l.Count, l.Per, MinPer)
	}
	return nil
}

// clampRetry keeps RetryAfter within the documented (0, Per] even if a clock
// stepped backwards between two calls.
func clampRetry(d, per time.Duration) time.Duration {
	return min(max(d, time.Microsecond), per)
}
