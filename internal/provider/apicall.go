package provider

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"golang.org/x/oauth2"
)

// StatusError is the HTTP status of a classified API failure, kept as the
// cause of an *Error so that callers can react to one status (401: refresh
// the token; 404: an expired history id, a deleted thread).
type StatusError struct{ Status int }

func (e *StatusError) Error() string { return "HTTP " + strconv.Itoa(e.Status) }

// HTTPStatus returns the HTTP status carried by err, 0 when it has none.
func HTTPStatus(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}

// CallAPI runs call, one request to a provider's REST API, with an access
// token from ts, under b's retries. A 401 answer is tried once more with a
// refreshed token, since an access token can die before its expiry.
// Throttled requests are retried; other transient failures only when the
// request is idempotent, since one that failed that way may still have gone
// through (a send).
func CallAPI(ctx context.Context, b Backoff, ts *TokenSource, idempotent bool, call func(tok *oauth2.Token) error) error {
	retryable := func(err error) bool {
		k := Kind(err)
		return k == RateLimited || (idempotent && k == Transient && !IsContextError(err))
	}
	return b.Retry(ctx, retryable, func() error {
		tok, err := ts.Token(ctx)
		if err != nil {
			return err
		}
		err = call(tok)
		if HTTPStatus(err) != http.StatusUnauthorized {
			return err
		}
		if tok, err = ts.Refresh(ctx, tok.AccessToken); err != nil {
			return err
		}
		return call(tok)
	})
}
