// Package env is what every service of Leadbitz is built with: the clock it
// reads and the logger it writes to, passed as one value to each constructor
// so that tests move time instead of sleeping and every log line of a request
// or a job can be traced. (The environment variables are internal/config.)
package env

import (
	"log/slog"
	"time"
)

// Env is the clock and the logger of a service. Build one with New; the
// app builds one for the whole process and tests build their own.
type Env struct {
	now func() time.Time
	log *slog.Logger
}

// New returns an Env reading now and writing to log. A nil now is the wall
// clock; a nil log discards.
func New(log *slog.Logger, now func() time.Time) Env {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return Env{now: now, log: log}
}

// Now is the current time in UTC, at the microsecond precision both
// databases keep, so a time read back equals the time written.
func (e Env) Now() time.Time {
	if e.now == nil {
		panic("env: an Env must be built with env.New")
	}
	return e.now().UTC().Truncate(time.Microsecond)
}

// Clock is the clock itself, for code that takes a func() time.Time.
func (e Env) Clock() func() time.Time { return e.Now }

// Log is the logger.
func (e Env) Log() *slog.Logger {
	if e.log == nil {
		panic("env: an Env must be built with env.New")
	}
	return e.log
}

// WithLog returns a copy of e writing to log.
func (e Env) WithLog(log *slog.Logger) Env { e.log = log; return e }

// WithClock returns a copy of e reading now.
func (e Env) WithClock(now func() time.Time) Env { e.now = now; return e }
