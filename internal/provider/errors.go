package provider

import (
	"errors"
	"strings"
	"time"
)

// ErrorKind tells the caller what to do with a failed provider call.
type ErrorKind int

// The kinds of provider failures. The zero ErrorKind means "no error".
const (
	// Transient failures (network, timeouts, 5xx, SMTP 4xx) go away on
	// their own: retry later with backoff.
	Transient ErrorKind = iota + 1
	// RateLimited means the provider refused the request because of a quota
	// or throttle: wait at least RetryAfter (when set), then retry.
	RateLimited
	// Auth means the inbox needs the user: the grant was revoked or expired,
	// the password is wrong, an admin blocked the app. Hold the inbox's work
	// and mark it disconnected; retrying will not help.
	Auth
	// Permanent means this message or recipient was refused for good: fail
	// the one message, keep the inbox running.
	Permanent
	// CursorExpired means a sync cursor is no longer valid. Fetch handles it
	// itself by rescanning; it reaches callers only from lower-level calls.
	CursorExpired
)

// String returns the snake_case name used in logs and metrics.
func (k ErrorKind) String() string {
	switch k {
	case 0:
		return "none"
	case Transient:
		return "transient"
	case RateLimited:
		return "rate_limited"
	case Auth:
		return "auth"
	case Permanent:
		return "permanent"
	case CursorExpired:
		return "cursor_expired"
	}
	return "unknown"
}

// Error is a classified provider failure. It never carries a token or a
// password: Message holds the provider's own answer text.
type Error struct {
	Kind       ErrorKind
	RetryAfter time.Duration // the provider's requested wait, 0 when none was given
	Code       string        // provider code: HTTP status and reason, SMTP code, OAuth error
	Message    string        // the provider's answer, for users and logs
	Err        error         // underlying cause, if any
}

// Error formats the failure for logs as "kind code: message: cause".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("provider ")
	b.WriteString(e.Kind.String())
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause so errors.Is works through an Error.
func (e *Error) Unwrap() error { return e.Err }

// Kind reports how err should be handled: the Kind of the first *Error in its
// chain, Transient for any other error (network failures, cancelled
// contexts), and 0 for nil.
func Kind(err error) ErrorKind {
	if err == nil {
		return 0
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return Transient
}

// RetryAfter returns the wait the provider asked for, or 0.
func RetryAfter(err error) time.Duration {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.RetryAfter
	}
	return 0
}

// IsAuth reports whether err means the inbox must be reconnected.
func IsAuth(err error) bool { return Kind(err) == Auth }

// IsPermanent reports whether err means this one message can never be sent.
func IsPermanent(err error) bool { return Kind(err) == Permanent }
