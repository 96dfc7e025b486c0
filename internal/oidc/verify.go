package oidc

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Why an ID token is refused. Verify's errors wrap one of these.
var (
	ErrMalformed    = errors.New("id token: malformed")
	ErrAlgorithm    = errors.New("id token: not signed with RS256")
	ErrUnknownKey   = errors.New("id token: signed with a key the provider does not publish")
	ErrSignature    = errors.New("id token: bad signature")
	ErrIssuer       = errors.New("id token: wrong issuer")
	ErrAudience     = errors.New("id token: not issued to this client")
	ErrExpired      = errors.New("id token: expired")
	ErrNotYetValid  = errors.New("id token: issued in the future")
	ErrNonce        = errors.New("id token: wrong nonce")
	ErrNoSubject    = errors.New("id token: no subject")
	ErrKeysNotKnown = errors.New("id token: the provider's keys could not be read")
)

// Leeway is the clock difference tolerated between the provider and us.
const Leeway = time.Minute

// Claims are the ID token claims sign-in reads. Raw holds them all.
type Claims struct {
	Issuer   string
	Subject  string
	Audience []string
	Expiry   time.Time
	IssuedAt time.Time
	Nonce    string
	Email    string
	Name     string
	TenantID string // Microsoft's tid
	Raw      map[string]any
}

// Bool reads a boolean claim, true only for JSON true or the string
// "true" (Google once sent email_verified as a string).
func (c Claims) Bool(name string) bool {
	switch v := c.Raw[name].(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// Verify checks an ID token: the RS256 signature by a key of the
// provider's set, the issuer, that it was issued to this client (aud, and
// azp when there are several audiences), that it has not expired and was
// not issued in the future (Leeway either way), and that its nonce is the
// one this sign-in sent.
func (p *Provider) Verify(ctx context.Context, raw, nonce string) (Claims, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return Claims{}, ErrMalformed
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := decodeSegment(parts[0], &header); err != nil {
		return Claims{}, ErrMalformed
	}
	if header.Alg != "RS256" {
		return Claims{}, ErrAlgorithm
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return Claims{}, ErrMalformed
	}
	key, err := p.key(ctx, header.Kid)
	if err != nil {
		return Claims{}, err
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key.rsa, crypto.SHA256, sum[:], sig); err != nil {
		return Claims{}, ErrSignature
	}
	var rawClaims map[string]any
	if err := decodeSegment(parts[1], &rawClaims); err != nil {
		return Claims{}, ErrMalformed
	}
	c := claimsOf(rawClaims)
	return c, p.check(ctx, c, nonce)
}

// check applies the claim rules to a token whose signature is good.
func (p *Provider) check(ctx context.Context, c Claims, nonce string) error {
	issuers := p.Issuers
	if len(issuers) == 0 {
		d, err := p.Discover(ctx)
		if err != nil {
			return err
		}
		issuers = []string{d.Issuer}
	}
	if !issuerMatches(c, issuers) {
		return fmt.Errorf("%w (%q)", ErrIssuer, c.Issuer)
	}
	if !slices.Contains(c.Audience, p.ClientID) {
		return ErrAudience
	}
	if azp, _ := c.Raw["azp"].(string); len(c.Audience) > 1 && azp != p.ClientID {
		return ErrAudience
	}
	now := p.now()
	if c.Expiry.IsZero() || !now.Before(c.Expiry.Add(Leeway)) {
		return ErrExpired
	}
	if c.IssuedAt.After(now.Add(Leeway)) {
		return ErrNotYetValid
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(c.Nonce), []byte(nonce)) != 1 {
		return ErrNonce
	}
	if c.Subject == "" {
		return ErrNoSubject
	}
	return nil
}

// issuerMatches compares the token's iss with the accepted issuers, where
// "{tenantid}" stands for the token's own tid (which must then be there).
func issuerMatches(c Claims, issuers []string) bool {
	for _, want := range issuers {
		if strings.Contains(want, "{tenantid}") {
			if c.TenantID == "" {
				continue
			}
			want = strings.ReplaceAll(want, "{tenantid}", c.TenantID)
		}
		if c.Issuer == want {
			return true
		}
	}
	return false
}

func claimsOf(raw map[string]any) Claims {
	str := func(k string) string { s, _ := raw[k].(string); return s }
	c := Claims{Issuer: str("iss"), Subject: str("sub"), Nonce: str("nonce"), Email: str("email"),
		Name: str("name"), TenantID: str("tid"), Raw: raw}
	switch aud := raw["aud"].(type) {
	case string:
		c.Audience = []string{aud}
	case []any:
		for _, a := range aud {
			if s, ok := a.(string); ok {
				c.Audience = append(c.Audience, s)
			}
		}
	}
	if n, ok := raw["exp"].(float64); ok {
		c.Expiry = time.Unix(int64(n), 0)
	}
	if n, ok := raw["iat"].(float64); ok {
		c.IssuedAt = time.Unix(int64(n), 0)
	}
	return c
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// publicKey is one RSA key of the provider's set.
type publicKey struct{ rsa *rsa.PublicKey }

// key returns the provider's key kid, fetching the set when it is unknown
// or old (an unknown kid refetches at most once every keysRefetch).
func (p *Provider) key(ctx context.Context, kid string) (publicKey, error) {
	p.mu.Lock()
	k, ok := p.keys[kid]
	fresh := p.now().Sub(p.keysAt) < keysTTL
	recent := p.now().Sub(p.fetched) < keysRefetch
	p.mu.Unlock()
	if ok && fresh {
		return k, nil
	}
	if !recent || !fresh {
		if err := p.fetchKeys(ctx); err != nil {
			return publicKey{}, fmt.Errorf("%w: %v", ErrKeysNotKnown, err)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if k, ok := p.keys[kid]; ok {
		return k, nil
	}
	return publicKey{}, ErrUnknownKey
}

// fetchKeys reads the provider's JSON Web Key Set: its RSA signing keys.
func (p *Provider) fetchKeys(ctx context.Context) error {
	d, err := p.Discover(ctx)
	if err != nil {
		return err
	}
	var set struct {
		Keys []struct {
			Kty, Use, Alg, Kid, N, E string
		} `json:"keys"`
	}
	p.mu.Lock()
	p.fetched = p.now()
	p.mu.Unlock()
	if err := p.getJSON(ctx, d.JWKSURI, &set); err != nil {
		return err
	}
	keys := map[string]publicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || (k.Use != "" && k.Use != "sig") || (k.Alg != "" && k.Alg != "RS256") {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
			continue
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if pub.N.BitLen() < 2048 {
			continue // too weak to trust
		}
		keys[k.Kid] = publicKey{rsa: pub}
	}
	p.mu.Lock()
	p.keys, p.keysAt = keys, p.now()
	p.mu.Unlock()
	return nil
}
