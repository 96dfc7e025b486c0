package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// tokenResponse is RFC 6749 §5.1 plus the error fields of §5.2 and
// Microsoft's error_codes.
type tokenResponse struct {
	AccessToken  string      `json:"access_token"`
	TokenType    string      `json:"token_type"`
	RefreshToken string      `json:"refresh_token"`
	ExpiresIn    json.Number `json:"expires_in"`
	Scope        string      `json:"scope"`

	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
}

// requestToken posts form to the token endpoint with the client credentials
// in the body (both Google and Microsoft accept that) and classifies the
// answer. Token values never appear in returned errors.
func requestToken(ctx context.Context, hc *http.Client, cfg *oauth2.Config, form url.Values, now func() time.Time) (*oauth2.Token, error) {
	form.Set("client_id", cfg.ClientID)
	if cfg.ClientSecret != "" {
		form.Set("client_secret", cfg.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.Endpoint.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &Error{Kind: Permanent, Code: "bad_token_url", Message: "invalid token endpoint", Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, &Error{Kind: Transient, Code: "token_endpoint_unreachable", Message: "token endpoint unreachable", Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, &Error{Kind: Transient, Code: "token_endpoint_read", Message: "reading token response", Err: err}
	}
	var tr tokenResponse
	jerr := json.Unmarshal(body, &tr)
	if resp.StatusCode == http.StatusOK && jerr == nil && tr.AccessToken != "" {
		tok := &oauth2.Token{AccessToken: tr.AccessToken, TokenType: tr.TokenType, RefreshToken: tr.RefreshToken}
		if secs, err := strconv.ParseInt(tr.ExpiresIn.String(), 10, 64); err == nil && secs > 0 {
			tok.Expiry = now().Add(time.Duration(secs) * time.Second)
		}
		return tok.WithExtra(map[string]any{"scope": tr.Scope}), nil
	}
	return nil, tokenError(resp, tr)
}

// tokenError classifies a failed token request. Every refusal of the grant
// or the client (4xx) needs a person, so it is Auth: the inbox is held, not
// its messages failed.
func tokenError(resp *http.Response, tr tokenResponse) error {
	msg := firstLine(tr.ErrorDescription)
	if msg == "" {
		msg = fmt.Sprintf("token endpoint answered HTTP %d", resp.StatusCode)
	}
	code := tr.Error
	if code == "" {
		code = "http_" + strconv.Itoa(resp.StatusCode)
	}
	e := &Error{Code: code, Message: msg}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Kind, e.RetryAfter = RateLimited, ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	case resp.StatusCode >= 500:
		e.Kind = Transient
	default:
		e.Kind = Auth
	}
	return e
}

// ParseRetryAfter reads an HTTP Retry-After value: delay-seconds or an
// HTTP-date. It returns 0 when the header is absent or malformed.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}
