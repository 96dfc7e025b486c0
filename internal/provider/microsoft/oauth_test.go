package microsoft_test

import (
	"context"
	"net/url"
	"testing"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
	"github.com/leadbitz/leadbitz/internal/provider/oauthfake"
)

func TestOAuthFlow(t *testing.T) {
	fake := graphfake.New(graphfake.Options{})
	defer fake.Close()
	fake.AddUser(me)
	cfg := microsoft.OAuthConfig(fake.URL, "", "test-client", "test-secret", "http://app/callback")
	v := oauth2.GenerateVerifier()
	authURL := microsoft.AuthCodeURL(cfg, "st", v, me)
	u, _ := url.Parse(authURL)
	if u.Path != "/common/oauth2/v2.0/authorize" {
		t.Errorf("authorize path = %s", u.Path)
	}
	q := u.Query()
	for k, want := range map[string]string{"response_type": "code", "response_mode": "query", "code_challenge_method": "S256",
		"code_challenge": oauth2.S256ChallengeFromVerifier(v), "scope": "offline_access User.Read Mail.Send Mail.Read", "state": "st"} {
		if q.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, q.Get(k), want)
		}
	}
	cb := oauthfake.Authorize(t, authURL).Query()
	if cb.Get("state") != "st" || cb.Get("code") == "" {
		t.Fatalf("callback = %v", cb)
	}
	tok, err := microsoft.Exchange(context.Background(), cfg, cb.Get("code"), v)
	if err != nil {
		t.Fatal(err)
	}
	c, err := microsoft.New(microsoft.Config{GraphURL: fake.URL, OAuth: cfg, Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	if user, err := c.Me(context.Background()); err != nil || user.Address() != me {
		t.Errorf("Me = %+v, %v", user, err)
	}
}

func TestOAuthFailures(t *testing.T) {
	tests := []struct {
		name    string
		scopes  []string
		badPKCE bool
		code    string
	}{
		{"without offline_access there is no refresh token", []string{"User.Read", "Mail.Send", "Mail.Read"}, false, "no_refresh_token"},
		{"wrong PKCE verifier", nil, true, "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := graphfake.New(graphfake.Options{})
			defer fake.Close()
			fake.AddUser(me)
			cfg := microsoft.OAuthConfig(fake.URL, "organizations", "test-client", "test-secret", "http://app/callback")
			if tt.scopes != nil {
				cfg.Scopes = tt.scopes
			}
			v := oauth2.GenerateVerifier()
			cb := oauthfake.Authorize(t, microsoft.AuthCodeURL(cfg, "s", v, me)).Query()
			if tt.badPKCE {
				v = oauth2.GenerateVerifier()
			}
			_, err := microsoft.Exchange(context.Background(), cfg, cb.Get("code"), v)
			if pe := wantKind(t, err, provider.Auth); pe.Code != tt.code {
				t.Errorf("code = %q, want %q (%v)", pe.Code, tt.code, err)
			}
		})
	}
}

func TestOAuthConsentDenied(t *testing.T) {
	fake := graphfake.New(graphfake.Options{})
	defer fake.Close()
	fake.AddUser(me)
	fake.DenyConsent(true)
	cfg := microsoft.OAuthConfig(fake.URL, "", "test-client", "test-secret", "http://app/callback")
	cb := oauthfake.Authorize(t, microsoft.AuthCodeURL(cfg, "s", oauth2.GenerateVerifier(), "")).Query()
	if cb.Get("error") != "access_denied" || cb.Get("code") != "" {
		t.Errorf("callback = %v", cb)
	}
}

func TestOAuthConfigDefaults(t *testing.T) {
	cfg := microsoft.OAuthConfig("", "", "id", "secret", "http://app/cb")
	if cfg.Endpoint.TokenURL != "https://login.microsoftonline.com/common/oauth2/v2.0/token" {
		t.Errorf("token URL = %s", cfg.Endpoint.TokenURL)
	}
}
