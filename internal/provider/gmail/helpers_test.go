package gmail_test

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/gmail"
	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

const (
	me   = "sender@example.com"
	lead = "lead@example.org"
)

type env struct {
	fake   *gmailfake.Server
	client *gmail.Client
	clock  *mailfake.Clock
	rec    *mailfake.Recorder // the tokens the client saved, the backoff waits it asked for
}

// newEnv starts a fake with two users and a client for "me".
func newEnv(t testing.TB, tweak ...func(*gmail.Config)) env {
	t.Helper()
	clk := mailfake.NewClock(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))
	fake := gmailfake.New(gmailfake.Options{Now: clk.Now})
	t.Cleanup(fake.Close)
	fake.AddUser(me)
	fake.AddUser(lead)
	rec := &mailfake.Recorder{}
	cfg := gmail.Config{
		BaseURL:    fake.URL,
		OAuth:      gmail.OAuthConfig(fake.URL, "test-client", "test-secret", "http://app/callback"),
		Token:      fake.Grant(me, gmail.Scopes...),
		SaveToken:  rec.SaveToken,
		HTTPClient: fake.Client(),
		Now:        clk.Now,
		Backoff:    provider.Backoff{Sleep: rec.Sleep},
	}
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := gmail.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return env{fake: fake, client: c, clock: clk, rec: rec}
}

func outgoing(subject, msgID, threadID, inReplyTo string) provider.OutgoingMessage {
	return provider.OutgoingMessage{From: me, To: lead, MessageID: msgID, ThreadID: threadID, InReplyTo: inReplyTo,
		Raw: mailfake.RawMessage(me, lead, subject, msgID, inReplyTo, "Hello there")}
}

func wantKind(t *testing.T, err error, kind provider.ErrorKind) *provider.Error {
	t.Helper()
	var e *provider.Error
	if !errors.As(err, &e) || e.Kind != kind {
		t.Fatalf("error = %v (kind %v), want kind %v", err, provider.Kind(err), kind)
	}
	return e
}

func newClientWithToken(t *testing.T, e env, tok *oauth2.Token) *gmail.Client {
	t.Helper()
	c, err := gmail.New(gmail.Config{BaseURL: e.fake.URL, OAuth: gmail.OAuthConfig(e.fake.URL, "test-client", "test-secret", ""),
		Token: tok, HTTPClient: e.fake.Client(), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
