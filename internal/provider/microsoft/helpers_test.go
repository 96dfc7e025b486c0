package microsoft_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
)

const (
	me   = "sender@contoso.com"
	lead = "lead@fabrikam.com"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type env struct {
	fake   *graphfake.Server
	client *microsoft.Client
	clock  *clock
	mu     *sync.Mutex
	waits  *[]time.Duration
	saved  *[]*oauth2.Token
}

func (e env) sleeps() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), *e.waits...)
}

func newEnv(t testing.TB, fakeOpts graphfake.Options, tweak ...func(*microsoft.Config)) env {
	t.Helper()
	clk := &clock{now: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	fakeOpts.Now = clk.Now
	fake := graphfake.New(fakeOpts)
	t.Cleanup(fake.Close)
	fake.AddUser(me)
	fake.AddUser(lead)
	var waits []time.Duration
	var saved []*oauth2.Token
	mu := &sync.Mutex{}
	cfg := microsoft.Config{
		GraphURL: fake.URL,
		OAuth:    microsoft.OAuthConfig(fake.URL, "", "test-client", "test-secret", "http://app/callback"),
		Token:    fake.Grant(me, microsoft.Scopes...),
		SaveToken: func(_ context.Context, tok *oauth2.Token) error {
			mu.Lock()
			saved = append(saved, tok)
			mu.Unlock()
			return nil
		},
		HTTPClient: fake.Client(),
		Now:        clk.Now,
		Backoff: provider.Backoff{Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			return nil
		}},
	}
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := microsoft.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return env{fake: fake, client: c, clock: clk, mu: mu, waits: &waits, saved: &saved}
}

func rawMessage(from, to, subject, msgID, inReplyTo, body string) []byte {
	s := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: %s\r\nDate: Mon, 04 May 2026 10:00:00 +0000\r\n", from, to, subject, msgID)
	if inReplyTo != "" {
		s += "In-Reply-To: " + inReplyTo + "\r\nReferences: " + inReplyTo + "\r\n"
	}
	s += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
	return []byte(s)
}

func outgoing(subject, msgID, threadID, inReplyTo string) provider.OutgoingMessage {
	return provider.OutgoingMessage{From: me, To: lead, MessageID: msgID, ThreadID: threadID, InReplyTo: inReplyTo,
		Raw: rawMessage(me, lead, subject, msgID, inReplyTo, "Hello there")}
}

func wantKind(t *testing.T, err error, kind provider.ErrorKind) *provider.Error {
	t.Helper()
	var e *provider.Error
	if !errors.As(err, &e) || e.Kind != kind {
		t.Fatalf("error = %v (kind %v), want kind %v", err, provider.Kind(err), kind)
	}
	return e
}
