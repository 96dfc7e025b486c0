package account

import (
	"context"
	"runtime"
	"time"

	"github.com/leadbitz/leadbitz/internal/systemmail"
)

// Mailer sends the product's own mail; *systemmail.Mailer is one.
type Mailer interface {
	Configured() bool
	Send(ctx context.Context, msg systemmail.Message) error
}

// Options are the account rules' settings; zero values take the defaults.
type Options struct {
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

	// Signup is the sign-up mode (LEADBITZ_SIGNUP): open (default),
	// invite or closed. The first account of an instance is always allowed.
	Signup string
	// Mailer sends verification, invitation, reset and address-change
	// links; nil is a Mailer without a server, which logs the links.
	Mailer Mailer
	// BaseURL is the public URL the mailed links start with
	// (LEADBITZ_BASE_URL).
	BaseURL string
}

// Defaults of Options.
const (
	DefaultSignupsPerIPHour = 20
	DefaultSignupsPerHour   = 200
	DefaultSessionMaxAge    = 30 * 24 * time.Hour
	DefaultHashWait         = 2 * time.Second
)

func (o Options) withDefaults() Options {
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
	if o.Signup == "" {
		o.Signup = SignupOpen
	}
	return o
}
