package connect_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/connect"
	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}

// clock is a settable time shared by what the tests run (mailfake.Clock).
type clock = mailfake.Clock

// harness is one workspace on a fresh database with a connect service
// whose Google and Microsoft apps point at fakes.
type harness struct {
	t     *testing.T
	ctx   context.Context
	st    *store.Store
	keys  *secrets.KeyRing
	clock *clock
	p     account.Principal
	gf    *gmailfake.Server
	mf    *graphfake.Server
	svc   *connect.Service
	tls   *tls.Config // trusted by the SMTP/IMAP test servers' clients
	// wait runs between a sent-copy detection's looks in Sent (none when nil).
	wait func(context.Context) error
}

const baseURL = "https://app.example.test"

func newHarness(t *testing.T) *harness {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	u, w := storetest.Workspace(t, st)
	keys, err := secrets.NewKeyRing([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, ctx: ctx, st: st, keys: keys, clock: mailfake.NewClock(time.Now().UTC()),
		p:  account.Principal{User: u, WorkspaceID: w.ID, Role: store.RoleOwner},
		gf: gmailfake.New(gmailfake.Options{}), mf: graphfake.New(graphfake.Options{})}
	t.Cleanup(h.gf.Close)
	t.Cleanup(h.mf.Close)
	h.svc = h.newService()
	return h
}

func (h *harness) newService() *connect.Service {
	svc, err := connect.New(connect.Config{Store: h.st, Keys: h.keys, BaseURL: baseURL, Env: env.New(nil, h.clock.Now),
		Google:      connect.OAuthApp{ClientID: "test-client", ClientSecret: "test-secret", AuthBaseURL: h.gf.URL, APIBaseURL: h.gf.URL},
		Microsoft:   connect.OAuthApp{ClientID: "test-client", ClientSecret: "test-secret", AuthBaseURL: h.mf.URL, APIBaseURL: h.mf.URL},
		SMTPTimeout: 5 * time.Second, Guard: netguard.AllowLoopback(),
		SentCopyWait: func(ctx context.Context) error {
			if h.wait != nil {
				return h.wait(ctx)
			}
			return nil
		}})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { svc.Close() })
	return svc
}

func (h *harness) scope() store.Scope { return h.st.InWorkspace(h.p.WorkspaceID) }

// consent plays the browser at the provider: it follows the consent URL
// and returns the callback query the provider redirects to.
func (h *harness) consent(authURL string) url.Values {
	h.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		h.t.Fatalf("consent: status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query()
}

// connectOAuth runs a whole flow for provider and returns the redirect the
// callback answered.
func (h *harness) connectOAuth(provider string, in connect.StartInput) string {
	h.t.Helper()
	authURL, err := h.svc.StartOAuth(h.ctx, h.p, provider, in)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.svc.FinishOAuth(h.ctx, provider, h.consent(authURL), h.p.User.ID, account.Meta{})
}

// redirectQuery checks a callback redirect goes to the mailboxes page and
// returns its query.
func (h *harness) redirectQuery(to string) url.Values {
	h.t.Helper()
	rest, ok := strings.CutPrefix(to, baseURL+"/mailboxes?")
	if !ok {
		h.t.Fatalf("redirect %q is not to the mailboxes page", to)
	}
	q, err := url.ParseQuery(rest)
	if err != nil {
		h.t.Fatal(err)
	}
	return q
}

func (h *harness) audits(action string) []store.AuditEvent {
	h.t.Helper()
	list, err := h.scope().AuditEvents(h.ctx, "", 200)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []store.AuditEvent
	for _, e := range list {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

func (h *harness) mailbox(id string) store.Mailbox {
	h.t.Helper()
	i, err := h.scope().Mailbox(h.ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return i
}
