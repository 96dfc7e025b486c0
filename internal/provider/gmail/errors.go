package gmail

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// apiError is Google's JSON error envelope.
type apiError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Errors  []struct {
			Domain  string `json:"domain"`
			Reason  string `json:"reason"`
			Message string `json:"message"`
		} `json:"errors"`
		Status string `json:"status"`
	} `json:"error"`
}

// Gmail's sending-limit answers say when sending may resume: "User-rate
// limit exceeded.  Retry after 2026-01-19T15:38:35.118Z" (seen in practice;
// not in the reference docs).
var retryAfterText = regexp.MustCompile(`Retry after (\d{4}-\d\d-\d\dT[0-9:.]+Z)`)

// classify maps a Gmail error response to a provider.Error (REFERENCE §1.5).
func classify(resp *http.Response, body []byte, now time.Time) error {
	var ae apiError
	_ = json.Unmarshal(body, &ae)
	reason := ""
	if len(ae.Error.Errors) > 0 {
		reason = ae.Error.Errors[0].Reason
	}
	msg := ae.Error.Message
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	e := &provider.Error{Code: strconv.Itoa(resp.StatusCode), Message: msg, Err: &provider.StatusError{Status: resp.StatusCode}}
	if reason != "" {
		e.Code += " " + reason
	}
	e.RetryAfter = provider.ParseRetryAfter(resp.Header.Get("Retry-After"), now)
	if m := retryAfterText.FindStringSubmatch(msg); m != nil && e.RetryAfter == 0 {
		if t, err := time.Parse(time.RFC3339Nano, m[1]); err == nil && t.After(now) {
			e.RetryAfter = t.Sub(now)
		}
	}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		e.Kind = provider.RateLimited
	case s == http.StatusForbidden:
		switch reason {
		case "userRateLimitExceeded", "rateLimitExceeded", "quotaExceeded":
			e.Kind = provider.RateLimited
		case "dailyLimitExceeded":
			// The project's daily quota: nothing will succeed for hours.
			e.Kind = provider.RateLimited
			e.RetryAfter = max(e.RetryAfter, time.Hour)
		default: // domainPolicy, insufficientPermissions, forbidden: a person must act
			e.Kind = provider.Auth
		}
	case s == http.StatusUnauthorized:
		e.Kind = provider.Auth
	case s == http.StatusBadRequest && reason == "failedPrecondition":
		// e.g. "Mail service not enabled": the account, not the message.
		e.Kind = provider.Auth
	case s >= 500:
		e.Kind = provider.Transient
	default: // 400, 404, 413…: this request will never succeed as it is
		e.Kind = provider.Permanent
	}
	return e
}
