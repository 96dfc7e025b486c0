// Package autotls is the built-in HTTPS: certificates from an ACME CA
// (Let's Encrypt by default) for LEADBITZ_TLS_DOMAINS, obtained and renewed
// by golang.org/x/crypto/acme/autocert, and kept in the database (Cache) so
// every replica serves the same certificates and can answer an http-01
// challenge another replica started.
package autotls

import (
	"context"
	"errors"
	"net"
	"net/http"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"

	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/store"
)

// cachePurpose names the derived keys the cache encrypts with.
const cachePurpose = "acme certificate cache"

// Cache is an autocert.Cache in the acme_cache table. Values (certificates
// with their private keys, the ACME account key) are encrypted with keys
// derived from the server's key ring for this purpose only, bound to their
// name.
type Cache struct {
	st   *store.Store
	keys *secrets.KeyRing
}

// NewCache returns the database cache.
func NewCache(st *store.Store, ring *secrets.KeyRing) (*Cache, error) {
	keys, err := ring.Derive(cachePurpose)
	if err != nil {
		return nil, err
	}
	return &Cache{st: st, keys: keys}, nil
}

func ad(name string) []byte { return []byte("acme_cache:" + name) }

// Get returns the value stored under name, or autocert.ErrCacheMiss.
func (c *Cache) Get(ctx context.Context, name string) ([]byte, error) {
	ct, err := c.st.ACMECacheGet(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, autocert.ErrCacheMiss
	}
	if err != nil {
		return nil, err
	}
	data, err := c.keys.Decrypt(ct, ad(name))
	if err != nil {
		// Under a key no longer configured: obtain a new one.
		return nil, autocert.ErrCacheMiss
	}
	return data, nil
}

// Put stores data under name.
func (c *Cache) Put(ctx context.Context, name string, data []byte) error {
	ct, err := c.keys.Encrypt(data, ad(name))
	if err != nil {
		return err
	}
	return c.st.ACMECachePut(ctx, name, ct)
}

// Delete removes name.
func (c *Cache) Delete(ctx context.Context, name string) error {
	return c.st.ACMECacheDelete(ctx, name)
}

// NewManager returns the certificate manager for cfg's domains. client, if
// not nil, is the HTTP client the ACME protocol uses (tests trust their
// CA's certificate with it).
func NewManager(cfg config.TLS, cache autocert.Cache, client *http.Client) *autocert.Manager {
	m := &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      cache,
		HostPolicy: hostPolicy(cfg.Domains),
		Email:      cfg.ACMEEmail,
		Client:     &acme.Client{DirectoryURL: cfg.ACMEDirectory, HTTPClient: client, UserAgent: "leadbitz"},
	}
	return m
}

// hostPolicy allows the configured domains only. The http-01 answers see
// the Host header, which may carry a port ("example.com:80"); certificates
// never name one, so it is dropped before the check.
func hostPolicy(domains []string) autocert.HostPolicy {
	allowed := autocert.HostWhitelist(domains...)
	return func(ctx context.Context, host string) error {
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		return allowed(ctx, host)
	}
}
