// Package problem is how domain code says what went wrong in terms a user can
// act on (which field, which state, when to retry) without knowing about
// HTTP. The API maps each Kind to a status code in one place.
package problem

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Kind is the class of a problem.
type Kind int

const (
	Invalid      Kind = iota + 1 // a field's value is wrong (422)
	Malformed                    // the request cannot be read at all (400)
	Unauthorized                 // not logged in (401)
	Forbidden                    // logged in, not allowed (403)
	NotFound                     // missing, or another workspace's (404)
	Conflict                     // the current state forbids it (409)
	TooLarge                     // input over a size limit (413)
	RateLimited                  // too many requests (429)
	Unavailable                  // a dependency is down (503)
	BadGateway                   // a mail provider refused or failed a call made for the request (502)

	UnsupportedMediaType // the body is not in a format the endpoint reads (415)
	InsufficientStorage  // the server has no room to keep an upload now (507)
)

// Error is a problem reported to the user. Message is a human sentence;
// Code a stable snake_case identifier for clients.
type Error struct {
	Kind       Kind
	Code       string
	Message    string
	Fields     map[string]string // field → message, for Invalid
	Details    map[string]any    // anything else a client may use
	RetryAfter time.Duration     // for RateLimited
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// As extracts a *Error from an error chain.
func As(err error) (*Error, bool) {
	var p *Error
	ok := errors.As(err, &p)
	return p, ok
}

// Fields collects field errors while validating a request.
type Fields map[string]string

// Add records a message for a field unless it already has one.
func (f Fields) Add(field, format string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = fmt.Sprintf(format, args...)
	}
}

// Err returns nil when no field failed, else an Invalid problem.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Code: "validation_failed", Message: "Some fields are invalid.", Fields: f}
}

// InvalidField is a one-field Invalid problem.
func InvalidField(field, message string) *Error {
	return &Error{Kind: Invalid, Code: "validation_failed", Message: message, Fields: map[string]string{field: message}}
}

// New builds a problem of any kind.
func New(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}
