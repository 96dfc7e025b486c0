package app_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/dnscheck/dnsfake"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// pebble is the ACME test server, in process, on loopback.
type pebble struct {
	srv     *httptest.Server
	handler atomic.Pointer[http.Handler]
	ca      *ca.CAImpl
}

// startPebbleServer listens before the CA exists, so the app can be given
// the directory URL before Pebble is given the app's http-01 port.
func startPebbleServer(t *testing.T) *pebble {
	p := &pebble{}
	p.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := p.handler.Load()
		if h == nil {
			http.Error(w, "pebble is not ready", http.StatusServiceUnavailable)
			return
		}
		(*h).ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *pebble) directory() string { return p.srv.URL + "/dir" }

// start makes the CA, validating http-01 on httpPort of the addresses
// resolver gives. tls-alpn-01 goes to a closed port, so the one way a
// certificate is issued is a real http-01 validation.
func (p *pebble) start(t *testing.T, httpPort int, resolver string) {
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")
	t.Setenv("PEBBLE_WFE_NONCEREJECT", "0")
	logger := log.New(io.Discard, "", 0)
	store := db.NewMemoryStore()
	p.ca = ca.New(logger, store, "", "ecdsa", 0, 1, map[string]ca.Profile{"default": {Description: "default"}})
	v := va.New(logger, httpPort, closedPort(t), false, resolver, store)
	front := wfe.New(logger, store, v, p.ca, []string{"pebble.letsencrypt.org"}, false, false, 0, 0)
	var h http.Handler = front.Handler()
	p.handler.Store(&h)
}

func (p *pebble) roots() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.ca.GetRootCert(0).Cert)
	return pool
}

func closedPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// serveTLS starts the app with the built-in HTTPS for domain.
func serveTLS(t *testing.T, vars map[string]string, acme *http.Client) app.Listening {
	t.Helper()
	cfg, err := config.FromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, env.New(nil, nil), app.Options{ACMEHTTPClient: acme})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan app.Listening, 1)
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ready) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	select {
	case at := <-ready:
		return at
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	return app.Listening{}
}

func handshake(t *testing.T, addr, domain string, roots *x509.CertPool) *x509.Certificate {
	t.Helper()
	d := &net.Dialer{Timeout: time.Minute}
	conn, err := tls.DialWithDialer(d, "tcp", addr, &tls.Config{ServerName: domain, RootCAs: roots})
	if err != nil {
		t.Fatalf("TLS handshake with %s: %v", domain, err)
	}
	defer conn.Close()
	state := conn.ConnectionState()
	if len(state.VerifiedChains) == 0 {
		t.Fatal("no verified chain")
	}
	return state.PeerCertificates[0]
}

// The built-in HTTPS gets its certificate from an ACME CA (Pebble) through
// a real http-01 validation of our HTTP listener; the certificate chains to
// Pebble's root, is kept encrypted in the database, and a second replica on
// the same database serves it with the CA gone.
func TestHTTPSWithACME(t *testing.T) {
	const domain = "app.leadbitz.test"
	dns := dnsfake.Start(t)
	dns.Set(domain, dnsfake.Records{A: []string{"127.0.0.1"}})
	p := startPebbleServer(t)
	vars := map[string]string{
		"DATABASE_URL": storetest.URL(t), "LEADBITZ_DATA_DIR": t.TempDir(), "LEADBITZ_SCHEDULER": "off",
		"LEADBITZ_ADDR": "127.0.0.1:0", "LEADBITZ_TLS_DOMAINS": domain,
		"LEADBITZ_TLS_ADDR": "127.0.0.1:0", "LEADBITZ_HTTP_ADDR": "127.0.0.1:0",
		"LEADBITZ_ACME_DIRECTORY": p.directory(),
	}
	at := serveTLS(t, vars, p.srv.Client())
	_, port, _ := net.SplitHostPort(at.HTTPAddr)
	httpPort, _ := strconv.Atoi(port)
	p.start(t, httpPort, dns.Addr)

	leaf := handshake(t, at.TLSAddr, domain, p.roots())
	if len(leaf.DNSNames) != 1 || leaf.DNSNames[0] != domain {
		t.Fatalf("certificate for %v", leaf.DNSNames)
	}

	// Over that certificate, the app itself answers.
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: p.roots(), ServerName: domain},
	}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get("https://" + at.TLSAddr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /readyz over https: %d", resp.StatusCode)
	}
	// Plain HTTP redirects to https.
	req, _ := http.NewRequest("GET", "http://"+at.HTTPAddr+"/login?next=/x", nil)
	req.Host = domain
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "https://"+domain+"/login?next=/x" {
		t.Fatalf("plain http: %d to %q", resp.StatusCode, loc)
	}

	// The certificate and the account key are in the database, encrypted.
	st, err := store.Open(context.Background(), vars["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	names, err := st.ACMECacheNames(context.Background())
	if err != nil || !contains(names, domain) {
		t.Fatalf("acme cache holds %v (%v)", names, err)
	}
	for _, n := range names {
		data, _ := st.ACMECacheGet(context.Background(), n)
		if strings.Contains(data, "PRIVATE KEY") || strings.Contains(data, "CERTIFICATE") {
			t.Fatalf("acme cache entry %s is stored in clear", n)
		}
	}

	// A second replica on the same database and key serves the same
	// certificate without the CA.
	p.srv.Close()
	second := map[string]string{}
	for k, v := range vars {
		second[k] = v
	}
	at2 := serveTLS(t, second, nil)
	if leaf2 := handshake(t, at2.TLSAddr, domain, p.roots()); !leaf2.Equal(leaf) {
		t.Fatal("the second replica serves another certificate")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
