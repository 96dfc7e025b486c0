// Package oidc is the client side of OpenID Connect sign-in, on the
// standard library: the provider's discovery document, the authorization
// code flow with PKCE (S256) and a nonce, the code exchange, and the check
// of the ID token it returns (RS256 signature against the provider's JWKS,
// issuer, audience, expiry, nonce).
//
// Only RS256 is accepted, whatever the token's header says, so a token
// cannot choose "none" or an HMAC keyed with the public key. Keys are
// cached; an unknown kid fetches the set again (at most once a minute), so
// a provider's key rotation is followed without a restart.
package oidc

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Scopes are what sign-in asks for: who the person is, nothing of their
// mail (mailbox connection, internal/connect, asks for more on its own).
const Scopes = "openid email profile"

// Provider is one OpenID provider as a client registered with it sees it.
// Safe for concurrent use once configured.
type Provider struct {
	// DiscoveryURL is the provider's /.well-known/openid-configuration.
	DiscoveryURL string
	// Issuers are the iss values accepted; empty takes the discovery
	// document's. In either, "{tenantid}" stands for the token's tid claim
	// (Microsoft's multi-tenant endpoints).
	Issuers      []string
	ClientID     string
	ClientSecret string
	RedirectURL  string
	// HTTPClient makes every outbound call (discovery, keys, token).
	HTTPClient *http.Client
	Now        func() time.Time

	mu      sync.Mutex
	doc     *Discovery
	docAt   time.Time
	keys    map[string]publicKey
	keysAt  time.Time
	fetched time.Time // last fetch of the key set, to bound refetches
}

// Discovery is what sign-in uses of a provider's configuration document.
type Discovery struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	JWKSURI               string `json:"jwks_uri"`
}

// How long the discovery document and the keys are trusted before they
// are fetched again, and the least time between two fetches of the keys.
const (
	docTTL       = 24 * time.Hour
	keysTTL      = 6 * time.Hour
	keysRefetch  = time.Minute
	maxBodyBytes = 1 << 20
)

func (p *Provider) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Provider) client() *http.Client {
	if p.HTTPClient != nil {
		return p.HTTPClient
	}
	return http.DefaultClient
}

// Discover returns the provider's configuration, fetched at most once a
// day.
func (p *Provider) Discover(ctx context.Context) (Discovery, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.doc != nil && p.now().Sub(p.docAt) < docTTL {
		return *p.doc, nil
	}
	var d Discovery
	if err := p.getJSON(ctx, p.DiscoveryURL, &d); err != nil {
		return Discovery{}, fmt.Errorf("discovery: %w", err)
	}
	if d.Issuer == "" || d.AuthorizationEndpoint == "" || d.TokenEndpoint == "" || d.JWKSURI == "" {
		return Discovery{}, errors.New("discovery: the document lacks issuer, endpoints or jwks_uri")
	}
	p.doc, p.docAt = &d, p.now()
	return d, nil
}

// AuthCodeURL is the provider's authorization page for a sign-in with
// state, nonce and the PKCE challenge of verifier. extra adds parameters
// (prompt, login_hint).
func (p *Provider) AuthCodeURL(ctx context.Context, state, nonce, verifier string, extra url.Values) (string, error) {
	d, err := p.Discover(ctx)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(d.AuthorizationEndpoint)
	if err != nil {
		return "", fmt.Errorf("authorization endpoint: %w", err)
	}
	q := u.Query()
	for k, v := range extra {
		q[k] = v
	}
	q.Set("response_type", "code")
	q.Set("client_id", p.ClientID)
	q.Set("redirect_uri", p.RedirectURL)
	q.Set("scope", Scopes)
	q.Set("state", state)
	q.Set("nonce", nonce)
	q.Set("code_challenge", Challenge(verifier))
	q.Set("code_challenge_method", "S256")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Challenge is the S256 PKCE challenge of verifier (RFC 7636 §4.2).
func Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// TokenError is the provider's refusal of a code exchange, in its own
// words (which hold no secret).
type TokenError struct {
	Status      int
	Code        string // the OAuth error
	Description string
}

func (e *TokenError) Error() string {
	first, _, _ := strings.Cut(e.Description, "\n")
	return fmt.Sprintf("token endpoint answered %d %s: %s", e.Status, e.Code, strings.TrimSpace(first))
}

// Exchange trades the callback's code (with its PKCE verifier) for the ID
// token, unverified: Verify checks it.
func (p *Provider) Exchange(ctx context.Context, code, verifier string) (string, error) {
	d, err := p.Discover(ctx)
	if err != nil {
		return "", err
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {p.RedirectURL},
		"code_verifier": {verifier}, "client_id": {p.ClientID}, "client_secret": {p.ClientSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.TokenEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := p.client().Do(req)
	if err != nil {
		return "", fmt.Errorf("token endpoint: %w", err)
	}
	defer resp.Body.Close()
	var body struct {
		IDToken     string `json:"id_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return "", fmt.Errorf("token endpoint: %w", err)
	}
	jerr := json.Unmarshal(data, &body)
	if resp.StatusCode != http.StatusOK {
		return "", &TokenError{Status: resp.StatusCode, Code: body.Error, Description: body.Description}
	}
	if jerr != nil || body.IDToken == "" {
		return "", errors.New("token endpoint: the answer holds no id_token")
	}
	return body.IDToken, nil
}

// getJSON GETs u and decodes its JSON body (at most maxBodyBytes).
func (p *Provider) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s answered %d", u, resp.StatusCode)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, maxBodyBytes)).Decode(v)
}
