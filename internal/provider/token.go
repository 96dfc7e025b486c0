package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// TokenSaver persists an OAuth token (access and refresh token) after a
// provider client refreshed it. Microsoft rotates refresh tokens on every
// refresh, so a token that is not saved is a connection that breaks later.
type TokenSaver func(ctx context.Context, tok *oauth2.Token) error

// TokenSourceOptions configures a TokenSource.
type TokenSourceOptions struct {
	HTTPClient *http.Client // for the token endpoint; default http.DefaultClient
	Save       TokenSaver   // called after every refresh; nil keeps tokens in memory only
	// RefreshBefore is how long before expiry a token is refreshed, so a
	// request never starts with a token about to die; default 5 minutes.
	RefreshBefore time.Duration
	// ScopeOnRefresh sends the configured scopes with refresh requests, which
	// the Microsoft identity platform expects.
	ScopeOnRefresh bool
	Now            func() time.Time // default time.Now
}

// TokenSource hands out access tokens for one mailbox, refreshing them before
// they expire or when the API rejected one, and persisting every refreshed
// token through Save. It is safe for concurrent use; only one refresh runs at
// a time.
type TokenSource struct {
	cfg  *oauth2.Config
	opts TokenSourceOptions

	mu      sync.Mutex
	tok     *oauth2.Token
	unsaved bool // a refreshed token whose Save failed; retried on next use
}

// NewTokenSource starts from tok, as stored for the mailbox.
func NewTokenSource(cfg *oauth2.Config, tok *oauth2.Token, opts TokenSourceOptions) *TokenSource {
	opts.RefreshBefore = cmp.Or(opts.RefreshBefore, 5*time.Minute)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	t := *tok
	return &TokenSource{cfg: cfg, opts: opts, tok: &t}
}

// Token returns a usable access token, refreshing it first when it expires
// within RefreshBefore.
func (s *TokenSource) Token(ctx context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.AccessToken != "" && (s.tok.Expiry.IsZero() || s.opts.Now().Add(s.opts.RefreshBefore).Before(s.tok.Expiry)) {
		if err := s.saveIfNeeded(ctx); err != nil {
			return nil, err
		}
		return s.tok, nil
	}
	return s.refreshLocked(ctx)
}

// Refresh gets a new access token because the API rejected rejected (an
// access token). If another caller already replaced it, the current token is
// returned without a second refresh.
func (s *TokenSource) Refresh(ctx context.Context, rejected string) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.AccessToken != rejected && s.tok.AccessToken != "" {
		return s.tok, nil
	}
	return s.refreshLocked(ctx)
}

func (s *TokenSource) refreshLocked(ctx context.Context) (*oauth2.Token, error) {
	if s.tok.RefreshToken == "" {
		return nil, &Error{Kind: Auth, Code: "no_refresh_token", Message: "the stored grant has no refresh token; reconnect the inbox"}
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {s.tok.RefreshToken}}
	if s.opts.ScopeOnRefresh && len(s.cfg.Scopes) > 0 {
		form.Set("scope", strings.Join(s.cfg.Scopes, " "))
	}
	tok, err := requestToken(ctx, s.opts.HTTPClient, s.cfg, form, s.opts.Now)
	if err != nil {
		return nil, fmt.Errorf("refresh token: %w", err)
	}
	if tok.RefreshToken == "" {
		// Google keeps the refresh token and does not repeat it.
		tok.RefreshToken = s.tok.RefreshToken
	}
	s.tok = tok
	s.unsaved = true
	if err := s.saveIfNeeded(ctx); err != nil {
		return nil, err
	}
	return s.tok, nil
}

// saveIfNeeded persists a refreshed token. If saving fails the new token is
// kept in memory and saving is retried on the next call, so a rotated
// refresh token is never dropped.
func (s *TokenSource) saveIfNeeded(ctx context.Context) error {
	if !s.unsaved || s.opts.Save == nil {
		return nil
	}
	t := *s.tok
	if err := s.opts.Save(ctx, &t); err != nil {
		return &Error{Kind: Transient, Code: "token_save_failed", Message: "could not store the refreshed token", Err: err}
	}
	s.unsaved = false
	return nil
}

// ExchangeCode trades an authorization code (with its PKCE verifier) for a
// token at cfg's token endpoint. Failures are *Error: Auth for a refused
// grant (expired or reused code, wrong verifier), Transient for outages.
func ExchangeCode(ctx context.Context, hc *http.Client, cfg *oauth2.Config, code, verifier string) (*oauth2.Token, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {cfg.RedirectURL},
		"code_verifier": {verifier},
	}
	return requestToken(ctx, hc, cfg, form, time.Now)
}

// GrantedScopes returns the scopes a token response said were granted, or
// nil when the response did not say. With granular consent a user may untick
// some of the scopes the app asked for.
func GrantedScopes(tok *oauth2.Token) []string {
	s, _ := tok.Extra("scope").(string)
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Fields(s)
}

// MissingScopes returns the scopes of want that tok was not granted. A token
// that does not list its scopes is taken as granting everything asked.
func MissingScopes(tok *oauth2.Token, want []string) []string {
	granted := GrantedScopes(tok)
	if granted == nil {
		return nil
	}
	var missing []string
	for _, w := range want {
		found := false
		for _, g := range granted {
			if strings.EqualFold(g, w) {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, w)
		}
	}
	return missing
}

// IsContextError reports whether err comes from ctx ending, which callers
// should pass through rather than classify as a provider failure.
func IsContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
