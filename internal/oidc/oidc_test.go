package oidc_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/oidc"
	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
	"github.com/leadbitz/leadbitz/internal/provider/oauthfake"
)

// countingTransport counts the requests of the client a Provider is given,
// so a test sees that every outbound call goes through it.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// fakeIdP is one fake provider as the tests use it.
type fakeIdP struct {
	name  string
	oauth *oauthfake.Server
	calls func(string) int
	user  string
	new   func(hc *http.Client) *oidc.Provider
}

func fakes(t *testing.T) []fakeIdP {
	g := gmailfake.New(gmailfake.Options{})
	t.Cleanup(g.Close)
	g.AddUser("ann@gmail.test")
	g.SetConsentUser("ann@gmail.test")
	m := graphfake.New(graphfake.Options{})
	t.Cleanup(m.Close)
	m.AddUser("bob@contoso.test")
	m.SetConsentUser("bob@contoso.test")
	return []fakeIdP{
		{name: "google", oauth: g.OAuth(), calls: g.Calls, user: "ann@gmail.test", new: func(hc *http.Client) *oidc.Provider {
			return &oidc.Provider{DiscoveryURL: g.URL + "/.well-known/openid-configuration", Issuers: []string{g.URL},
				ClientID: "test-client", ClientSecret: "test-secret", RedirectURL: "http://app.test/auth/google/callback", HTTPClient: hc}
		}},
		{name: "microsoft", oauth: m.OAuth(), calls: m.Calls, user: "bob@contoso.test", new: func(hc *http.Client) *oidc.Provider {
			// common: the issuer is the document's {tenantid} template.
			return &oidc.Provider{DiscoveryURL: m.URL + "/common/v2.0/.well-known/openid-configuration",
				ClientID: "test-client", ClientSecret: "test-secret", RedirectURL: "http://app.test/auth/microsoft/callback", HTTPClient: hc}
		}},
	}
}

// signIn runs the browser's part of a sign-in against the fake and returns
// the ID token the code is exchanged for.
func signIn(t *testing.T, p *oidc.Provider, nonce string) (string, error) {
	t.Helper()
	ctx := context.Background()
	verifier := "verifier-0123456789-0123456789-0123456789-abc"
	u, err := p.AuthCodeURL(ctx, "the-state", nonce, verifier, url.Values{"prompt": {"select_account"}})
	if err != nil {
		t.Fatal(err)
	}
	back := oauthfake.Authorize(t, u)
	if back.Query().Get("state") != "the-state" || back.Query().Get("code") == "" {
		t.Fatalf("callback %s", back)
	}
	return p.Exchange(ctx, back.Query().Get("code"), verifier)
}

func TestSignInOnBothProviders(t *testing.T) {
	for _, f := range fakes(t) {
		t.Run(f.name, func(t *testing.T) {
			ct := &countingTransport{}
			p := f.new(&http.Client{Transport: ct})
			raw, err := signIn(t, p, "nonce-1")
			if err != nil {
				t.Fatal(err)
			}
			c, err := p.Verify(context.Background(), raw, "nonce-1")
			if err != nil {
				t.Fatal(err)
			}
			if c.Email != f.user || c.Subject == "" || c.Nonce != "nonce-1" {
				t.Fatalf("claims %+v", c)
			}
			verified := map[string]string{"google": "email_verified", "microsoft": "xms_edov"}[f.name]
			if !c.Bool(verified) {
				t.Fatalf("%s not true in %v", verified, c.Raw)
			}
			// discovery, token and keys, each through the given client
			if got := ct.n.Load(); got != 3 || f.calls("discovery") != 1 || f.calls("jwks") != 1 || f.calls("token") != 1 {
				t.Fatalf("client made %d calls; fake saw discovery %d, jwks %d, token %d", got,
					f.calls("discovery"), f.calls("jwks"), f.calls("token"))
			}
			// The document and the keys are cached.
			raw, err = signIn(t, p, "nonce-2")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Verify(context.Background(), raw, "nonce-2"); err != nil {
				t.Fatal(err)
			}
			if got := ct.n.Load(); got != 4 {
				t.Fatalf("second sign-in made %d calls in all, want 4 (one more token call)", got)
			}
		})
	}
}

