// Package microsoft is a Microsoft 365 / Outlook.com mailbox over Microsoft
// Graph v1.0 with plain net/http: it sends our MIME message (so our
// Message-ID and threading headers go out unchanged), looks sent messages up
// in Sent Items by internetMessageId, and syncs the inbox with delta queries.
// Every mailbox's requests go through a semaphore of Concurrency (default 4,
// Outlook's per-mailbox limit), and Retry-After is honoured.
package microsoft

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

// DefaultGraphURL is the real Graph API, used when Config.GraphURL is empty.
const DefaultGraphURL = "https://graph.microsoft.com"

// Config configures one Microsoft mailbox.
type Config struct {
	GraphURL   string         // GRAPH_API_BASE_URL (without /v1.0); default DefaultGraphURL
	OAuth      *oauth2.Config // from OAuthConfig
	Token      *oauth2.Token
	SaveToken  provider.TokenSaver // Microsoft rotates refresh tokens: save every one
	HTTPClient *http.Client
	Backoff    provider.Backoff
	Logger     *slog.Logger
	Now        func() time.Time

	ScanWindow  time.Duration // an initial delta round covers mail received this far back; default 14 days
	PageSize    int           // Prefer: odata.maxpagesize for delta pages; default 50
	Concurrency int           // concurrent requests to this mailbox; default 4
	// MaxMessageBytes is how much of one message Fetch reads: the MIME
	// ($value) of a larger one is read only up to it (its beginning, marked
	// Truncated) and the transfer stopped. Default
	// provider.DefaultMaxMessageBytes.
	MaxMessageBytes int64
	// PageBytes bounds the message bytes of one Fetch page (see
	// provider.PageBudget). Default four times MaxMessageBytes.
	PageBytes int64
	// Sent Items is written a moment after sendMail's 202; Send looks for
	// the copy ReadbackAttempts times, waiting ReadbackDelay, then doubling.
	ReadbackAttempts int           // default 4
	ReadbackDelay    time.Duration // default 500ms
}

// Client is a Microsoft Graph mailbox. It implements provider.Mailbox and is
// safe for concurrent use.
type Client struct {
	cfg Config
	api string // .../v1.0
	ts  *provider.TokenSource
	hc  *http.Client
	log *slog.Logger
	sem chan struct{}
}

var _ provider.Mailbox = (*Client)(nil)

// New checks cfg and returns a client. It makes no request.
func New(cfg Config) (*Client, error) {
	if cfg.OAuth == nil || cfg.Token == nil {
		return nil, errors.New("microsoft: OAuth config and token are required")
	}
	cfg.GraphURL = strings.TrimRight(cmp.Or(cfg.GraphURL, DefaultGraphURL), "/")
	if u, err := url.Parse(cfg.GraphURL); err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("microsoft: invalid Graph URL %q", cfg.GraphURL)
	}
	cfg.ScanWindow = cmp.Or(cfg.ScanWindow, 14*24*time.Hour)
	cfg.PageSize = cmp.Or(cfg.PageSize, 50)
	cfg.Concurrency = cmp.Or(cfg.Concurrency, 4)
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = provider.DefaultMaxMessageBytes
	}
	if cfg.PageBytes <= 0 {
		cfg.PageBytes = 4 * cfg.MaxMessageBytes
	}
	cfg.ReadbackAttempts = cmp.Or(cfg.ReadbackAttempts, 4)
	cfg.ReadbackDelay = cmp.Or(cfg.ReadbackDelay, 500*time.Millisecond)
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
	c := &Client{cfg: cfg, api: cfg.GraphURL + "/v1.0", hc: hc, log: log, sem: make(chan struct{}, cfg.Concurrency)}
	c.ts = provider.NewTokenSource(cfg.OAuth, cfg.Token, provider.TokenSourceOptions{
		HTTPClient: hc, Save: cfg.SaveToken, Now: cfg.Now, ScopeOnRefresh: true})
	return c, nil
}

// Close releases idle connections.
func (c *Client) Close() error {
	c.hc.CloseIdleConnections()
	return nil
}

// User is the signed-in user (GET /me).
type User struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	Mail              string `json:"mail"`
	UserPrincipalName string `json:"userPrincipalName"`
}

// Address is the mailbox address: mail, or the sign-in name when a
// mailbox has none set.
func (u User) Address() string { return cmp.Or(u.Mail, u.UserPrincipalName) }

// Me returns the connected user.
func (c *Client) Me(ctx context.Context) (User, error) {
	var u User
	if err := c.get(ctx, c.api+"/me", &u); err != nil {
		return User{}, fmt.Errorf("graph me: %w", err)
	}
	return u, nil
}

// request is one Graph call.
type request struct {
	method      string
	url         string // absolute
	body        []byte
	contentType string
	idempotent  bool
	out         any // JSON target, or *boundedBody for the raw body
}

// boundedBody receives a raw answer read up to max bytes: cut reports
// that it went on (and was not read further).
type boundedBody struct {
	max  int64
	data []byte
	cut  bool
	size int64 // the answer's Content-Length, -1 when not announced
}

func (c *Client) get(ctx context.Context, u string, out any) error {
	return c.do(ctx, request{method: http.MethodGet, url: u, idempotent: true, out: out})
}

// do runs a call (provider.CallAPI: the token, one refresh after a 401,
// backoff). A non-idempotent call is retried only when it was refused (429).
func (c *Client) do(ctx context.Context, r request) error {
	return provider.CallAPI(ctx, c.cfg.Backoff, c.ts, r.idempotent, func(tok *oauth2.Token) error {
		return c.roundTrip(ctx, tok, r)
	})
}

func (c *Client) roundTrip(ctx context.Context, tok *oauth2.Token, r request) error {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-c.sem }()
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return &provider.Error{Kind: provider.Permanent, Code: "bad_request", Message: "could not build the request", Err: err}
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	req.Header.Set("Prefer", fmt.Sprintf(`IdType="ImmutableId", odata.maxpagesize=%d`, c.cfg.PageSize))
	tok.SetAuthHeader(req)
	resp, err := c.hc.Do(req)
	if err != nil {
		return &provider.Error{Kind: provider.Transient, Code: "unreachable", Message: "Microsoft Graph unreachable", Err: err}
	}
	defer resp.Body.Close()
	limit := int64(provider.MaxResponseBytes)
	bounded, isBounded := r.out.(*boundedBody)
	if isBounded {
		limit = bounded.max
	}
	data, cut, err := provider.ReadBounded(resp.Body, limit, resp.ContentLength)
	if err != nil {
		return &provider.Error{Kind: provider.Transient, Code: "read_failed", Message: "reading Graph response", Err: err}
	}
	if resp.StatusCode/100 != 2 {
		return classify(resp, data, c.cfg.Now())
	}
	if isBounded {
		bounded.data, bounded.cut, bounded.size = data, cut, resp.ContentLength
		return nil
	}
	if cut {
		return &provider.Error{Kind: provider.Permanent, Code: "response_too_large",
			Message: fmt.Sprintf("Graph answered more than %d bytes", limit)}
	}
	switch out := r.out.(type) {
	case nil:
		return nil
	default:
		if err := json.Unmarshal(data, out); err != nil {
			return &provider.Error{Kind: provider.Transient, Code: "bad_response", Message: "unreadable Graph response", Err: err}
		}
		return nil
	}
}
