package gmailfake

import (
	"cmp"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// grant is one user's consent to the client: its scopes, refresh token and
// the access tokens issued from it.
type grant struct {
	user         *user
	scopes       []string
	refreshToken string
	revoked      bool
	accessExpiry map[string]time.Time
}

func (g *grant) has(scopes ...string) bool {
	for _, s := range scopes {
		if slices.Contains(g.scopes, s) {
			return true
		}
	}
	return false
}

// code is an issued, not yet exchanged authorization code.
type code struct {
	user                  *user
	scopes                []string
	redirectURI           string
	challenge, method     string
	offline, forceRefresh bool
	expires               time.Time
}

type consentBehaviour struct {
	deny      bool
	onlyGrant []string // nil = grant what was asked
}

// SetConsentUser sets who signs in at the authorize endpoint when the
// request has no login_hint.
func (s *Server) SetConsentUser(email string) {
	s.mu.Lock()
	s.consentUser = strings.ToLower(email)
	s.mu.Unlock()
}

// DenyConsent makes the fake user click "Cancel" on the consent screen.
func (s *Server) DenyConsent(deny bool) {
	s.mu.Lock()
	s.consent.deny = deny
	s.mu.Unlock()
}

// GrantOnly makes the fake user untick every requested scope not in scopes
// (granular consent). Call with no arguments to grant everything again.
func (s *Server) GrantOnly(scopes ...string) {
	s.mu.Lock()
	s.consent.onlyGrant = scopes
	if len(scopes) == 0 {
		s.consent.onlyGrant = nil
	}
	s.mu.Unlock()
}

// Grant registers consent of email to scopes without the browser dance and
// returns a token as the token endpoint would (access and refresh token).
func (s *Server) Grant(email string, scopes ...string) *oauth2.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(email)
	g := s.newGrantLocked(u, scopes, true)
	at, exp := s.issueAccessLocked(g)
	return &oauth2.Token{AccessToken: at, TokenType: "Bearer", RefreshToken: g.refreshToken, Expiry: exp}
}

// RevokeGrants revokes every grant of email: its access tokens stop working
// and refreshing answers invalid_grant, as after the user removed the app.
func (s *Server) RevokeGrants(email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.refresh {
		if strings.EqualFold(g.user.email, email) {
			g.revoked = true
		}
	}
	for _, g := range s.access {
		if strings.EqualFold(g.user.email, email) {
			g.revoked = true
		}
	}
}

// ExpireAccessTokens makes every access token issued so far answer 401, so
// clients must refresh.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.opts.Now().Add(-time.Second)
	for _, g := range s.access {
		for tok := range g.accessExpiry {
			g.accessExpiry[tok] = past
		}
	}
}

func (s *Server) newGrantLocked(u *user, scopes []string, withRefresh bool) *grant {
	g := &grant{user: u, scopes: slices.Clone(scopes), accessExpiry: map[string]time.Time{}}
	if withRefresh {
		s.seq++
		g.refreshToken = fmt.Sprintf("1//fake-refresh-%d", s.seq)
		s.refresh[g.refreshToken] = g
		u.hasRefresh = true
	}
	return g
}

func (s *Server) issueAccessLocked(g *grant) (string, time.Time) {
	s.seq++
	tok := fmt.Sprintf("ya29.fake-access-%d", s.seq)
	exp := s.opts.Now().Add(s.opts.TokenTTL)
	g.accessExpiry[tok] = exp
	s.access[tok] = g
	return tok, exp
}

