// Package mailfake holds what the in-memory mail API fakes (gmailfake,
// graphfake) share besides their authorization server (oauthfake): their
// users by address, the count of calls per API endpoint with the failures
// queued for them, header surgery on the raw messages they store, and a
// clock and a message builder for the tests that drive a fake and a client
// together.
package mailfake

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Endpoints counts the calls each API endpoint received and holds the
// failures queued for them, F being the fake's own failure type. The zero
// value is ready; the fake's lock guards it.
type Endpoints[F any] struct {
	calls  map[string]int
	faults []queued[F] // consumed in the order they were queued
}

type queued[F any] struct {
	endpoint string // "" = any endpoint
	fault    F
}

// Call counts a call to endpoint and takes the first queued failure that
// applies to it, if any: the call is then to fail with it.
func (e *Endpoints[F]) Call(endpoint string) (F, bool) {
	if e.calls == nil {
		e.calls = map[string]int{}
	}
	e.calls[endpoint]++
	for i, q := range e.faults {
		if q.endpoint == "" || q.endpoint == endpoint {
			e.faults = append(e.faults[:i], e.faults[i+1:]...)
			return q.fault, true
		}
	}
	var none F
	return none, false
}

// Calls returns how many calls endpoint received, failed ones included.
func (e *Endpoints[F]) Calls(endpoint string) int { return e.calls[endpoint] }

// FailNext queues f for the next n calls to endpoint ("" = any endpoint),
// after the failures already queued.
func (e *Endpoints[F]) FailNext(n int, endpoint string, f F) {
	for range n {
		e.faults = append(e.faults, queued[F]{endpoint: endpoint, fault: f})
	}
}

// SetRetryAfter sets the Retry-After header to d in whole seconds, when d is
// positive.
func SetRetryAfter(h http.Header, d time.Duration) {
	if d > 0 {
		h.Set("Retry-After", strconv.Itoa(int(d/time.Second)))
	}
}

// Mailboxes are a fake's users by address: found ignoring case, each keeping
// the address it was first added with.
type Mailboxes[U any] map[string]*U

// Get returns email's user, nil when there is none.
func (m Mailboxes[U]) Get(email string) *U { return m[strings.ToLower(email)] }

// Add returns email's user, made by create when there is none yet.
func (m Mailboxes[U]) Add(email string, create func() *U) *U {
	key := strings.ToLower(email)
	u := m[key]
	if u == nil {
		u = create()
		m[key] = u
	}
	return u
}
