package smtpimap_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

func TestVerifyOK(t *testing.T) {
	for _, sec := range []smtpimap.Security{smtpimap.StartTLS, smtpimap.ImplicitTLS, smtpimap.Plain} {
		e := newEnv(t, envOptions{security: sec})
		if err := smtpimap.Verify(ctx, e.cfg); err != nil {
			t.Errorf("%s: Verify = %v", sec, err)
		}
	}
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

func TestVerifyFailures(t *testing.T) {
	tests := []struct {
		name               string
		opts               envOptions
		tweak              func(*smtpimap.Config)
		smtpKind           provider.ErrorKind // 0 = that side is fine
		imapKind           provider.ErrorKind
		smtpStep, imapStep string
		contains           []string // in Error(), the text shown to the user
	}{
		{"wrong passwords", envOptions{}, func(c *smtpimap.Config) { c.SMTP.Password, c.IMAP.Password = "nope", "nope" },
			provider.Auth, provider.Auth, "auth", "auth", []string{"SMTP 127.0.0.1:", "refused the username or password", "IMAP 127.0.0.1:"}},
		{"untrusted certificate", envOptions{}, func(c *smtpimap.Config) { c.TLSConfig = nil },
			provider.Auth, provider.Auth, "tls", "tls", []string{"certificate"}},
		{"untrusted certificate, implicit TLS", envOptions{security: smtpimap.ImplicitTLS}, func(c *smtpimap.Config) { c.TLSConfig = nil },
			provider.Auth, provider.Auth, "tls", "tls", []string{"certificate"}},
		{"STARTTLS not offered", envOptions{security: smtpimap.Plain}, func(c *smtpimap.Config) {
			c.SMTP.Security, c.IMAP.Security = smtpimap.StartTLS, smtpimap.StartTLS
		}, provider.Auth, provider.Auth, "tls", "tls", []string{"does not offer STARTTLS"}},
		{"TLS port spoken to in plain", envOptions{security: smtpimap.ImplicitTLS}, func(c *smtpimap.Config) {
			c.SMTP.Security = smtpimap.Plain
			c.Timeout = 300 * time.Millisecond // the TLS server waits for a ClientHello, we for a greeting
		}, provider.Transient, 0, "connect", "", []string{"no answer from the server in time"}},
		{"nothing listening", envOptions{}, func(c *smtpimap.Config) { c.SMTP.Port = closedPort(t) },
			provider.Transient, 0, "connect", "", []string{"could not connect to 127.0.0.1"}},
		{"plain server without AUTH while a login is configured", envOptions{security: smtpimap.Plain,
			smtp: smtpimapfake.SMTPOptions{Mechanisms: []string{}}}, nil, provider.Auth, 0, "auth", "", []string{"offers no authentication"}},
		{"loopback with the default guard", envOptions{}, func(c *smtpimap.Config) { c.Guard = nil },
			provider.Auth, provider.Auth, "connect", "connect", []string{"private or reserved network"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts)
			cfg := e.cfg
			if tt.tweak != nil {
				tt.tweak(&cfg)
			}
			err := smtpimap.Verify(ctx, cfg)
			var ve *smtpimap.VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("Verify = %v, want *VerifyError", err)
			}
			if provider.Kind(ve.SMTP) != tt.smtpKind || provider.Kind(ve.IMAP) != tt.imapKind {
				t.Errorf("smtp %v (%v), imap %v (%v); want %v, %v", provider.Kind(ve.SMTP), ve.SMTP, provider.Kind(ve.IMAP), ve.IMAP, tt.smtpKind, tt.imapKind)
			}
			steps := map[string]string{}
			for _, f := range ve.Failures() {
				steps[f.Server] = f.Step
			}
			if steps["smtp"] != tt.smtpStep || steps["imap"] != tt.imapStep {
				t.Errorf("steps %v, want smtp %q imap %q", steps, tt.smtpStep, tt.imapStep)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("Error() = %q, want it to contain %q", err.Error(), s)
				}
			}
			if strings.Contains(err.Error(), "nope") || strings.Contains(err.Error(), password) {
				t.Errorf("Error() leaks a password: %q", err.Error())
			}
		})
	}
}

// banner is a server that greets with a banner and refuses everything:
// what an internal service (or a hostile server) says must never reach the
// user, who could otherwise read services' banners through the form.
func banner(t *testing.T, greeting string) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = c.Write([]byte(greeting))
				buf := make([]byte, 512)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
					_, _ = c.Write([]byte("554 5.7.1 secret-banner-text refuses you\r\n* BAD secret-banner-text\r\n"))
				}
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestVerifyNeverShowsTheServersWords(t *testing.T) {
	for _, greeting := range []string{
		"SSH-2.0-OpenSSH_9.6p1 secret-banner-text\r\n",
		"220 relay.corp.internal ESMTP Postfix secret-banner-text\r\n",
		"554 5.3.2 secret-banner-text not accepting connections\r\n",
		"* OK [CAPABILITY IMAP4rev1] secret-banner-text Dovecot ready\r\n",
	} {
		port := banner(t, greeting)
		e := newEnv(t, envOptions{security: smtpimap.Plain})
		cfg := e.cfg
		cfg.Timeout = 2 * time.Second
		cfg.SMTP.Port, cfg.IMAP.Port = port, port
		err := smtpimap.Verify(ctx, cfg)
		var ve *smtpimap.VerifyError
		if !errors.As(err, &ve) || ve.SMTP == nil || ve.IMAP == nil {
			t.Fatalf("%q: Verify = %v", greeting, err)
		}
		if strings.Contains(err.Error(), "secret-banner") || strings.Contains(err.Error(), "Postfix") || strings.Contains(err.Error(), "SSH") {
			t.Errorf("%q: Error() = %q shows the server's words", greeting, err)
		}
		for _, f := range ve.Failures() {
			if strings.Contains(f.Message, "secret-banner") {
				t.Errorf("%q: %+v shows the server's words", greeting, f)
			}
		}
	}
}