// TestBadIDTokensAreRefused: every rule of Verify, on both providers.
func TestBadIDTokensAreRefused(t *testing.T) {
	hour := time.Hour
	cases := []struct {
		name       string
		tamper     func(h, c map[string]any)
		foreignKey bool
		nonce      string // the nonce Verify expects; "" = the one sent
		want       error
	}{
		{name: "bad signature", foreignKey: true, want: oidc.ErrSignature},
		{name: "wrong audience", tamper: func(_, c map[string]any) { c["aud"] = "another-client" }, want: oidc.ErrAudience},
		{name: "several audiences, azp another", tamper: func(_, c map[string]any) {
			c["aud"] = []string{"test-client", "another-client"}
			c["azp"] = "another-client"
		}, want: oidc.ErrAudience},
		{name: "wrong issuer", tamper: func(_, c map[string]any) { c["iss"] = "https://evil.example" }, want: oidc.ErrIssuer},
		{name: "another tenant's issuer", tamper: func(_, c map[string]any) {
			if c["tid"] != nil {
				c["tid"] = "11111111-2222-3333-4444-555555555555" // the issuer still names the fake's tenant
			} else {
				c["iss"] = c["iss"].(string) + "/"
			}
		}, want: oidc.ErrIssuer},
		{name: "expired", tamper: func(_, c map[string]any) {
			c["exp"] = time.Now().Add(-hour).Unix()
			c["iat"] = time.Now().Add(-2 * hour).Unix()
		}, want: oidc.ErrExpired},
		{name: "issued in the future", tamper: func(_, c map[string]any) { c["iat"] = time.Now().Add(hour).Unix() }, want: oidc.ErrNotYetValid},
		{name: "wrong nonce", nonce: "another-nonce", want: oidc.ErrNonce},
		{name: "no nonce", tamper: func(_, c map[string]any) { delete(c, "nonce") }, want: oidc.ErrNonce},
		{name: "alg none", tamper: func(h, _ map[string]any) { h["alg"] = "none" }, want: oidc.ErrAlgorithm},
		{name: "alg HS256", tamper: func(h, _ map[string]any) { h["alg"] = "HS256" }, want: oidc.ErrAlgorithm},
		{name: "unknown key id", tamper: func(h, _ map[string]any) { h["kid"] = "rotated-away" }, want: oidc.ErrUnknownKey},
	}
	for _, f := range fakes(t) {
		p := f.new(nil)
		for _, tc := range cases {
			t.Run(f.name+"/"+tc.name, func(t *testing.T) {
				f.oauth.TamperIDTokens(tc.tamper)
				if tc.foreignKey {
					f.oauth.SignIDTokensWith(oauthfake.ForeignKey())
				}
				defer f.oauth.TamperIDTokens(nil)
				defer f.oauth.SignIDTokensWith(nil)
				raw, err := signIn(t, p, "the-nonce")
				if err != nil {
					t.Fatal(err)
				}
				nonce := tc.nonce
				if nonce == "" {
					nonce = "the-nonce"
				}
				if _, err := p.Verify(context.Background(), raw, nonce); !errors.Is(err, tc.want) {
					t.Fatalf("Verify: %v, want %v", err, tc.want)
				}
			})
		}
		// And the same provider still accepts a good token afterwards.
		raw, err := signIn(t, p, "ok")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Verify(context.Background(), raw, "ok"); err != nil {
			t.Fatalf("%s: a good token after the bad ones: %v", f.name, err)
		}
	}
}

func TestMalformedTokens(t *testing.T) {
	p := fakes(t)[0].new(nil)
	for _, raw := range []string{"", "a.b", "a.b.c.d", "!!.e30.sig", "eyJhbGciOiJSUzI1NiJ9.e30.!!"} {
		if _, err := p.Verify(context.Background(), raw, "n"); err == nil {
			t.Errorf("%q verified", raw)
		}
	}
}

func TestExchangeRefusalIsATokenError(t *testing.T) {
	p := fakes(t)[1].new(nil)
	_, err := p.Exchange(context.Background(), "not-a-code", "v")
	var te *oidc.TokenError
	if !errors.As(err, &te) || te.Code != "invalid_grant" {
		t.Fatalf("exchange of a bad code: %v", err)
	}
}

// BenchmarkVerify is the cost of checking one ID token with the keys
// cached: what each sign-in's callback spends on it.
func BenchmarkVerify(b *testing.B) {
	g := gmailfake.New(gmailfake.Options{})
	defer g.Close()
	g.AddUser("ann@gmail.test")
	g.SetConsentUser("ann@gmail.test")
	p := &oidc.Provider{DiscoveryURL: g.URL + "/.well-known/openid-configuration", Issuers: []string{g.URL},
		ClientID: "test-client", ClientSecret: "test-secret", RedirectURL: "http://app.test/cb"}
	ctx := context.Background()
	u, err := p.AuthCodeURL(ctx, "s", "n", "verifier-0123456789-0123456789-0123456789-abc", nil)
	if err != nil {
		b.Fatal(err)
	}
	back := oauthfake.Authorize(b, u)
	raw, err := p.Exchange(ctx, back.Query().Get("code"), "verifier-0123456789-0123456789-0123456789-abc")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := p.Verify(ctx, raw, "n"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Verify(ctx, raw, "n"); err != nil {
			b.Fatal(err)
		}
	}
}
