package provider_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// tokenServer is a minimal RFC 6749 token endpoint whose answer each test sets.
type tokenServer struct {
	*httptest.Server
	calls  atomic.Int32
	mu     sync.Mutex
	status int
	body   string
	header http.Header
	forms  []map[string]string
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{status: 200}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := ts.calls.Add(1)
		if err := r.ParseForm(); err != nil {
			t.Errorf("parse form: %v", err)
		}
		f := map[string]string{}
		for k := range r.PostForm {
			f[k] = r.PostForm.Get(k)
		}
		ts.mu.Lock()
		ts.forms = append(ts.forms, f)
		status, body := ts.status, ts.body
		for k, v := range ts.header {
			w.Header()[k] = v
		}
		ts.mu.Unlock()
		if body == "" {
			body = fmt.Sprintf(`{"access_token":"at-%d","token_type":"Bearer","expires_in":3599,"scope":"a b"}`, n)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) set(status int, body string) {
	ts.mu.Lock()
	ts.status, ts.body = status, body
	ts.mu.Unlock()
}

func (ts *tokenServer) lastForm() map[string]string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.forms[len(ts.forms)-1]
}

func testConfig(url string) *oauth2.Config {
	return &oauth2.Config{ClientID: "cid", ClientSecret: "csecret", Scopes: []string{"a", "b"},
		Endpoint: oauth2.Endpoint{TokenURL: url + "/token"}, RedirectURL: "http://app/cb"}
}

func TestTokenSourceRefreshesBeforeExpiry(t *testing.T) {
	ts := newTokenServer(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var saved []*oauth2.Token
	src := provider.NewTokenSource(testConfig(ts.URL), &oauth2.Token{AccessToken: "old", RefreshToken: "rt", Expiry: now.Add(10 * time.Minute)},
		provider.TokenSourceOptions{Now: func() time.Time { return now }, Save: func(_ context.Context, tok *oauth2.Token) error {
			saved = append(saved, tok)
			return nil
		}})
	ctx := context.Background()

	tok, err := src.Token(ctx)
	if err != nil || tok.AccessToken != "old" || ts.calls.Load() != 0 {
		t.Fatalf("fresh token: got %v, %v, %d calls", tok, err, ts.calls.Load())
	}
	now = now.Add(6 * time.Minute) // 4 minutes left < RefreshBefore (5)
	tok, err = src.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "at-1" || tok.RefreshToken != "rt" {
		t.Errorf("refreshed token = %q / %q, want at-1 and the kept refresh token", tok.AccessToken, tok.RefreshToken)
	}
	if !tok.Expiry.Equal(now.Add(3599 * time.Second)) {
		t.Errorf("expiry = %v", tok.Expiry)
	}
	if len(saved) != 1 || saved[0].AccessToken != "at-1" || saved[0].RefreshToken != "rt" {
		t.Errorf("saved = %v", saved)
	}
	f := ts.lastForm()
	if f["grant_type"] != "refresh_token" || f["refresh_token"] != "rt" || f["client_id"] != "cid" || f["client_secret"] != "csecret" {
		t.Errorf("refresh form = %v", f)
	}
	if _, ok := f["scope"]; ok {
		t.Errorf("scope sent without ScopeOnRefresh: %v", f)
	}
	if got := provider.GrantedScopes(tok); strings.Join(got, ",") != "a,b" {
		t.Errorf("granted scopes = %v", got)
	}
}

func TestTokenSourceForcedRefreshOnceForConcurrentCallers(t *testing.T) {
	ts := newTokenServer(t)
	src := provider.NewTokenSource(testConfig(ts.URL), &oauth2.Token{AccessToken: "rejected", RefreshToken: "rt"},
		provider.TokenSourceOptions{ScopeOnRefresh: true})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			tok, err := src.Refresh(context.Background(), "rejected")
			if err != nil || tok.AccessToken != "at-1" {
				t.Errorf("Refresh = %v, %v", tok, err)
			}
		})
	}
	wg.Wait()
	if n := ts.calls.Load(); n != 1 {
		t.Errorf("token endpoint called %d times, want 1", n)
	}
	if f := ts.lastForm(); f["scope"] != "a b" {
		t.Errorf("scope on refresh = %q, want %q", f["scope"], "a b")
	}
}

