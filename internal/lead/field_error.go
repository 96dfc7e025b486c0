package lead

import (
	"errors"
	"strings"
)

// FieldError says why one field's value is not acceptable. Field is the
// field's name as in API.md ("email", "custom.icebreaker") and Message a
// short human sentence without the value, so a 422 response can map
// field → message (details.fields).
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// FieldErrors is what Normalize and Validate return when one or more fields
// are invalid, in standard field order. errors.As(err, &fe) with a
// *FieldError finds the first one.
type FieldErrors []*FieldError

func (es FieldErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// Unwrap exposes each *FieldError to errors.Is and errors.As.
func (es FieldErrors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// ByField returns field → message, the shape of a 422 response's
// details.fields.
func (es FieldErrors) ByField() map[string]string {
	m := make(map[string]string, len(es))
	for _, e := range es {
		if _, ok := m[e.Field]; !ok {
			m[e.Field] = e.Message
		}
	}
	return m
}

// fieldErr builds a *FieldError.
func fieldErr(field, msg string) *FieldError { return &FieldError{Field: field, Message: msg} }

// asFieldError returns err's *FieldError, or nil.
func asFieldError(err error) *FieldError {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe
	}
	return nil
}
