package microsoft_test

import (
	"errors"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
)

const (
	me   = "sender@contoso.com"
	lead = "lead@fabrikam.com"
)

type env struct {
	fake   *graphfake.Server
	client *microsoft.Client
	clock  *mailfake.Clock
	rec    *mailfake.Recorder // the tokens the client saved, the waits it asked for
}

func newEnv(t testing.TB, fakeOpts graphfake.Options, tweak ...func(*microsoft.Config)) env {
	t.Helper()
	clk := mailfake.NewClock(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))
	fakeOpts.Now = clk.Now
	fake := graphfake.New(fakeOpts)
	t.Cleanup(fake.Close)
	fake.AddUser(me)
	fake.AddUser(lead)
	rec := &mailfake.Recorder{}
	cfg := microsoft.Config{
		GraphURL:   fake.URL,
		OAuth:      microsoft.OAuthConfig(fake.URL, "", "test-client", "test-secret", "http://app/callback"),
		Token:      fake.Grant(me, microsoft.Scopes...),
		SaveToken:  rec.SaveToken,
		HTTPClient: fake.Client(),
		Now:        clk.Now,
		Backoff:    provider.Backoff{Sleep: rec.Sleep},
	}
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := microsoft.New(cfg)
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
