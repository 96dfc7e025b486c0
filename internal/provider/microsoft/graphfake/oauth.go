package graphfake

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

type grant struct {
	user         *user
	scopes       []string
	revoked      bool
	revokeCode   int // AADSTS code answered on refresh once revoked
	accessExpiry map[string]time.Time
}

type code struct {
	user              *user
	scopes            []string
	redirectURI       string
	challenge, method string
	expires           time.Time
}

// AADSTS codes the token endpoint can answer with (REFERENCE §2.5).
const (
	AADSTSInactive       = 700082 // refresh token expired after 90 days without use
	AADSTSRevoked        = 50173  // grant revoked (password change, admin action)
	AADSTSSignInRequired = 70043  // conditional access sign-in frequency
)

var aadstsText = map[int]string{
	AADSTSInactive:       "AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2026-01-01T00:00:00.0000000Z and was inactive for 90.00:00:00.",
	AADSTSRevoked:        "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
	AADSTSSignInRequired: "AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.",
}

// SetConsentUser sets who signs in at the authorize endpoint when the
// request has no login_hint.
func (s *Server) SetConsentUser(email string) {
	s.mu.Lock()
	s.consentUser = strings.ToLower(email)
	s.mu.Unlock()
}

// DenyConsent makes the fake user decline consent.
func (s *Server) DenyConsent(deny bool) {
	s.mu.Lock()
	s.denyConsent = deny
	s.mu.Unlock()
}

// Grant registers consent of email to scopes and returns a token as the
// token endpoint would (with a refresh token when offline_access is among
// scopes).
func (s *Server) Grant(email string, scopes ...string) *oauth2.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := &grant{user: s.userLocked(email), scopes: slices.Clone(scopes), accessExpiry: map[string]time.Time{}}
	at, exp := s.issueAccessLocked(g)
	return &oauth2.Token{AccessToken: at, TokenType: "Bearer", RefreshToken: s.issueRefreshLocked(g), Expiry: exp}
}

// RevokeGrants makes every grant of email fail: access tokens answer 401
// and refreshing answers invalid_grant with the given AADSTS code
// (AADSTSInactive, AADSTSRevoked or AADSTSSignInRequired).
func (s *Server) RevokeGrants(email string, aadsts int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range []map[string]*grant{s.access, s.refresh} {
		for _, g := range m {
			if strings.EqualFold(g.user.email, email) {
				g.revoked, g.revokeCode = true, aadsts
			}
		}
	}
}

// ExpireAccessTokens makes every access token issued so far answer 401.
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

func (s *Server) issueAccessLocked(g *grant) (string, time.Time) {
	s.seq++
	tok := fmt.Sprintf("eyJ0eXAiOiJKV1QiLCJmYWtlIjoi%d", s.seq)
	exp := s.opts.Now().Add(s.opts.TokenTTL)
	g.accessExpiry[tok] = exp
	s.access[tok] = g
	return tok, exp
}

// issueRefreshLocked returns a new refresh token when the grant includes
// offline_access. Microsoft rotates refresh tokens on every use; the old
// ones keep working until they expire.
func (s *Server) issueRefreshLocked(g *grant) string {
	if !slices.ContainsFunc(g.scopes, func(sc string) bool { return strings.EqualFold(sc, "offline_access") }) {
		return ""
	}
	s.seq++
	rt := fmt.Sprintf("0.AXEA-fake-refresh-%d", s.seq)
	s.refresh[rt] = g
	return rt
}