func TestTokenSourceRotatedRefreshTokenKeptWhenSaveFails(t *testing.T) {
	ts := newTokenServer(t)
	ts.set(200, `{"access_token":"new-at","refresh_token":"new-rt","expires_in":3600}`)
	fail := true
	var saved []string
	src := provider.NewTokenSource(testConfig(ts.URL), &oauth2.Token{AccessToken: "x", RefreshToken: "rt"},
		provider.TokenSourceOptions{Save: func(_ context.Context, tok *oauth2.Token) error {
			if fail {
				return errors.New("db down")
			}
			saved = append(saved, tok.RefreshToken)
			return nil
		}})
	_, err := src.Refresh(context.Background(), "x")
	if provider.Kind(err) != provider.Transient {
		t.Fatalf("save failure: err = %v, want Transient", err)
	}
	fail = false
	tok, err := src.Token(context.Background())
	if err != nil || tok.AccessToken != "new-at" {
		t.Fatalf("Token after failed save = %v, %v", tok, err)
	}
	if len(saved) != 1 || saved[0] != "new-rt" {
		t.Errorf("saved refresh tokens = %v, want [new-rt]", saved)
	}
	if ts.calls.Load() != 1 {
		t.Errorf("token endpoint called %d times, want 1 (no second refresh)", ts.calls.Load())
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		header   http.Header
		kind     provider.ErrorKind
		code     string
		msg      string
		retryAft time.Duration
	}{
		{"google invalid_grant", 400, `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`, nil,
			provider.Auth, "invalid_grant", "Token has been expired or revoked.", 0},
		{"microsoft inactivity", 400, `{"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired due to inactivity.\r\nTrace ID: 1\r\nCorrelation ID: 2","error_codes":[700082]}`, nil,
			provider.Auth, "invalid_grant", "AADSTS700082: The refresh token has expired due to inactivity.", 0},
		{"invalid_client", 401, `{"error":"invalid_client"}`, nil, provider.Auth, "invalid_client", "token endpoint answered HTTP 401", 0},
		{"throttled", 429, `{}`, http.Header{"Retry-After": {"12"}}, provider.RateLimited, "http_429", "", 12 * time.Second},
		{"outage", 503, `oops`, nil, provider.Transient, "http_503", "", 0},
		{"200 without token", 200, `{"token_type":"Bearer"}`, nil, provider.Auth, "http_200", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTokenServer(t)
			ts.set(tt.status, tt.body)
			ts.header = tt.header
			src := provider.NewTokenSource(testConfig(ts.URL), &oauth2.Token{RefreshToken: "secret-refresh"}, provider.TokenSourceOptions{})
			_, err := src.Token(context.Background())
			var pe *provider.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *provider.Error", err)
			}
			if pe.Kind != tt.kind || pe.Code != tt.code || pe.RetryAfter != tt.retryAft {
				t.Errorf("got kind %v code %q retry %v, want %v %q %v", pe.Kind, pe.Code, pe.RetryAfter, tt.kind, tt.code, tt.retryAft)
			}
			if tt.msg != "" && pe.Message != tt.msg {
				t.Errorf("message = %q, want %q", pe.Message, tt.msg)
			}
			if strings.Contains(err.Error(), "secret-refresh") || strings.Contains(err.Error(), "csecret") {
				t.Errorf("error leaks a secret: %v", err)
			}
		})
	}
}

func TestTokenSourceWithoutRefreshToken(t *testing.T) {
	src := provider.NewTokenSource(testConfig("http://127.0.0.1:1"), &oauth2.Token{AccessToken: "a"}, provider.TokenSourceOptions{})
	_, err := src.Refresh(context.Background(), "a")
	if provider.Kind(err) != provider.Auth {
		t.Fatalf("err = %v, want Auth", err)
	}
}

func TestTokenEndpointUnreachableIsTransient(t *testing.T) {
	ts := newTokenServer(t)
	ts.Close()
	_, err := provider.ExchangeCode(context.Background(), nil, testConfig(ts.URL), "code", "verifier")
	if provider.Kind(err) != provider.Transient {
		t.Fatalf("err = %v, want Transient", err)
	}
}

func TestExchangeCode(t *testing.T) {
	ts := newTokenServer(t)
	ts.set(200, `{"access_token":"at","refresh_token":"rt","expires_in":"3599","scope":"a"}`)
	tok, err := provider.ExchangeCode(context.Background(), nil, testConfig(ts.URL), "the-code", "the-verifier")
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "at" || tok.RefreshToken != "rt" || tok.Expiry.IsZero() {
		t.Errorf("token = %+v", tok)
	}
	f := ts.lastForm()
	if f["grant_type"] != "authorization_code" || f["code"] != "the-code" || f["code_verifier"] != "the-verifier" || f["redirect_uri"] != "http://app/cb" {
		t.Errorf("exchange form = %v", f)
	}
	if m := provider.MissingScopes(tok, []string{"a", "b"}); len(m) != 1 || m[0] != "b" {
		t.Errorf("MissingScopes = %v, want [b]", m)
	}
	if m := provider.MissingScopes(&oauth2.Token{}, []string{"a"}); m != nil {
		t.Errorf("MissingScopes without scope info = %v, want nil", m)
	}
}
