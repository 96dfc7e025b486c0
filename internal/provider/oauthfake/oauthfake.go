// Package oauthfake is an OAuth 2.0 authorization server for tests: the
// authorization code grant with PKCE and the refresh token grant (RFC 6749
// §4.1 and §6, RFC 7636), and the bearer access tokens an API fake accepts
// (RFC 6750). gmailfake and graphfake each serve one beside their API, in
// their provider's Dialect: the protocol is the same, while the token
// formats, when a refresh token is issued and the words of every refusal
// are Google's or Microsoft's.
package oauthfake

import (
	"cmp"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Options configures a Server.
type Options struct {
	ClientID     string           // the one client the server knows; default "test-client"
	ClientSecret string           // default "test-secret"
	TokenTTL     time.Duration    // access token lifetime (expires_in); default 1h
	Now          func() time.Time // clock for codes and tokens; default time.Now
}

// Dialect is what an identity provider does its own way.
type Dialect struct {
	// Codes and tokens are issued as these prefixes followed by a number.
	CodePrefix, AccessPrefix, RefreshPrefix string
	// OfflineAccess reports whether a grant of scopes comes with a refresh
	// token: authz is the authorization request of the code being exchanged
	// (nil for Server.Grant), hadRefresh whether the user was issued one
	// before.
	OfflineAccess func(scopes []string, authz url.Values, hadRefresh bool) bool
	// RotateRefresh answers every refresh with a new refresh token too; the
	// old ones keep working.
	RotateRefresh bool
	// RefreshNeedsScope refuses a refresh request without scope
	// (RefreshWithoutScope).
	RefreshNeedsScope bool
	// ScopeInRedirect adds the granted scopes to the redirect that carries
	// the code.
	ScopeInRedirect bool
	// TokenResponse, when set, adjusts a successful token response, which
	// holds access_token, token_type, expires_in, scope (every scope of the
	// grant) and refresh_token when one was issued.
	TokenResponse func(resp map[string]any, scopes []string)
	// Refuse is the provider's answer to a refused request r.
	Refuse func(why Refusal, r *http.Request) Answer
	// ErrorBody, when set, is the JSON body of a token endpoint error; the
	// default is RFC 6749's {error, error_description}.
	ErrorBody func(Answer) any
	// ContentType is that of JSON answers.
	ContentType string
	// IDClaims, when set, makes a code granted with the openid scope come
	// with an ID token (idtoken.go): it adds the issuer (from the server's
	// base URL) and the provider's own claims about u to claims, which
	// hold aud, iat, exp and the request's nonce.
	IDClaims func(claims map[string]any, baseURL string, u IDUser)
}

// Refusal is why the server refuses a request.
type Refusal int

// The refusals of the authorize endpoint (RFC 6749 §4.1.2.1).
const (
	UnknownClient              Refusal = iota + 1 // client_id is not the client's
	BadRedirectURI                                // redirect_uri is missing or not absolute
	UnsupportedResponseType                       // response_type is not code
	MissingScope                                  // no scope asked for
	UnsupportedChallengeMethod                    // a code_challenge without S256 or plain
	AccessDenied                                  // the user declined, or no such user signed in
)

// The refusals of the token endpoint (RFC 6749 §5.2). A refresh on a
// revoked grant is answered as RevokeGrants was told.
const (
	MalformedRequest     Refusal = iota + 100 // the form could not be read
	InvalidClient                             // wrong client id or secret
	UnsupportedGrantType                      // not authorization_code or refresh_token
	InvalidCode                               // unknown, already used or expired code
	RedirectURIMismatch                       // not the redirect_uri the code was issued for
	MissingVerifier                           // a PKCE code without code_verifier (RFC 7636 §4.5)
	WrongVerifier                             // code_verifier does not match the challenge
	UnknownRefreshToken                       // a refresh token never issued
	RefreshWithoutScope                       // Dialect.RefreshNeedsScope and no scope
)

// Answer is how a provider answers a refused request.
type Answer struct {
	// Status is the HTTP status. At the authorize endpoint 0 redirects back
	// to the client with error and error_description, and any other status
	// shows Description on an error page; at the token endpoint 0 is 400.
	Status      int
	Error       string // the OAuth error code
	Description string // error_description
	Code        int    // the provider's own error number (Microsoft's AADSTS), 0 when it has none
}

// Server is the fake authorization server. Its handlers are mounted by the
// API fake on its own paths.
type Server struct {
	opts Options
	d    Dialect

	mu          sync.Mutex
	users       map[string]*user  // by lower-case address
	codes       map[string]*code  // authorization code → pending grant
	access      map[string]*Grant // access token → grant
	refresh     map[string]*Grant // refresh token → grant
	consentUser string            // who signs in at the authorize endpoint without login_hint
	deny        bool              // the user declines consent
	onlyGrant   []string          // the user unticks every other scope; nil = grant what was asked
	calls       map[string]int    // requests per endpoint: "authorize", "token", "jwks", "discovery"
	seq         int               // code and token numbers
	baseURL     string            // where the fake listens, for ID token issuers
	tamper      func(header, claims map[string]any)
	signWith    *rsa.PrivateKey // signs ID tokens instead of the published key; nil = the published one
}

type user struct {
	email      string // as first added
	hadRefresh bool   // a refresh token was issued to this user once
	unverified bool   // ID tokens say the address is not verified
}

// Grant is a user's consent to scopes and the access tokens issued from it.
type Grant struct {
	user         *user
	scopes       []string
	revoked      *Answer // the answer to a refresh once revoked; nil while valid
	accessExpiry map[string]time.Time
}

// Email is the address of the user who consented, as first added.
func (g *Grant) Email() string { return g.user.email }

// HasAny reports whether the grant includes one of scopes.
func (g *Grant) HasAny(scopes ...string) bool {
	return slices.ContainsFunc(scopes, func(s string) bool { return slices.Contains(g.scopes, s) })
}

// code is an issued, not yet exchanged authorization code.
type code struct {
	user              *user
	scopes            []string
	redirectURI       string
	challenge, method string
	authz             url.Values // the authorization request
	expires           time.Time
}

// New returns a server in dialect d.
func New(opts Options, d Dialect) *Server {
	opts.ClientID = cmp.Or(opts.ClientID, "test-client")
	opts.ClientSecret = cmp.Or(opts.ClientSecret, "test-secret")
	opts.TokenTTL = cmp.Or(opts.TokenTTL, time.Hour)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Server{opts: opts, d: d, users: map[string]*user{}, codes: map[string]*code{},
		access: map[string]*Grant{}, refresh: map[string]*Grant{}, calls: map[string]int{}}
}

// AddUser lets email sign in (idempotent; the address keeps the case it was
// first added with).
func (s *Server) AddUser(email string) {
	s.mu.Lock()
	s.userLocked(email)
	s.mu.Unlock()
}

func (s *Server) userLocked(email string) *user {
	key := strings.ToLower(email)
	u := s.users[key]
	if u == nil {
		u = &user{email: email}
		s.users[key] = u
	}
	return u
}

// Calls returns how many requests reached endpoint ("authorize" or
// "token"). Refused requests count too.
func (s *Server) Calls(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[endpoint]
}

// SetConsentUser sets who signs in at the authorize endpoint when the
// request has no login_hint.
func (s *Server) SetConsentUser(email string) {
	s.mu.Lock()
	s.consentUser = strings.ToLower(email)
	s.mu.Unlock()
}

// DenyConsent makes the user decline consent.
func (s *Server) DenyConsent(deny bool) {
	s.mu.Lock()
	s.deny = deny
	s.mu.Unlock()
}

// GrantOnly makes the user untick every requested scope not in scopes
// (granular consent). Call with no arguments to grant everything again.
func (s *Server) GrantOnly(scopes ...string) {
	s.mu.Lock()
	s.onlyGrant = scopes
	if len(scopes) == 0 {
		s.onlyGrant = nil
	}
	s.mu.Unlock()
}

// Grant registers consent of email to scopes without the browser dance and
// returns a token as the token endpoint would, with a refresh token when
// the dialect's OfflineAccess says so for a nil authorization request.
func (s *Server) Grant(email string, scopes ...string) *oauth2.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(email)
	g := newGrant(u, scopes)
	at, exp := s.issueAccessLocked(g)
	tok := &oauth2.Token{AccessToken: at, TokenType: "Bearer", Expiry: exp}
	if s.d.OfflineAccess(g.scopes, nil, u.hadRefresh) {
		tok.RefreshToken = s.issueRefreshLocked(g)
	}
	return tok
}

