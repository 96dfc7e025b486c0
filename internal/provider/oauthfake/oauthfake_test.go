package oauthfake_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/provider/oauthfake"
)

const redirectURI = "http://app/cb?keep=1"

// names answers every refusal with its name as the error code, redirected
// where the authorize endpoint may redirect.
var names = map[oauthfake.Refusal]string{
	oauthfake.UnknownClient: "unknown_client", oauthfake.BadRedirectURI: "bad_redirect_uri",
	oauthfake.UnsupportedResponseType: "unsupported_response_type", oauthfake.MissingScope: "missing_scope",
	oauthfake.UnsupportedChallengeMethod: "unsupported_challenge_method", oauthfake.AccessDenied: "access_denied",
	oauthfake.MalformedRequest: "malformed_request", oauthfake.InvalidClient: "invalid_client",
	oauthfake.UnsupportedGrantType: "unsupported_grant_type", oauthfake.InvalidCode: "invalid_code",
	oauthfake.RedirectURIMismatch: "redirect_uri_mismatch", oauthfake.MissingVerifier: "missing_verifier",
	oauthfake.WrongVerifier: "wrong_verifier", oauthfake.UnknownRefreshToken: "unknown_refresh_token",
	oauthfake.RefreshWithoutScope: "refresh_without_scope",
}

type env struct {
	t     *testing.T
	oauth *oauthfake.Server
	url   string
	now   time.Time
}

