package smtpimap_test

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

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
		name     string
		opts     envOptions
		tweak    func(*smtpimap.Config)
		smtpKind provider.ErrorKind // 0 = that side is fine
		imapKind provider.ErrorKind
		contains []string // in Error(), the text shown to the user
	}{
		{"wrong passwords", envOptions{}, func(c *smtpimap.Config) { c.SMTP.Password, c.IMAP.Password = "nope", "nope" },
			provider.Auth, provider.Auth, []string{"SMTP 127.0.0.1:", ": 535 5.7.8 Authentication credentials invalid", "IMAP 127.0.0.1:", "NO [AUTHENTICATIONFAILED]"}},
		{"untrusted certificate", envOptions{}, func(c *smtpimap.Config) { c.TLSConfig = nil },
			provider.Auth, provider.Auth, []string{"certificate"}},
		{"STARTTLS not offered", envOptions{security: smtpimap.Plain}, func(c *smtpimap.Config) {
			c.SMTP.Security, c.IMAP.Security = smtpimap.StartTLS, smtpimap.StartTLS
		}, provider.Auth, provider.Auth, []string{"does not offer STARTTLS"}},
		{"TLS port spoken to in plain", envOptions{security: smtpimap.ImplicitTLS}, func(c *smtpimap.Config) {
			c.SMTP.Security = smtpimap.Plain
			c.Timeout = 300 * time.Millisecond // the TLS server waits for a ClientHello, we for a greeting
		}, provider.Transient, 0, []string{"i/o timeout"}},
		{"nothing listening", envOptions{}, func(c *smtpimap.Config) { c.SMTP.Port = closedPort(t) },
			provider.Transient, 0, []string{"connection refused"}},
		{"plain server without AUTH while a login is configured", envOptions{security: smtpimap.Plain,
			smtp: smtpimapfake.SMTPOptions{Mechanisms: []string{}}}, nil, provider.Auth, 0, []string{"offers no authentication"}},
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