// RevokeGrants revokes every grant of email: its access tokens stop working
// and a refresh is refused with answer, as after the user removed the app.
func (s *Server) RevokeGrants(email string, answer Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range []map[string]*Grant{s.access, s.refresh} {
		for _, g := range m {
			if strings.EqualFold(g.user.email, email) {
				g.revoked = &answer
			}
		}
	}
}

// ExpireAccessTokens makes every access token issued so far invalid, so
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

// Authenticate returns the grant of the request's bearer access token, or
// nil when it has none that is valid (unknown, expired or revoked).
func (s *Server) Authenticate(r *http.Request) *Grant {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.access[tok]
	if g == nil || g.revoked != nil || !s.opts.Now().Before(g.accessExpiry[tok]) {
		return nil
	}
	return g
}

func newGrant(u *user, scopes []string) *Grant {
	return &Grant{user: u, scopes: slices.Clone(scopes), accessExpiry: map[string]time.Time{}}
}

func (s *Server) next(prefix string) string {
	s.seq++
	return prefix + strconv.Itoa(s.seq)
}

func (s *Server) issueAccessLocked(g *Grant) (string, time.Time) {
	tok := s.next(s.d.AccessPrefix)
	exp := s.opts.Now().Add(s.opts.TokenTTL)
	g.accessExpiry[tok] = exp
	s.access[tok] = g
	return tok, exp
}

