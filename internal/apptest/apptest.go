// Package apptest starts the real Leadbitz handler on a fresh database of the
// dialect under test (see storetest) and gives tests a small JSON client with
// its own cookie jar, so integration tests drive the API as a user would.
package apptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/dnscheck/dnsfake"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// Server is a running app behind an httptest server.
type Server struct {
	*app.App
	URL  string
	Logs *SyncBuffer // every log line the app wrote
	// settings are the configuration it started with (its database and data
	// directory), for Restart; stop ends it once.
	settings map[string]string
	opts     app.Options
	stop     func()
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Start runs the app on a new database. vars overrides configuration
// variables (CRON_SECRET…). LEADBITZ_ALLOW_PRIVATE_NETWORKS allows
// loopback, where the tests' mail servers listen; a test sets it to "" to
// see the guard refuse them. On the Postgres run the rate limiter is the real
// Redis, with a key prefix of its own.
func Start(t testing.TB, vars map[string]string) *Server {
	t.Helper()
	return StartWith(t, vars, app.Options{})
}

// StartWith is Start with app options (shorter timeouts…); a nil
// opts.Limiter gets Start's limiter.
func StartWith(t testing.TB, vars map[string]string, opts app.Options) *Server {
	t.Helper()
	return StartAt(t, vars, opts, time.Now)
}

// StartAt is StartWith on a clock of the test's (mailfake.Clock.Now): the
// app, its store and its workers read the time from now.
func StartAt(t testing.TB, vars map[string]string, opts app.Options, now func() time.Time) *Server {
	t.Helper()
	settings := map[string]string{
		"DATABASE_URL":      storetest.URL(t),
		"LEADBITZ_DATA_DIR": t.TempDir(),
		// The fake and real mail servers of the tests listen on loopback.
		"LEADBITZ_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8,::1/128",
	}
	for k, v := range vars {
		settings[k] = v
	}
	if _, ok := settings["LEADBITZ_DNS_SERVER"]; !ok {
		// Tests never ask the internet's DNS: address verification and the
		// mailbox DNS checks get a resolver that cannot answer (unknown),
		// unless the test gives its own.
		dns := dnsfake.Start(t)
		dns.FailUnknown(true)
		settings["LEADBITZ_DNS_SERVER"] = dns.Addr
	}
	if opts.Limiter == nil {
		opts.Limiter = limiter(t)
	}
	return run(t, settings, opts, now)
}

// Restart starts another instance of the app on s's database, data
// directory (so its keys) and settings, with clock now, as the process
// after a restart (or another replica) would be. Stop the first one before
// when it is a restart. The new instance has a URL of its own; clients of
// the old one do not follow.
func (s *Server) Restart(t testing.TB, now func() time.Time) *Server {
	t.Helper()
	settings := map[string]string{}
	for k, v := range s.settings {
		settings[k] = v
	}
	return run(t, settings, s.opts, now)
}

// Stop ends the instance as a crash would leave the database: its HTTP
// server closes and its store closes under whatever work is still in
// flight (that work fails to record anything). The test's cleanup skips
// what Stop already did.
func (s *Server) Stop() { s.stop() }

func run(t testing.TB, settings map[string]string, opts app.Options, now func() time.Time) *Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	settings["LEADBITZ_BASE_URL"] = "http://" + ts.Listener.Addr().String()
	cfg, err := config.FromEnv(func(k string) string { return settings[k] })
	if err != nil {
		t.Fatal(err)
	}
	logs := &SyncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.New(context.Background(), cfg, env.New(log, now), opts)
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = a.Handler
	ts.Start()
	stop := sync.OnceFunc(func() {
		ts.Close()
		a.Close()
	})
	t.Cleanup(stop)
	return &Server{App: a, URL: ts.URL, Logs: logs, settings: settings, opts: opts, stop: stop}
}

func limiter(t testing.TB) ratelimit.Limiter {
	if storetest.Dialect() != "postgres" {
		return nil // the app's default: in memory
	}
	opts, err := redis.ParseURL(storetest.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	if err := client.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v", storetest.RedisURL(), err)
	}
	return ratelimit.NewRedis(client, "leadbitz-test:"+Unique()+":")
}

