package oauthfake

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// OpenID Connect: when a code was granted with the openid scope, the token
// endpoint also answers an id_token, an RS256 JWT signed by the server's
// test key (its kid is KeyID), with the claims the Dialect's IDClaims
// gives, the nonce of the authorization request, and aud = the client id.
// HandleJWKS serves the public key as a JSON Web Key Set; each fake serves
// a discovery document (Discovery) at its provider's path.

// KeyID is the kid of the test signing key.
const KeyID = "oauthfake-test-key"

// The keys are made once per test process: generating RSA keys is slow.
var (
	signingKey = sync.OnceValue(func() *rsa.PrivateKey { return newKey() })
	foreignKey = sync.OnceValue(func() *rsa.PrivateKey { return newKey() })
)

func newKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

// ForeignKey is an RSA key the server does not publish: ID tokens signed
// with it (SignIDTokensWith) must be refused.
func ForeignKey() *rsa.PrivateKey { return foreignKey() }

// IDUser is what an ID token says about the user who signed in.
type IDUser struct {
	Email    string
	Verified bool   // the provider vouches for the address (SetEmailVerified)
	Subject  string // stable per address
	Name     string
}

// SetBaseURL tells the server its base URL, from which the Dialect's
// IDClaims derive the issuer. The fakes call it once they listen.
func (s *Server) SetBaseURL(u string) {
	s.mu.Lock()
	s.baseURL = u
	s.mu.Unlock()
}

// SetEmailVerified sets whether ID tokens say email's address is verified
// (every user's is, until told otherwise).
func (s *Server) SetEmailVerified(email string, verified bool) {
	s.mu.Lock()
	s.userLocked(email).unverified = !verified
	s.mu.Unlock()
}

// TamperIDTokens calls f on the header and claims of every ID token issued
// from now on, before it is signed (nil stops): tests make wrong issuers,
// audiences, expiries and nonces with it.
func (s *Server) TamperIDTokens(f func(header, claims map[string]any)) {
	s.mu.Lock()
	s.tamper = f
	s.mu.Unlock()
}

// SignIDTokensWith signs the ID tokens issued from now on with key instead
// of the published one (nil goes back to it).
func (s *Server) SignIDTokensWith(key *rsa.PrivateKey) {
	s.mu.Lock()
	s.signWith = key
	s.mu.Unlock()
}

// subject is the user's stable sub: derived from the address, so it does
// not depend on the order users were added.
func subject(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return hex.EncodeToString(sum[:12])
}

// idTokenLocked issues the ID token of a code granted with openid.
func (s *Server) idTokenLocked(c *code) (string, bool) {
	if s.d.IDClaims == nil || !slices.Contains(c.scopes, "openid") {
		return "", false
	}
	now := s.opts.Now()
	name, _, _ := strings.Cut(c.user.email, "@")
	claims := map[string]any{
		"aud": s.opts.ClientID,
		"iat": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
	if n := c.authz.Get("nonce"); n != "" {
		claims["nonce"] = n
	}
	s.d.IDClaims(claims, s.baseURL, IDUser{Email: c.user.email, Verified: !c.user.unverified,
		Subject: subject(c.user.email), Name: name})
	header := map[string]any{"alg": "RS256", "typ": "JWT", "kid": KeyID}
	if s.tamper != nil {
		s.tamper(header, claims)
	}
	key := s.signWith
	if key == nil {
		key = signingKey()
	}
	return signJWT(key, header, claims), true
}

// signJWT encodes and signs a compact RS256 JWT.
func signJWT(key *rsa.PrivateKey, header, claims map[string]any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(header) + "." + enc(claims)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// HandleJWKS serves the public signing key as a JSON Web Key Set (RFC 7517).
func (s *Server) HandleJWKS(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls["jwks"]++
	s.mu.Unlock()
	pub := signingKey().PublicKey
	b64 := base64.RawURLEncoding.EncodeToString
	s.writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KeyID,
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// Discovery serves an OpenID Provider configuration document (OpenID
// Connect Discovery 1.0 §3) naming the given issuer and endpoints.
func (s *Server) Discovery(w http.ResponseWriter, issuer, authorize, token, jwks string) {
	s.mu.Lock()
	s.calls["discovery"]++
	s.mu.Unlock()
	s.writeJSON(w, http.StatusOK, map[string]any{
		"issuer": issuer, "authorization_endpoint": authorize, "token_endpoint": token, "jwks_uri": jwks,
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "profile"},
		"code_challenge_methods_supported":      []string{"S256", "plain"},
	})
}