func (s *Server) issueRefreshLocked(g *Grant) string {
	tok := s.next(s.d.RefreshPrefix)
	s.refresh[tok] = g
	g.user.hadRefresh = true
	return tok
}

// HandleAuthorize plays the consent page: it checks the request and
// redirects back with a code, or with an error and the state.
func (s *Server) HandleAuthorize(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["authorize"]++
	q := r.URL.Query()
	if q.Get("client_id") != s.opts.ClientID {
		s.refuseAuthorize(w, r, nil, UnknownClient)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || !redirect.IsAbs() {
		// Never redirected (RFC 6749 §4.1.2.1): it may not be the client's.
		s.refuseAuthorize(w, r, nil, BadRedirectURI)
		return
	}
	scopes := strings.Fields(q.Get("scope"))
	method := q.Get("code_challenge_method")
	u := s.users[cmp.Or(strings.ToLower(q.Get("login_hint")), s.consentUser)]
	switch {
	case q.Get("response_type") != "code":
		s.refuseAuthorize(w, r, redirect, UnsupportedResponseType)
	case len(scopes) == 0:
		s.refuseAuthorize(w, r, redirect, MissingScope)
	case q.Get("code_challenge") != "" && method != "S256" && method != "plain":
		s.refuseAuthorize(w, r, redirect, UnsupportedChallengeMethod)
	case s.deny || u == nil:
		s.refuseAuthorize(w, r, redirect, AccessDenied)
	default:
		if s.onlyGrant != nil {
			scopes = slices.DeleteFunc(scopes, func(sc string) bool { return !slices.Contains(s.onlyGrant, sc) })
		}
		c := s.next(s.d.CodePrefix)
		s.codes[c] = &code{user: u, scopes: scopes, redirectURI: q.Get("redirect_uri"),
			challenge: q.Get("code_challenge"), method: method, authz: q, expires: s.opts.Now().Add(10 * time.Minute)}
		back := url.Values{"code": {c}}
		if s.d.ScopeInRedirect {
			back.Set("scope", strings.Join(scopes, " "))
		}
		redirectBack(w, r, redirect, back)
	}
}

// refuseAuthorize answers on an error page, or redirects back with the
// error when the dialect says so and redirect is known.
func (s *Server) refuseAuthorize(w http.ResponseWriter, r *http.Request, redirect *url.URL, why Refusal) {
	a := s.d.Refuse(why, r)
	if a.Status != 0 || redirect == nil {
		http.Error(w, a.Description, cmp.Or(a.Status, http.StatusBadRequest))
		return
	}
	back := url.Values{"error": {a.Error}}
	if a.Description != "" {
		back.Set("error_description", a.Description)
	}
	redirectBack(w, r, redirect, back)
}

// redirectBack redirects to redirect with params and the request's state
// added to its query.
func redirectBack(w http.ResponseWriter, r *http.Request, redirect *url.URL, params url.Values) {
	q := redirect.Query()
	q.Set("state", r.URL.Query().Get("state"))
	for k, v := range params {
		q[k] = v
	}
	redirect.RawQuery = q.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// HandleToken serves grant_type=authorization_code and refresh_token, with
// the client authenticated by HTTP Basic or by the form (RFC 6749 §2.3.1).
func (s *Server) HandleToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["token"]++
	if err := r.ParseForm(); err != nil {
		s.refuseToken(w, r, MalformedRequest)
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.opts.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) != 1 {
		s.refuseToken(w, r, InvalidClient)
		return
	}
	var g *Grant
	var withRefresh bool
	var idToken string
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		c, why := s.redeemLocked(r.PostForm)
		if why != 0 {
			s.refuseToken(w, r, why)
			return
		}
		g = newGrant(c.user, c.scopes)
		withRefresh = s.d.OfflineAccess(c.scopes, c.authz, c.user.hadRefresh)
		idToken, _ = s.idTokenLocked(c)
	case "refresh_token":
		g = s.refresh[r.PostForm.Get("refresh_token")]
		switch {
		case g == nil:
			s.refuseToken(w, r, UnknownRefreshToken)
			return
		case g.revoked != nil:
			s.writeError(w, *g.revoked)
			return
		case s.d.RefreshNeedsScope && strings.TrimSpace(r.PostForm.Get("scope")) == "":
			s.refuseToken(w, r, RefreshWithoutScope)
			return
		}
		withRefresh = s.d.RotateRefresh
	default:
		s.refuseToken(w, r, UnsupportedGrantType)
		return
	}
	at, _ := s.issueAccessLocked(g)
	resp := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": int(s.opts.TokenTTL / time.Second),
		"scope": strings.Join(g.scopes, " ")}
	if withRefresh {
		resp["refresh_token"] = s.issueRefreshLocked(g)
	}
	if idToken != "" {
		resp["id_token"] = idToken
	}
	if s.d.TokenResponse != nil {
		s.d.TokenResponse(resp, g.scopes)
	}
	s.writeJSON(w, http.StatusOK, resp)
}

