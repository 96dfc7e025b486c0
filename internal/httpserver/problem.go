package httpserver

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// statusOf is the one mapping from a problem's kind to its HTTP status, for
// the JSON API's errors and the browser app's pages and forms alike.
var statusOf = map[problem.Kind]int{
	problem.Invalid:      http.StatusUnprocessableEntity,
	problem.Malformed:    http.StatusBadRequest,
	problem.Unauthorized: http.StatusUnauthorized,
	problem.Forbidden:    http.StatusForbidden,
	problem.NotFound:     http.StatusNotFound,
	problem.Conflict:     http.StatusConflict,
	problem.TooLarge:     http.StatusRequestEntityTooLarge,
	problem.RateLimited:  http.StatusTooManyRequests,
	problem.Unavailable:  http.StatusServiceUnavailable,
	problem.BadGateway:   http.StatusBadGateway,

	problem.UnsupportedMediaType: http.StatusUnsupportedMediaType,
	problem.InsufficientStorage:  http.StatusInsufficientStorage,
}

// Status is the HTTP status of a problem kind; 500 for a kind it does not
// know.
func Status(k problem.Kind) int {
	if s, ok := statusOf[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// AsProblem is err as the caller may see it: a problem as it is; the store's
// sentinels and a body over its limit as their problem. false means an
// internal error, logged and answered with a 500 that reveals nothing.
func AsProblem(err error) (*problem.Error, bool) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return problem.New(problem.TooLarge, "too_large", "The request body is larger than %d bytes.", tooBig.Limit), true
	case errors.Is(err, store.ErrNotFound):
		return problem.New(problem.NotFound, "not_found", "Not found."), true
	case errors.Is(err, store.ErrDuplicate):
		return problem.New(problem.Conflict, "duplicate", "It already exists."), true
	}
	return problem.As(err)
}

// SetRetryAfter tells a rate-limited caller when to try again.
func SetRetryAfter(h http.Header, p *problem.Error) {
	if p.Kind == problem.RateLimited && p.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int(math.Ceil(p.RetryAfter.Seconds()))))
	}
}