func newEnv(t *testing.T, tweak func(*oauthfake.Dialect)) *env {
	e := &env{t: t, now: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	d := oauthfake.Dialect{
		CodePrefix: "code-", AccessPrefix: "access-", RefreshPrefix: "refresh-",
		OfflineAccess: func(_ []string, authz url.Values, _ bool) bool {
			return authz == nil || authz.Get("access_type") == "offline"
		},
		Refuse: func(why oauthfake.Refusal, _ *http.Request) oauthfake.Answer {
			return oauthfake.Answer{Error: names[why]}
		},
		ContentType: "application/json",
	}
	if tweak != nil {
		tweak(&d)
	}
	e.oauth = oauthfake.New(oauthfake.Options{Now: func() time.Time { return e.now }}, d)
	e.oauth.AddUser("Ann@Example.com")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", e.oauth.HandleAuthorize)
	mux.HandleFunc("POST /token", e.oauth.HandleToken)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

// authorize returns the query the consent page redirected back with.
func (e *env) authorize(q url.Values) url.Values {
	e.t.Helper()
	u := oauthfake.Authorize(e.t, e.url+"/authorize?"+q.Encode())
	if u.Host != "app" || u.Query().Get("keep") != "1" {
		e.t.Errorf("redirected to %s", u)
	}
	return u.Query()
}

func authzRequest(extra ...string) url.Values {
	q := url.Values{"client_id": {"test-client"}, "redirect_uri": {redirectURI}, "response_type": {"code"},
		"scope": {"read send"}, "state": {"st"}, "login_hint": {"ann@example.com"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

func (e *env) token(form url.Values) (int, map[string]any) {
	e.t.Helper()
	form.Set("client_id", "test-client")
	if !form.Has("client_secret") {
		form.Set("client_secret", "test-secret")
	}
	resp, err := http.PostForm(e.url+"/token", form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, out
}

func (e *env) exchange(code, verifier string) (int, map[string]any) {
	return e.token(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI},
		"code_verifier": {verifier}})
}

func (e *env) grantOf(access string) *oauthfake.Grant {
	r := httptest.NewRequest(http.MethodGet, "/api", nil)
	r.Header.Set("Authorization", "Bearer "+access)
	return e.oauth.Authenticate(r)
}

func TestCodeFlowWithPKCE(t *testing.T) {
	for _, method := range []string{"S256", "plain"} {
		t.Run(method, func(t *testing.T) {
			e := newEnv(t, nil)
			v := oauth2.GenerateVerifier()
			challenge := v
			if method == "S256" {
				challenge = oauth2.S256ChallengeFromVerifier(v)
			}
			cb := e.authorize(authzRequest("code_challenge", challenge, "code_challenge_method", method, "access_type", "offline"))
			if cb.Get("state") != "st" || !strings.HasPrefix(cb.Get("code"), "code-") || cb.Has("scope") {
				t.Fatalf("callback = %v", cb)
			}
			if st, body := e.exchange(cb.Get("code"), v+"x"); st != 400 || body["error"] != "wrong_verifier" {
				t.Errorf("wrong verifier = %d %v", st, body)
			}
			// A refused code is spent too.
			if st, body := e.exchange(cb.Get("code"), v); st != 400 || body["error"] != "invalid_code" {
				t.Errorf("code after a refusal = %d %v", st, body)
			}
			cb = e.authorize(authzRequest("code_challenge", challenge, "code_challenge_method", method, "access_type", "offline"))
			st, body := e.exchange(cb.Get("code"), v)
			if st != 200 || body["token_type"] != "Bearer" || body["expires_in"] != 3600.0 || body["scope"] != "read send" ||
				body["refresh_token"] == nil {
				t.Fatalf("exchange = %d %v", st, body)
			}
			g := e.grantOf(body["access_token"].(string))
			if g == nil || g.Email() != "Ann@Example.com" || !g.HasAny("write", "send") || g.HasAny("write") {
				t.Errorf("grant of the access token = %+v", g)
			}
			if st, body := e.exchange(cb.Get("code"), v); st != 400 || body["error"] != "invalid_code" {
				t.Errorf("second exchange = %d %v", st, body)
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	e := newEnv(t, func(d *oauthfake.Dialect) { d.RefreshNeedsScope = true })
	authorize := []struct {
		q    url.Values
		want string
	}{
		{authzRequest("response_type", "token"), "unsupported_response_type"},
		{authzRequest("scope", ""), "missing_scope"},
		{authzRequest("code_challenge", "x", "code_challenge_method", "S512"), "unsupported_challenge_method"},
		{authzRequest("code_challenge", "x"), "unsupported_challenge_method"}, // a method is required
		{authzRequest("login_hint", "bob@example.com"), "access_denied"},
	}
	for _, tt := range authorize {
		if cb := e.authorize(tt.q); cb.Get("error") != tt.want || cb.Get("state") != "st" || cb.Has("code") {
			t.Errorf("%v: callback %v, want error %s", tt.q, cb, tt.want)
		}
	}
	for _, q := range []url.Values{authzRequest("client_id", "other"), authzRequest("redirect_uri", "/relative")} {
		resp, err := http.Get(e.url + "/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("%v: %d, want an error page (never a redirect)", q, resp.StatusCode)
		}
	}
	e.oauth.DenyConsent(true)
	if cb := e.authorize(authzRequest()); cb.Get("error") != "access_denied" {
		t.Errorf("denied consent: %v", cb)
	}
	e.oauth.DenyConsent(false)

	code := func(extra ...string) string { return e.authorize(authzRequest(extra...)).Get("code") }
	refresh := e.oauth.Grant("ann@example.com", "read").RefreshToken
	token := []struct {
		form url.Values
		want string
	}{
		{url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_secret": {"wrong"}}, "invalid_client"},
		{url.Values{"grant_type": {"password"}}, "unsupported_grant_type"},
		{url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}, "redirect_uri": {redirectURI}}, "invalid_code"},
		{url.Values{"grant_type": {"authorization_code"}, "code": {code()}, "redirect_uri": {"http://app/other"}}, "redirect_uri_mismatch"},
		{url.Values{"grant_type": {"authorization_code"}, "code": {code("code_challenge", "x", "code_challenge_method", "plain")},
			"redirect_uri": {redirectURI}}, "missing_verifier"},
		{url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}, "scope": {"read"}}, "unknown_refresh_token"},
		{url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}, "refresh_without_scope"},
	}
	for _, tt := range token {
		if st, body := e.token(tt.form); st != 400 && st != 401 || body["error"] != tt.want {
			t.Errorf("%v: %d %v, want %s", tt.form, st, body, tt.want)
		}
	}
	// Every request counts, refused or not: the table's, two error pages, the
	// denied consent and two codes.
	if e.oauth.Calls("token") != len(token) || e.oauth.Calls("authorize") != len(authorize)+2+1+2 {
		t.Errorf("calls: token %d authorize %d", e.oauth.Calls("token"), e.oauth.Calls("authorize"))
	}
}

func TestCodeExpires(t *testing.T) {
	e := newEnv(t, nil)
	cb := e.authorize(authzRequest())
	e.now = e.now.Add(11 * time.Minute)
	if st, body := e.exchange(cb.Get("code"), ""); st != 400 || body["error"] != "invalid_code" {
		t.Errorf("expired code = %d %v", st, body)
	}
}

func TestRefreshExpiryAndRevocation(t *testing.T) {
	e := newEnv(t, func(d *oauthfake.Dialect) {
		d.RotateRefresh = true
		d.TokenResponse = func(resp map[string]any, scopes []string) { resp["scopes"] = len(scopes) }
	})
	tok := e.oauth.Grant("ANN@example.com", "read")
	if tok.RefreshToken == "" || !tok.Expiry.Equal(e.now.Add(time.Hour)) || e.grantOf(tok.AccessToken) == nil {
		t.Fatalf("grant = %+v", tok)
	}
	e.oauth.ExpireAccessTokens()
	if e.grantOf(tok.AccessToken) != nil {
		t.Error("an expired access token still authenticates")
	}
	st, body := e.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
	rotated, _ := body["refresh_token"].(string)
	if st != 200 || rotated == "" || rotated == tok.RefreshToken || body["scopes"] != 1.0 {
		t.Fatalf("refresh = %d %v", st, body)
	}
	access := body["access_token"].(string)
	if e.grantOf(access) == nil {
		t.Error("the refreshed access token does not authenticate")
	}
	e.oauth.RevokeGrants("ann@EXAMPLE.com", oauthfake.Answer{Status: 403, Error: "revoked", Description: "gone"})
	if e.grantOf(access) != nil {
		t.Error("a revoked grant's access token still authenticates")
	}
	for _, rt := range []string{tok.RefreshToken, rotated} {
		if st, body := e.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}); st != 403 ||
			body["error"] != "revoked" || body["error_description"] != "gone" {
			t.Errorf("refresh after revocation = %d %v", st, body)
		}
	}
}

func TestGrantOnly(t *testing.T) {
	e := newEnv(t, func(d *oauthfake.Dialect) { d.ScopeInRedirect = true })
	e.oauth.GrantOnly("send")
	cb := e.authorize(authzRequest())
	if cb.Get("scope") != "send" {
		t.Errorf("granted scope in the redirect = %q", cb.Get("scope"))
	}
	if _, body := e.exchange(cb.Get("code"), ""); body["scope"] != "send" || body["refresh_token"] != nil {
		t.Errorf("exchange = %v", body)
	}
	e.oauth.GrantOnly()
	e.oauth.SetConsentUser("ANN@example.com")
	q := authzRequest()
	q.Del("login_hint")
	if cb := e.authorize(q); cb.Get("scope") != "read send" {
		t.Errorf("granted scope after GrantOnly() = %q", cb.Get("scope"))
	}
}
