package microsoft

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
)

type graphError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// classify maps a Graph error response to a provider.Error (REFERENCE §2).
// Retry-After is kept on every kind: Graph sends it with 429 and often with
// 503, and the backoff honours it.
func classify(resp *http.Response, body []byte, now time.Time) error {
	var ge graphError
	_ = json.Unmarshal(body, &ge)
	msg := ge.Error.Message
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	e := &provider.Error{Code: strconv.Itoa(resp.StatusCode), Message: msg, Err: &provider.StatusError{Status: resp.StatusCode},
		RetryAfter: provider.ParseRetryAfter(resp.Header.Get("Retry-After"), now)}
	if ge.Error.Code != "" {
		e.Code += " " + ge.Error.Code
	}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		e.Kind = provider.RateLimited
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		// An expired or revoked token, a missing permission, a blocked app or
		// a mailbox that may not send: the inbox needs a person.
		e.Kind = provider.Auth
	case s == http.StatusGone:
		e.Kind = provider.CursorExpired
	case s >= 500 || s == http.StatusRequestTimeout:
		e.Kind = provider.Transient
	default: // 400, 404, 413…
		e.Kind = provider.Permanent
	}
	return e
}
