// Package gmail is a Gmail API mailbox: it sends raw RFC 5322 messages into
// threads, finds sent messages by Message-ID and syncs the inbox with the
// history API, over plain net/http against a configurable base URL.
//
// It does not use google.golang.org/api/gmail/v1: five REST calls need
// little code, and plain requests keep the fakes, retries and error
// classification (which must see the status, the reason and the headers) in
// our hands without a generated client and its transport stack.
package gmail

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// DefaultBaseURL is the real Gmail API, used when Config.BaseURL is empty.
const DefaultBaseURL = "https://gmail.googleapis.com"

// Config configures one Gmail mailbox.
type Config struct {
	BaseURL    string         // GMAIL_API_BASE_URL; default DefaultBaseURL
	OAuth      *oauth2.Config // from OAuthConfig
	Token      *oauth2.Token  // as stored for the mailbox
	SaveToken  provider.TokenSaver
	HTTPClient *http.Client // default http.DefaultClient
	Backoff    provider.Backoff
	Logger     *slog.Logger     // for failures that do not fail the call; default discards
	Now        func() time.Time // default time.Now

	ScanWindow  time.Duration // initial and reset scans read the inbox this far back; default 14 days
	ScanLimit   int           // at most this many messages per scan; default 500
	PageSize    int           // history records per Fetch; default 100 (Gmail max 500)
	Concurrency int           // parallel messages.get per Fetch; default 4
	// MaxMessageBytes is how much of one message Fetch keeps: the raw
	// answer of a larger one is read only up to it (its beginning, marked
	// Truncated). Default provider.DefaultMaxMessageBytes.
	MaxMessageBytes int64
	// PageBytes bounds the message bytes of one Fetch page (see
	// provider.PageBudget). Default four times MaxMessageBytes.
	PageBytes int64
}

// Client is a Gmail mailbox. It implements provider.Mailbox and is safe for
// concurrent use.
type Client struct {
	cfg  Config
	base string // .../gmail/v1/users/me
	ts   *provider.TokenSource
	hc   *http.Client
	log  *slog.Logger
}

var _ provider.Mailbox = (*Client)(nil)

// New checks cfg and returns a client. It makes no request.
func New(cfg Config) (*Client, error) {
	if cfg.OAuth == nil || cfg.Token == nil {
		return nil, errors.New("gmail: OAuth config and token are required")
	}
	cfg.BaseURL = strings.TrimRight(cmp.Or(cfg.BaseURL, DefaultBaseURL), "/")
	if u, err := url.Parse(cfg.BaseURL); err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("gmail: invalid base URL %q", cfg.BaseURL)
	}
	cfg.ScanWindow = cmp.Or(cfg.ScanWindow, 14*24*time.Hour)
	cfg.ScanLimit = cmp.Or(cfg.ScanLimit, 500)
	cfg.PageSize = min(cmp.Or(cfg.PageSize, 100), 500)
	cfg.Concurrency = cmp.Or(cfg.Concurrency, 4)
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = provider.DefaultMaxMessageBytes
	}
	if cfg.PageBytes <= 0 {
		cfg.PageBytes = 4 * cfg.MaxMessageBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ts := provider.NewTokenSource(cfg.OAuth, cfg.Token, provider.TokenSourceOptions{
		HTTPClient: hc, Save: cfg.SaveToken, Now: cfg.Now})
	return &Client{cfg: cfg, base: cfg.BaseURL + "/gmail/v1/users/me", ts: ts, hc: hc, log: log}, nil
}

// Close releases idle connections.
func (c *Client) Close() error {
	c.hc.CloseIdleConnections()
	return nil
}

// Profile is users.getProfile.
type Profile struct {
	EmailAddress  string
	MessagesTotal int
	ThreadsTotal  int
	HistoryID     uint64
}

// Profile returns the connected address and the mailbox's current history id.
func (c *Client) Profile(ctx context.Context) (Profile, error) {
	var p struct {
		EmailAddress  string `json:"emailAddress"`
		MessagesTotal int    `json:"messagesTotal"`
		ThreadsTotal  int    `json:"threadsTotal"`
		HistoryID     uint64 `json:"historyId,string"`
	}
	if err := c.get(ctx, "/profile", nil, &p); err != nil {
		return Profile{}, fmt.Errorf("gmail profile: %w", err)
	}
	return Profile(p), nil
}

// boundedBody receives an answer read up to max bytes, for answers that
// carry a message: cut reports that it went on (and was not read further).
type boundedBody struct {
	max  int64
	data []byte
	cut  bool
}

// get is an idempotent GET: throttles and transient failures are retried.
func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	return c.do(ctx, http.MethodGet, path, q, nil, out, true)
}

// do runs one API call (provider.CallAPI: the token, one refresh after a
// 401, backoff). Non-idempotent calls (send) are retried only when the
// request was refused (throttled), never after a failure that may have gone
// through.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body []byte, out any, idempotent bool) error {
	return provider.CallAPI(ctx, c.cfg.Backoff, c.ts, idempotent, func(tok *oauth2.Token) error {
		return c.roundTrip(ctx, tok, method, path, q, body, out)
	})
}

func (c *Client) roundTrip(ctx context.Context, tok *oauth2.Token, method, path string, q url.Values, body []byte, out any) error {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return &provider.Error{Kind: provider.Permanent, Code: "bad_request", Message: "could not build the request", Err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	tok.SetAuthHeader(req)
	resp, err := c.hc.Do(req)
	if err != nil {
		return &provider.Error{Kind: provider.Transient, Code: "unreachable", Message: "Gmail API unreachable", Err: err}
	}
	defer resp.Body.Close()
	limit := int64(provider.MaxResponseBytes)
	bounded, isBounded := out.(*boundedBody)
	if isBounded {
		limit = bounded.max
	}
	data, cut, err := provider.ReadBounded(resp.Body, limit, resp.ContentLength)
	if err != nil {
		return &provider.Error{Kind: provider.Transient, Code: "read_failed", Message: "reading Gmail response", Err: err}
	}
	if resp.StatusCode/100 != 2 {
		return classify(resp, data, c.cfg.Now())
	}
	switch {
	case isBounded:
		bounded.data, bounded.cut = data, cut
		return nil
	case cut:
		return &provider.Error{Kind: provider.Permanent, Code: "response_too_large",
			Message: fmt.Sprintf("Gmail answered more than %d bytes", limit)}
	case out == nil:
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &provider.Error{Kind: provider.Transient, Code: "bad_response", Message: "unreadable Gmail response", Err: err}
	}
	return nil
}
