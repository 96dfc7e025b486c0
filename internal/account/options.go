package account

import (
	"context"
	"runtime"
	"time"
)

// Options are the account rules' settings; zero values take the defaults.
type Options struct {
	// Now is the clock; nil means time.Now. Tests inject one.
	Now func() time.Time
	// SignupsPerIPHour bounds signups from one client network an hour
	// (LEADBITZ_SIGNUPS_PER_IP_HOUR, default 20).
	SignupsPerIPHour int
	// SignupsPerHour bounds signups from everywhere an hour
	// (LEADBITZ_SIGNUPS_PER_HOUR, default 200).
	SignupsPerHour int
	// SessionMaxAge is how long a session lives after its login, however
	// active (LEADBITZ_SESSION_MAX_AGE, default 30 days).
	SessionMaxAge time.Duration
	// HashSlots bounds the password hashes computed at once (each holds 19
	// MiB); default the number of CPUs.
	HashSlots int
	// HashWait is how long a login or signup waits for a free slot before
	// it is answered 429; default 2 s, and never longer than its request.
	HashWait time.Duration
	// OnHash, when set, is called by every password hash while it holds its
	// slot, with the number of hashes in flight (tests count through it).
	OnHash func(inFlight int)
	// SignupAllowed, when set, decides whether a first sign-in with Google
	// or Microsoft may create an account (the instance's sign-up mode); it
	// returns the problem to show when not. nil allows it (open sign-up).
	SignupAllowed func(ctx context.Context) error
}

// Defaults of Options.
const (
	DefaultSignupsPerIPHour = 20
	DefaultSignupsPerHour   = 200
	DefaultSessionMaxAge    = 30 * 24 * time.Hour
	DefaultHashWait         = 2 * time.Second
)

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SignupsPerIPHour <= 0 {
		o.SignupsPerIPHour = DefaultSignupsPerIPHour
	}
	if o.SignupsPerHour <= 0 {
		o.SignupsPerHour = DefaultSignupsPerHour
	}
	if o.SessionMaxAge <= 0 {
		o.SessionMaxAge = DefaultSessionMaxAge
	}
	if o.HashSlots <= 0 {
		o.HashSlots = runtime.NumCPU()
	}
	if o.HashWait <= 0 {
		o.HashWait = DefaultHashWait
	}
	return o
}