// handleAuthorize plays Google's consent page: it validates the request and
// redirects back with a code (or error=access_denied) and the state.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["authorize"]++
	q := r.URL.Query()
	if q.Get("client_id") != s.opts.ClientID {
		http.Error(w, "Error 401: invalid_client. The OAuth client was not found.", http.StatusUnauthorized)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || !redirect.IsAbs() {
		http.Error(w, "Error 400: redirect_uri_mismatch", http.StatusBadRequest)
		return
	}
	if q.Get("response_type") != "code" {
		http.Error(w, "Error 400: unsupported_response_type", http.StatusBadRequest)
		return
	}
	scopes := strings.Fields(q.Get("scope"))
	if len(scopes) == 0 {
		http.Error(w, "Error 400: invalid_request. Missing required parameter: scope", http.StatusBadRequest)
		return
	}
	method := q.Get("code_challenge_method")
	if q.Get("code_challenge") != "" && method != "S256" && method != "plain" {
		http.Error(w, "Error 400: invalid_request. Invalid code_challenge_method", http.StatusBadRequest)
		return
	}
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	email := cmp.Or(strings.ToLower(q.Get("login_hint")), s.consentUser)
	u := s.users[email]
	if s.consent.deny || u == nil {
		back.Set("error", "access_denied")
	} else {
		if s.consent.onlyGrant != nil {
			scopes = slices.DeleteFunc(scopes, func(sc string) bool { return !slices.Contains(s.consent.onlyGrant, sc) })
		}
		s.seq++
		c := fmt.Sprintf("4/fake-code-%d", s.seq)
		s.codes[c] = &code{user: u, scopes: scopes, redirectURI: q.Get("redirect_uri"),
			challenge: q.Get("code_challenge"), method: method,
			offline: q.Get("access_type") == "offline", forceRefresh: strings.Contains(q.Get("prompt"), "consent"),
			expires: s.opts.Now().Add(10 * time.Minute)}
		back.Set("code", c)
		back.Set("scope", strings.Join(scopes, " "))
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// handleToken serves grant_type=authorization_code and refresh_token with
// Google's error answers.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["token"]++
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "Bad Request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.opts.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) != 1 {
		tokenError(w, http.StatusUnauthorized, "invalid_client", "The OAuth client was not found.")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		s.exchangeCode(w, r)
	case "refresh_token":
		g := s.refresh[r.PostForm.Get("refresh_token")]
		if g == nil || g.revoked {
			tokenError(w, http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
			return
		}
		at, _ := s.issueAccessLocked(g)
		writeJSON(w, http.StatusOK, map[string]any{"access_token": at, "expires_in": int(s.opts.TokenTTL / time.Second),
			"scope": strings.Join(g.scopes, " "), "token_type": "Bearer"})
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+r.PostForm.Get("grant_type"))
	}
}

func (s *Server) exchangeCode(w http.ResponseWriter, r *http.Request) {
	cv := r.PostForm.Get("code")
	c := s.codes[cv]
	delete(s.codes, cv) // a code is single use
	if c == nil || s.opts.Now().After(c.expires) {
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Bad Request")
		return
	}
	if r.PostForm.Get("redirect_uri") != c.redirectURI {
		tokenError(w, http.StatusBadRequest, "redirect_uri_mismatch", "Bad Request")
		return
	}
	if c.challenge != "" {
		verifier := r.PostForm.Get("code_verifier")
		if verifier == "" {
			tokenError(w, http.StatusBadRequest, "invalid_grant", "Missing code verifier.")
			return
		}
		want := verifier
		if c.method == "S256" {
			sum := sha256.Sum256([]byte(verifier))
			want = base64.RawURLEncoding.EncodeToString(sum[:])
		}
		if want != c.challenge {
			tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid code verifier.")
			return
		}
	}
	// Google returns a refresh token on the first offline consent, and again
	// only when prompt=consent forced the consent screen.
	withRefresh := c.offline && (c.forceRefresh || !c.user.hasRefresh)
	g := s.newGrantLocked(c.user, c.scopes, withRefresh)
	at, _ := s.issueAccessLocked(g)
	resp := map[string]any{"access_token": at, "expires_in": int(s.opts.TokenTTL / time.Second),
		"scope": strings.Join(c.scopes, " "), "token_type": "Bearer"}
	if withRefresh {
		resp["refresh_token"] = g.refreshToken
	}
	writeJSON(w, http.StatusOK, resp)
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}