// redeemLocked takes the form's code, once, and checks it was issued for
// this redirect_uri and, with PKCE, this code_verifier.
func (s *Server) redeemLocked(form url.Values) (*code, Refusal) {
	cv := form.Get("code")
	c := s.codes[cv]
	delete(s.codes, cv) // a code is single use, even when refused
	switch {
	case c == nil || s.opts.Now().After(c.expires):
		return nil, InvalidCode
	case form.Get("redirect_uri") != c.redirectURI:
		return nil, RedirectURIMismatch
	case c.challenge == "":
		return c, 0
	case form.Get("code_verifier") == "":
		return nil, MissingVerifier
	case challenge(form.Get("code_verifier"), c.method) != c.challenge:
		return nil, WrongVerifier
	}
	return c, 0
}

// challenge derives a PKCE code challenge from verifier (RFC 7636 §4.2).
// RFC 7636 lets a challenge come without a method, meaning plain; the
// authorize endpoint refuses that, as both fakes always did, so a stored
// challenge has its method.
func challenge(verifier, method string) string {
	if method == "plain" {
		return verifier
	}
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (s *Server) refuseToken(w http.ResponseWriter, r *http.Request, why Refusal) {
	s.writeError(w, s.d.Refuse(why, r))
}

func (s *Server) writeError(w http.ResponseWriter, a Answer) {
	var body any = map[string]string{"error": a.Error, "error_description": a.Description}
	if s.d.ErrorBody != nil {
		body = s.d.ErrorBody(a)
	}
	s.writeJSON(w, cmp.Or(a.Status, http.StatusBadRequest), body)
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", s.d.ContentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
