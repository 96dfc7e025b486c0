package field

import (
	"errors"
	"strings"
)

// Error says why one field's value is not acceptable. Field is the
// field's name as in the API ("email", "custom.icebreaker") and Message a
// short human sentence without the value, so a 422 response can map
// field → message (details.fields).
type Error struct {
	Field   string
	Message string
}

func (e *Error) Error() string { return e.Field + ": " + e.Message }

// Errors is what Normalize and Validate return when one or more fields
// are invalid, in standard field order. errors.As(err, &fe) with a
// *Error finds the first one.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// Unwrap exposes each *Error to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// ByField returns field → message, the shape of a 422 response's
// details.fields.
func (es Errors) ByField() map[string]string {
	m := make(map[string]string, len(es))
	for _, e := range es {
		if _, ok := m[e.Field]; !ok {
			m[e.Field] = e.Message
		}
	}
	return m
}

// fieldErr builds a *Error.
func fieldErr(field, msg string) *Error { return &Error{Field: field, Message: msg} }

// asFieldError returns err's *Error, or nil.
func asFieldError(err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	return nil
}