// handleAuthorize plays the consent page and redirects back with a code.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["authorize"]++
	q := r.URL.Query()
	if q.Get("client_id") != s.opts.ClientID {
		http.Error(w, "AADSTS700016: Application with identifier was not found in the directory.", http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || !redirect.IsAbs() {
		http.Error(w, "AADSTS50011: The redirect URI specified in the request does not match.", http.StatusBadRequest)
		return
	}
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	scopes := strings.Fields(q.Get("scope"))
	switch {
	case q.Get("response_type") != "code":
		back.Set("error", "unsupported_response_type")
	case len(scopes) == 0:
		back.Set("error", "invalid_request")
		back.Set("error_description", "AADSTS900144: The request body must contain the following parameter: 'scope'.")
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256" && q.Get("code_challenge_method") != "plain":
		back.Set("error", "invalid_request")
	default:
		u := s.users[cmp.Or(strings.ToLower(q.Get("login_hint")), s.consentUser)]
		if s.denyConsent || u == nil {
			back.Set("error", "access_denied")
			back.Set("error_description", "AADSTS65004: User declined to consent to access the app.")
			break
		}
		s.seq++
		c := fmt.Sprintf("0.AXEA-fake-code-%d", s.seq)
		s.codes[c] = &code{user: u, scopes: scopes, redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge"),
			method: q.Get("code_challenge_method"), expires: s.opts.Now().Add(10 * time.Minute)}
		back.Set("code", c)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["token"]++
	if err := r.ParseForm(); err != nil {
		tokenError(w, "invalid_request", 900144, "AADSTS900144: The request body must contain the following parameter: 'grant_type'.")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.opts.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(s.opts.ClientSecret)) != 1 {
		tokenErrorStatus(w, http.StatusUnauthorized, "invalid_client", 7000215, "AADSTS7000215: Invalid client secret provided.")
		return
	}
	var g *grant
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		cv := r.PostForm.Get("code")
		c := s.codes[cv]
		delete(s.codes, cv)
		if c == nil || s.opts.Now().After(c.expires) {
			tokenError(w, "invalid_grant", 70008, "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.")
			return
		}
		if r.PostForm.Get("redirect_uri") != c.redirectURI {
			tokenError(w, "invalid_grant", 50011, "AADSTS50011: The redirect URI specified in the request does not match the redirect URI of the authorization request.")
			return
		}
		if c.challenge != "" && !pkceMatches(c, r.PostForm.Get("code_verifier")) {
			tokenError(w, "invalid_grant", 501481, "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.")
			return
		}
		g = &grant{user: c.user, scopes: c.scopes, accessExpiry: map[string]time.Time{}}
	case "refresh_token":
		old := s.refresh[r.PostForm.Get("refresh_token")]
		if old == nil {
			tokenError(w, "invalid_grant", 9002313, "AADSTS9002313: Invalid request. Request is malformed or invalid.")
			return
		}
		if old.revoked {
			tokenError(w, "invalid_grant", old.revokeCode, aadstsText[old.revokeCode])
			return
		}
		// Stricter than some documentation: the v2.0 endpoint expects the
		// scopes again on refresh; a client that omits them should notice here.
		if strings.TrimSpace(r.PostForm.Get("scope")) == "" {
			tokenError(w, "invalid_request", 90014, "AADSTS90014: The required field 'scope' is missing from the credential.")
			return
		}
		g = old
	default:
		tokenError(w, "unsupported_grant_type", 70003, "AADSTS70003: The app requested an unsupported grant type.")
		return
	}
	at, _ := s.issueAccessLocked(g)
	resp := map[string]any{"token_type": "Bearer", "access_token": at, "expires_in": int(s.opts.TokenTTL / time.Second),
		"ext_expires_in": int(s.opts.TokenTTL / time.Second), "scope": strings.Join(slices.DeleteFunc(slices.Clone(g.scopes),
			func(sc string) bool { return strings.EqualFold(sc, "offline_access") }), " ")}
	if rt := s.issueRefreshLocked(g); rt != "" {
		resp["refresh_token"] = rt
	}
	writeJSON(w, http.StatusOK, resp)
}

func pkceMatches(c *code, verifier string) bool {
	if verifier == "" {
		return false
	}
	if c.method == "plain" {
		return verifier == c.challenge
	}
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:]) == c.challenge
}

func tokenError(w http.ResponseWriter, code string, aadsts int, desc string) {
	tokenErrorStatus(w, http.StatusBadRequest, code, aadsts, desc)
}

// tokenError writes the identity platform's error shape, with trace lines
// in the description as the real service adds them.
func tokenErrorStatus(w http.ResponseWriter, status int, code string, aadsts int, desc string) {
	writeJSON(w, status, map[string]any{
		"error":             code,
		"error_description": desc + "\r\nTrace ID: 0000\r\nCorrelation ID: 0000\r\nTimestamp: 2026-01-01 00:00:00Z",
		"error_codes":       []int{aadsts},
		"error_uri":         fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", aadsts),
	})
}