// Unique returns a short random string for emails and names.
func Unique() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Client is one user agent: a cookie jar and optional default headers.
type Client struct {
	t       testing.TB
	srv     *Server
	base    string
	http    *http.Client
	Headers map[string]string
}

// WaitImport returns once the app's importer has finished the lead import
// id (or let it go), without polling; it fails the test after 30 seconds.
func (c *Client) WaitImport(id string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.srv.Imports.Wait(ctx, id); err != nil {
		c.t.Fatalf("import %s: %v", id, err)
	}
}

// Client returns a new user agent with an empty cookie jar.
func (s *Server) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, srv: s, base: s.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}, Headers: map[string]string{}}
}

// Response is a finished request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it cannot.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// ErrorCode is error.code of an error response ("" otherwise).
func (r Response) ErrorCode() string {
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// Do sends a request; body is JSON-encoded unless it is a string or []byte.
func (c *Client) Do(method, path string, body any) Response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.Headers {
		req.Header.Set(k, v)
	}
	return c.send(req)
}

// Send sends a prepared request (multipart uploads, raw bodies) with the
// client's cookies and headers.
func (c *Client) Send(req *http.Request) Response {
	c.t.Helper()
	for k, v := range c.Headers {
		if req.Header.Get(k) == "" {
			req.Header.Set(k, v)
		}
	}
	return c.send(req)
}

func (c *Client) send(req *http.Request) Response {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// URL is the server's base URL.
func (c *Client) URL() string { return c.base }

// Must sends a request and fails the test unless the status is want.
func (c *Client) Must(want int, method, path string, body any) Response {
	c.t.Helper()
	r := c.Do(method, path, body)
	if r.Status != want {
		c.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// Account is a signed-up user with their first workspace.
type Account struct {
	*Client
	UserID      string
	WorkspaceID string
	Email       string
	Password    string
}

// SignUp creates a new user (unique email) and returns a client logged in
// as them.
func (s *Server) SignUp(t testing.TB, name string) *Account {
	t.Helper()
	c := s.Client(t)
	email := strings.ToLower(name) + "-" + Unique() + "@example.com"
	password := "pw-" + Unique() + "-long"
	r := c.Must(http.StatusCreated, "POST", "/api/auth/signup", map[string]string{"email": email, "password": password, "name": name})
	var out struct {
		User      struct{ ID string } `json:"user"`
		Workspace struct{ ID string } `json:"workspace"`
	}
	r.JSON(t, &out)
	return &Account{Client: c, UserID: out.User.ID, WorkspaceID: out.Workspace.ID, Email: email, Password: password}
}

// Cookie returns the value of the named cookie the client holds for the
// server, or "".
func (c *Client) Cookie(name string) string {
	u, err := url.Parse(c.base)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// TestPostalAddress is the sender postal address AddPostalAddress saves.
const TestPostalAddress = "Acme Ltd, 1 Main Street, Springfield"

// AddPostalAddress gives the account's workspace a sender postal address,
// which a campaign needs before it can launch.
func (a *Account) AddPostalAddress() *Account {
	a.t.Helper()
	a.Must(http.StatusOK, "PATCH", "/api/workspaces/"+a.WorkspaceID, map[string]string{"postalAddress": TestPostalAddress})
	return a
}

// Invite invites email into the account's workspace with role and returns
// the token of the invitation's link (the app shows the link when it has no
// mail server, as in tests).
func (a *Account) Invite(email, role string) string {
	a.t.Helper()
	r := a.Must(http.StatusCreated, "POST", "/api/workspaces/"+a.WorkspaceID+"/invitations", map[string]string{"email": email, "role": role})
	var out struct{ URL string }
	r.JSON(a.t, &out)
	return TokenOf(a.t, out.URL)
}

// AddMember makes acc a member of the account's workspace with role: an
// invitation that acc accepts while signed in.
func (a *Account) AddMember(acc *Account, role string) {
	a.t.Helper()
	token := a.Invite(acc.Email, role)
	acc.Must(http.StatusOK, "POST", "/api/invitations/accept", map[string]string{"token": token})
}

// TokenOf is the token query parameter of a mailed or shown link.
func TokenOf(t testing.TB, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("link %q has no token", link)
	}
	return u.Query().Get("token")
}
