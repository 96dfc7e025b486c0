package gmail_test

import (
	"context"
	"net/url"
	"testing"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/gmail"
	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
	"github.com/leadbitz/leadbitz/internal/provider/oauthfake"
)

// consent opens the consent URL as the browser would and returns the
// callback query the fake redirected to.
func consent(t *testing.T, authURL string) url.Values {
	t.Helper()
	loc := oauthfake.Authorize(t, authURL)
	if loc.Host != "app" || loc.Path != "/callback" {
		t.Errorf("redirected to %s", loc)
	}
	return loc.Query()
}

func TestOAuthFlow(t *testing.T) {
	fake := gmailfake.New(gmailfake.Options{})
	defer fake.Close()
	fake.AddUser(me)
	cfg := gmail.OAuthConfig(fake.URL, "test-client", "test-secret", "http://app/callback")
	verifier := oauth2.GenerateVerifier()
	authURL := gmail.AuthCodeURL(cfg, "state-123", verifier, me)

	u, _ := url.Parse(authURL)
	q := u.Query()
	for k, want := range map[string]string{"access_type": "offline", "prompt": "consent", "code_challenge_method": "S256",
		"code_challenge": oauth2.S256ChallengeFromVerifier(verifier), "login_hint": me, "response_type": "code",
		"scope": gmail.ScopeSend + " " + gmail.ScopeReadonly, "state": "state-123"} {
		if q.Get(k) != want {
			t.Errorf("auth URL %s = %q, want %q", k, q.Get(k), want)
		}
	}
	if u.Path != "/o/oauth2/v2/auth" {
		t.Errorf("auth URL path = %s", u.Path)
	}

	cb := consent(t, authURL)
	if cb.Get("state") != "state-123" || cb.Get("code") == "" {
		t.Fatalf("callback = %v", cb)
	}
	ctx := context.Background()
	tok, err := gmail.Exchange(ctx, cfg, cb.Get("code"), verifier)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Expiry.IsZero() {
		t.Errorf("token = %+v", tok)
	}
	c, err := gmail.New(gmail.Config{BaseURL: fake.URL, OAuth: cfg, Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Profile(ctx)
	if err != nil || p.EmailAddress != me {
		t.Errorf("profile = %+v, %v", p, err)
	}
	// A code is single use.
	if _, err := gmail.Exchange(ctx, cfg, cb.Get("code"), verifier); provider.Kind(err) != provider.Auth {
		t.Errorf("second exchange = %v, want Auth", err)
	}
}

func TestOAuthFailures(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(*gmailfake.Server)
		verifier func(v string) string
		code     string // expected provider error code from Exchange
	}{
		{"wrong PKCE verifier", nil, func(string) string { return oauth2.GenerateVerifier() }, "invalid_grant"},
		{"scope unticked", func(s *gmailfake.Server) { s.GrantOnly(gmail.ScopeSend) }, nil, "scope_not_granted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := gmailfake.New(gmailfake.Options{})
			defer fake.Close()
			fake.AddUser(me)
			if tt.setup != nil {
				tt.setup(fake)
			}
			cfg := gmail.OAuthConfig(fake.URL, "test-client", "test-secret", "http://app/callback")
			v := oauth2.GenerateVerifier()
			cb := consent(t, gmail.AuthCodeURL(cfg, "s", v, me))
			if tt.verifier != nil {
				v = tt.verifier(v)
			}
			_, err := gmail.Exchange(context.Background(), cfg, cb.Get("code"), v)
			if pe := wantKind(t, err, provider.Auth); pe.Code != tt.code {
				t.Errorf("code = %q, want %q", pe.Code, tt.code)
			}
		})
	}
}

func TestOAuthConsentDenied(t *testing.T) {
	fake := gmailfake.New(gmailfake.Options{})
	defer fake.Close()
	fake.AddUser(me)
	fake.DenyConsent(true)
	cfg := gmail.OAuthConfig(fake.URL, "test-client", "test-secret", "http://app/callback")
	cb := consent(t, gmail.AuthCodeURL(cfg, "s", oauth2.GenerateVerifier(), me))
	if cb.Get("error") != "access_denied" || cb.Get("code") != "" || cb.Get("state") != "s" {
		t.Errorf("callback = %v", cb)
	}
}

// With GOOGLE_OAUTH_BASE_URL unset, consent goes to Google's consent page and
// the code is exchanged at its token endpoint: two different hosts, which one
// base URL cannot name.
func TestOAuthConfigDefaultsToGoogle(t *testing.T) {
	c, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ep := gmail.OAuthConfig(c.GoogleOAuthBaseURL, "id", "secret", "https://app.example/callback").Endpoint
	if ep.AuthURL != "https://accounts.google.com/o/oauth2/v2/auth" || ep.TokenURL != "https://oauth2.googleapis.com/token" {
		t.Errorf("default endpoints: auth %s, token %s", ep.AuthURL, ep.TokenURL)
	}
}
