package ratelimit

import (
	"context"
	"sync"
	"time"
)

// sweepEvery is how often, in clock time, Memory drops keys whose window has
// passed, so that memory stays bounded by the keys active recently rather
// than every key ever seen (one per client IP, for instance).
const sweepEvery = time.Minute

// Memory is an in-process Limiter. One mutex guards all keys: each call does
// a few slice operations, far below the cost of the requests it limits.
type Memory struct {
	now func() time.Time

	mu        sync.Mutex
	windows   map[string]*window
	lastSweep time.Time
}

// window is the log of allowed requests for one key, oldest first.
type window struct {
	hits []time.Time
	per  time.Duration // of the most recent call, used to expire the key
}

// NewMemory returns an in-process limiter reading time from clock, which
// tests replace; nil means time.Now.
func NewMemory(clock func() time.Time) *Memory {
	if clock == nil {
		clock = time.Now
	}
	return &Memory{now: clock, windows: make(map[string]*window), lastSweep: clock()}
}

// Allow implements Limiter.
func (m *Memory) Allow(_ context.Context, key string, limit Limit) (Result, error) {
	if err := limit.validate(); err != nil {
		return Result{}, err
	}
	now := m.now()

	m.mu.Lock()
	defer m.mu.Unlock()
	if now.Sub(m.lastSweep) >= sweepEvery {
		m.sweep(now)
	}
	w := m.windows[key]
	if w == nil {
		w = &window{}
		m.windows[key] = w
	}
	w.per = limit.Per
	w.expire(now)
	if n := len(w.hits); n < limit.Count {
		w.hits = append(w.hits, now)
		return Result{Allowed: true, Remaining: limit.Count - n - 1}, nil
	}
	// The request fits again once enough hits expire to leave Count-1.
	pivot := w.hits[len(w.hits)-limit.Count]
	return Result{RetryAfter: clampRetry(pivot.Add(limit.Per).Sub(now), limit.Per)}, nil
}

// Reset implements Limiter.
func (m *Memory) Reset(_ context.Context, key string) error {
	m.mu.Lock()
	delete(m.windows, key)
	m.mu.Unlock()
	return nil
}

// Close implements Limiter; Memory holds nothing to release.
func (m *Memory) Close() error { return nil }

// expire drops hits that no longer count: a hit at t counts while now-t < per.
func (w *window) expire(now time.Time) {
	i := 0
	for i < len(w.hits) && now.Sub(w.hits[i]) >= w.per {
		i++
	}
	if i > 0 {
		// Shift in place to reuse the backing array instead of reallocating.
		w.hits = w.hits[:copy(w.hits, w.hits[i:])]
	}
}

// sweep deletes keys whose newest hit has expired. Called with mu held.
func (m *Memory) sweep(now time.Time) {
	for key, w := range m.windows {
		if len(w.hits) == 0 || now.Sub(w.hits[len(w.hits)-1]) >= w.per {
			delete(m.windows, key)
		}
	}
	m.lastSweep = now
}