// publicHost is a Guard that resolves mail.example.com to a public address
// and dials the fake servers on loopback in its place, as if they were on
// the internet; allow lists the networks the operator allowed.
func publicHost(t *testing.T, allow string) *netguard.Guard {
	t.Helper()
	list, err := netguard.ParseAllowList(allow)
	if err != nil {
		t.Fatal(err)
	}
	return netguard.New(netguard.Options{Allow: list, Resolver: fixedResolver{"mail.example.com": "203.0.113.10"},
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			_, port, _ := net.SplitHostPort(address)
			if !strings.HasPrefix(address, "203.0.113.10:") {
				return nil, fmt.Errorf("dialed %s, not the checked address", address)
			}
			return (&net.Dialer{}).DialContext(ctx, network, net.JoinHostPort("127.0.0.1", port))
		}})
}

type fixedResolver map[string]string

func (r fixedResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := r[host]; ok {
		return []netip.Addr{netip.MustParseAddr(a)}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// TestVerifyRequiresSMTPLoginOutsideAllowedNetworks: an SMTP server that
// lets us in without a login is an open relay on the internet, or an
// internal relay; only a network the operator allowed may be used so.
func TestVerifyRequiresSMTPLoginOutsideAllowedNetworks(t *testing.T) {
	e := newEnv(t, envOptions{})
	cfg := e.cfg
	cfg.SMTP.Host, cfg.IMAP.Host = "mail.example.com", "mail.example.com"
	cfg.TLSConfig = e.tls.Client()
	cfg.TLSConfig.ServerName = "127.0.0.1" // the test certificate's name
	cfg.Guard = publicHost(t, "")
	if err := smtpimap.Verify(ctx, cfg); err != nil {
		t.Fatalf("with a login: %v", err)
	}
	cfg.SMTP.Username, cfg.SMTP.Password = "", ""
	err := smtpimap.Verify(ctx, cfg)
	var ve *smtpimap.VerifyError
	if !errors.As(err, &ve) || ve.IMAP != nil || provider.Kind(ve.SMTP) != provider.Auth {
		t.Fatalf("no login to a public host: %v", err)
	}
	if f := ve.Failures(); len(f) != 1 || f[0].Step != "auth" || !strings.Contains(f[0].Message, "username and password are required") {
		t.Fatalf("failures %+v", f)
	}
	if e.smtp.Connections() != 1 {
		t.Errorf("%d SMTP connections: the refused one should not reach the server", e.smtp.Connections())
	}
	// Security "none" to a public host is refused before anything is sent.
	plain := cfg
	plain.SMTP.Username, plain.SMTP.Password = me, password
	plain.SMTP.Security = smtpimap.Plain
	err = smtpimap.Verify(ctx, plain)
	if !errors.As(err, &ve) || len(ve.Failures()) != 1 || ve.Failures()[0].Step != "tls" {
		t.Fatalf("security none to a public host: %v", err)
	}
	// Inside a network the operator allowed, the relay needs no login.
	cfg.Guard = publicHost(t, "203.0.113.0/24")
	if err := smtpimap.Verify(ctx, cfg); err != nil {
		t.Fatalf("no login inside an allowed network: %v", err)
	}
}

func TestVerifyInvalidConfig(t *testing.T) {
	cfg := smtpimap.Config{SMTP: smtpimap.Server{Host: "mail.example.com", Port: 587, Security: "ssl"},
		IMAP: smtpimap.Server{Host: "mail.example.com", Port: 993, Security: smtpimap.ImplicitTLS}}
	err := smtpimap.Verify(ctx, cfg)
	if provider.Kind(err) != provider.Permanent || !strings.Contains(err.Error(), `security "ssl"`) {
		t.Errorf("Verify = %v", err)
	}
	if _, err := smtpimap.New(cfg); err == nil {
		t.Error("New accepted an invalid config")
	}
}

func TestVerifyUnknownHostIsADNSFailure(t *testing.T) {
	e := newEnv(t, envOptions{})
	cfg := e.cfg
	cfg.SMTP.Host, cfg.IMAP.Host = "nowhere.example.com", "nowhere.example.com"
	cfg.Guard = publicHost(t, "")
	err := smtpimap.Verify(ctx, cfg)
	var ve *smtpimap.VerifyError
	if !errors.As(err, &ve) || len(ve.Failures()) != 2 {
		t.Fatalf("Verify = %v", err)
	}
	for _, f := range ve.Failures() {
		if f.Step != "dns" || !strings.Contains(f.Message, "nowhere.example.com could not be found") {
			t.Errorf("%+v", f)
		}
	}
}
