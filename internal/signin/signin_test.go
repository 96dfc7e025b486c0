package signin_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
	"github.com/leadbitz/leadbitz/internal/provider/oauthfake"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/signin"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}

type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

type harness struct {
	t        *testing.T
	ctx      context.Context
	st       *store.Store
	accounts *account.Service
	svc      *signin.Service
	gf       *gmailfake.Server
	mf       *graphfake.Server
	hc       *countingTransport
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessWith(t, account.SignupOpen)
}

// newHarnessWith is newHarness on an instance in sign-up mode mode.
func newHarnessWith(t *testing.T, mode string) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), st: storetest.New(t), hc: &countingTransport{},
		gf: gmailfake.New(gmailfake.Options{}), mf: graphfake.New(graphfake.Options{})}
	t.Cleanup(h.gf.Close)
	t.Cleanup(h.mf.Close)
	h.accounts = account.New(h.st, env.New(nil, nil), ratelimit.NewMemory(nil), account.Options{HashSlots: 2, Signup: mode})
	keys, err := secrets.NewKeyRing([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	h.svc, err = signin.New(signin.Config{Store: h.st, Env: env.New(nil, nil), Keys: keys, Accounts: h.accounts, BaseURL: "https://app.example.test",
		Google:     signin.App{ClientID: "test-client", ClientSecret: "test-secret", BaseURL: h.gf.URL},
		Microsoft:  signin.App{ClientID: "test-client", ClientSecret: "test-secret", BaseURL: h.mf.URL},
		HTTPClient: &http.Client{Transport: h.hc}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// fake is one provider's fake as the tests drive it.
func (h *harness) fake(name string) interface {
	AddUser(string)
	SetConsentUser(string)
	SetEmailVerified(string, bool)
	OAuth() *oauthfake.Server
	Calls(string) int
} {
	if name == "google" {
		return h.gf
	}
	return h.mf
}

// signIn plays the browser: start, the provider's consent as email, the
// callback with the browser's state cookie.
func (h *harness) signIn(name, email string) (signin.Result, error) {
	h.t.Helper()
	f := h.fake(name)
	f.AddUser(email)
	f.SetConsentUser(email)
	authURL, state, err := h.svc.Start(h.ctx, name, "/campaigns", account.Meta{IP: "203.0.113.9"})
	if err != nil {
		h.t.Fatal(err)
	}
	back := oauthfake.Authorize(h.t, authURL)
	if back.Path != "/auth/"+name+"/callback" {
		h.t.Fatalf("redirect URI %s", back)
	}
	return h.svc.Finish(h.ctx, name, back.Query(), state, "", account.Meta{IP: "203.0.113.9", UserAgent: "Browser/1"})
}

func code(err error) string {
	if p, ok := problem.As(err); ok {
		return p.Code
	}
	return ""
}

func (h *harness) securityKinds(userID string) string {
	h.t.Helper()
	events, err := h.st.SecurityEvents(h.ctx, userID, "", 50)
	if err != nil {
		h.t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	return strings.Join(kinds, ",")
}

func TestFirstSignInCreatesTheAccountThenSignsIn(t *testing.T) {
	for _, name := range []string{"google", "microsoft"} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			email := "new-" + name + "@example.com"
			res, err := h.signIn(name, email)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Created || res.Token == "" || res.Next != "/campaigns" || res.User.Email != email {
				t.Fatalf("first sign-in: %+v", res)
			}
			p, err := h.accounts.AuthenticateSession(h.ctx, res.Token)
			if err != nil || p.User.ID != res.User.ID || p.WorkspaceID == "" {
				t.Fatalf("session: %+v %v", p, err)
			}
			sessions, err := h.accounts.Sessions(h.ctx, p)
			if err != nil || len(sessions) != 1 || sessions[0].Method != name || !sessions[0].Current {
				t.Fatalf("sessions %+v %v", sessions, err)
			}
			// No password: the login page refuses it like a wrong one.
			if _, _, err := h.accounts.Login(h.ctx, email, "", "", account.Meta{}); !errors.Is(err, account.ErrInvalidCredentials) {
				t.Fatalf("password login of a provider account: %v", err)
			}

			again, err := h.signIn(name, email)
			if err != nil || again.Created || again.User.ID != res.User.ID {
				t.Fatalf("second sign-in: %+v %v", again, err)
			}
			if got := h.securityKinds(res.User.ID); got != "login_with:"+name+",login_failed,signup_with:"+name {
				t.Fatalf("security log %s", got)
			}
			// Every call to the provider went through the configured client:
			// discovery, authorize is the browser's, then per sign-in a token
			// call, and the keys once.
			if n, want := int(h.hc.n.Load()), 4; n != want ||
				h.fake(name).Calls("discovery") != 1 || h.fake(name).Calls("jwks") != 1 || h.fake(name).Calls("token") != 2 {
				t.Fatalf("client calls %d, want %d; fake saw discovery %d, jwks %d, token %d", n, want,
					h.fake(name).Calls("discovery"), h.fake(name).Calls("jwks"), h.fake(name).Calls("token"))
			}
		})
	}
}

func TestVerifiedAddressLinksAnExistingAccount(t *testing.T) {
	for _, name := range []string{"google", "microsoft"} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			user, _, _, err := h.accounts.Signup(h.ctx, account.SignupInput{Email: "ann@example.com", Password: "a-long-password"}, account.Meta{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := h.signIn(name, "Ann@Example.com")
			if err != nil || res.Created || res.User.ID != user.ID {
				t.Fatalf("sign-in to an existing account: %+v %v", res, err)
			}
			ids, err := h.st.UserIdentities(h.ctx, user.ID)
			if err != nil || len(ids) != 1 || ids[0].Provider != name {
				t.Fatalf("identities %+v %v", ids, err)
			}
			if got := h.securityKinds(user.ID); !strings.HasPrefix(got, "login_with:"+name+",identity_linked:"+name) {
				t.Fatalf("security log %s", got)
			}
			// Linked by subject: a later change of the address at the
			// provider still reaches the same account.
		})
	}
}

// TestRefusedSignIns: a bad signature, a wrong audience, a wrong issuer, an
// expired token, a wrong nonce and an unverified address are all refused,
// on both providers, and none signs anybody in.
func TestRefusedSignIns(t *testing.T) {
	cases := []struct {
		name       string
		tamper     func(h, c map[string]any)
		foreignKey bool
		unverified bool
		want       string
	}{
		{name: "bad signature", foreignKey: true, want: "invalid_id_token"},
		{name: "wrong audience", tamper: func(_, c map[string]any) { c["aud"] = "someone-else" }, want: "invalid_id_token"},
		{name: "wrong issuer", tamper: func(_, c map[string]any) { c["iss"] = "https://issuer.evil.test" }, want: "invalid_id_token"},
		{name: "expired", tamper: func(_, c map[string]any) {
			c["exp"] = time.Now().Add(-2 * time.Hour).Unix()
		}, want: "invalid_id_token"},
		{name: "wrong nonce", tamper: func(_, c map[string]any) { c["nonce"] = "replayed-from-another-sign-in" }, want: "invalid_id_token"},
		{name: "unverified address", unverified: true, want: "email_not_verified"},
	}
	for _, name := range []string{"google", "microsoft"} {
		h := newHarness(t)
		// One account exists with the address, one does not: neither may
		// be reached.
		existing, _, _, err := h.accounts.Signup(h.ctx, account.SignupInput{Email: "taken@example.com", Password: "a-long-password"}, account.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range cases {
			for _, email := range []string{"taken@example.com", "fresh@example.com"} {
				t.Run(name+"/"+tc.name+"/"+email, func(t *testing.T) {
					f := h.fake(name)
					f.OAuth().TamperIDTokens(tc.tamper)
					defer f.OAuth().TamperIDTokens(nil)
					if tc.foreignKey {
						f.OAuth().SignIDTokensWith(oauthfake.ForeignKey())
						defer f.OAuth().SignIDTokensWith(nil)
					}
					f.SetEmailVerified(email, !tc.unverified)
					defer f.SetEmailVerified(email, true)
					res, err := h.signIn(name, email)
					if code(err) != tc.want || res.Token != "" {
						t.Fatalf("got %+v %v, want %s", res, err, tc.want)
					}
				})
			}
		}
		if _, err := h.st.UserByEmail(h.ctx, "fresh@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s: a refused sign-in made an account: %v", name, err)
		}
		if ids, _ := h.st.UserIdentities(h.ctx, existing.ID); len(ids) != 0 {
			t.Fatalf("%s: a refused sign-in linked %+v", name, ids)
		}
	}
}

func TestStateMustBeTheBrowsersAndUsedOnce(t *testing.T) {
	h := newHarness(t)
	h.gf.AddUser("ann@example.com")
	h.gf.SetConsentUser("ann@example.com")
	authURL, state, err := h.svc.Start(h.ctx, "google", "/", account.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	back := oauthfake.Authorize(t, authURL).Query()
	// Another browser (no cookie, or its own state) cannot finish it.
	for _, browser := range []string{"", "another-browsers-state"} {
		if _, err := h.svc.Finish(h.ctx, "google", back, browser, "", account.Meta{}); code(err) != "invalid_state" {
			t.Fatalf("browser state %q: %v", browser, err)
		}
	}
	// Finished under the other provider's callback: refused, and used.
	if _, err := h.svc.Finish(h.ctx, "microsoft", back, state, "", account.Meta{}); code(err) != "invalid_state" {
		t.Fatalf("wrong provider: %v", err)
	}
	if _, err := h.svc.Finish(h.ctx, "google", back, state, "", account.Meta{}); code(err) != "invalid_state" {
		t.Fatalf("a used state: %v", err)
	}
	// A declined consent says so.
	h.gf.DenyConsent(true)
	authURL, state, _ = h.svc.Start(h.ctx, "google", "/", account.Meta{})
	back = oauthfake.Authorize(t, authURL).Query()
	if _, err := h.svc.Finish(h.ctx, "google", back, state, "", account.Meta{}); code(err) != "access_denied" {
		t.Fatalf("declined: %v", err)
	}
}

// With sign-up closed, the instance's first account still signs up (it
// is the administrator); after it, a provider sign-in creates no account but
// still signs existing ones in.
func TestClosedSignupRefusesNewAccountsOnly(t *testing.T) {
	h := newHarnessWith(t, account.SignupClosed)
	if _, err := h.signIn("google", "early@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.signIn("google", "late@example.com"); code(err) != "signup_closed" {
		t.Fatalf("new account with sign-up closed: %v", err)
	}
	if _, err := h.signIn("google", "early@example.com"); err != nil {
		t.Fatalf("existing account with sign-up closed: %v", err)
	}
}

// With sign-up closed, an address with a waiting invitation may still
// create its account by signing in with a provider (which verified the
// address), so it can accept; a revoked invitation lets it in no more.
func TestClosedSignupLetsAnInvitedAddressIn(t *testing.T) {
	h := newHarnessWith(t, account.SignupClosed)
	first, err := h.signIn("google", "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	owner, err := h.accounts.AuthenticateSession(h.ctx, first.Token)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := h.accounts.Invite(h.ctx, owner, owner.WorkspaceID, account.InvitationInput{Email: "mia@example.com", Role: store.RoleMember}, account.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.accounts.Invite(h.ctx, owner, owner.WorkspaceID, account.InvitationInput{Email: "gone@example.com", Role: store.RoleMember}, account.Meta{}); err != nil {
		t.Fatal(err)
	}
	waiting, err := h.accounts.Invitations(h.ctx, owner, owner.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range waiting {
		if w.Email == "gone@example.com" {
			if err := h.accounts.RevokeInvitation(h.ctx, owner, owner.WorkspaceID, w.ID, account.Meta{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := h.signIn("microsoft", "mia@example.com"); err != nil {
		t.Fatalf("invited address with sign-up closed: %v (invitation %s)", err, inv.ID)
	}
	if _, err := h.signIn("google", "gone@example.com"); code(err) != "signup_closed" {
		t.Fatalf("revoked invitation with sign-up closed: %v", err)
	}
	if _, err := h.signIn("google", "stranger@example.com"); code(err) != "signup_closed" {
		t.Fatalf("uninvited address with sign-up closed: %v", err)
	}
}

func TestProviderAccountSetsAFirstPassword(t *testing.T) {
	h := newHarness(t)
	res, err := h.signIn("microsoft", "bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	p, err := h.accounts.AuthenticateSession(h.ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.accounts.ChangePassword(h.ctx, p, account.ChangePasswordInput{NewPassword: "a-first-password"}, account.Meta{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.accounts.Login(h.ctx, "bob@example.com", "a-first-password", "", account.Meta{}); err != nil {
		t.Fatalf("login with the first password: %v", err)
	}
	if _, err := h.accounts.ChangePassword(h.ctx, p, account.ChangePasswordInput{NewPassword: "another-password"}, account.Meta{}); code(err) != "validation_failed" {
		t.Fatalf("second change without the current password: %v", err)
	}
}

func TestUnconfiguredProvider(t *testing.T) {
	h := newHarness(t)
	svc, err := signin.New(signin.Config{Store: h.st, Env: env.New(nil, nil), Keys: mustKeys(t), Accounts: h.accounts,
		Google: signin.App{ClientID: "id", BaseURL: h.gf.URL}})
	if err != nil {
		t.Fatal(err)
	}
	if got := svc.Providers(); len(got) != 1 || got[0].Name != "google" {
		t.Fatalf("providers %+v", got)
	}
	if _, _, err := svc.Start(h.ctx, "microsoft", "/", account.Meta{}); code(err) != "signin_not_configured" {
		t.Fatalf("start microsoft: %v", err)
	}
}

func mustKeys(t *testing.T) *secrets.KeyRing {
	k, err := secrets.NewKeyRing([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestStartsAreLimitedPerNetwork(t *testing.T) {
	h := newHarness(t)
	svc, err := signin.New(signin.Config{Store: h.st, Env: env.New(nil, nil), Keys: mustKeys(t), Accounts: h.accounts,
		Google: signin.App{ClientID: "test-client", BaseURL: h.gf.URL}, StartLimit: ratelimit.Limit{Count: 2, Per: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, _, err := svc.Start(h.ctx, "google", "/", account.Meta{IP: "2001:db8::1"}); err != nil {
			t.Fatal(err)
		}
	}
	// Another address of the same IPv6 /64 is the same client.
	if _, _, err := svc.Start(h.ctx, "google", "/", account.Meta{IP: "2001:db8::2"}); code(err) != "too_many_attempts" {
		t.Fatalf("third start: %v", err)
	}
	if _, _, err := svc.Start(h.ctx, "google", "/", account.Meta{IP: "198.51.100.7"}); err != nil {
		t.Fatalf("another network: %v", err)
	}
}
