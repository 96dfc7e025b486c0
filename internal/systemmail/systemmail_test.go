package systemmail_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
	"github.com/leadbitz/leadbitz/internal/systemmail"
)

// publicResolver answers every name with a public address, and publicDial
// connects to the fake server on loopback instead: the mailer then treats
// the server as one outside the allowed networks.
type publicResolver struct{}

func (publicResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("203.0.113.25")}, nil
}

func dialTo(addr string) func(ctx context.Context, network, _ string) (net.Conn, error) {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
}

func startSMTP(t *testing.T, o smtpimapfake.SMTPOptions) *smtpimapfake.SMTPServer {
	t.Helper()
	srv, err := smtpimapfake.StartSMTP(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func message() systemmail.Message {
	return systemmail.Message{To: "ann@example.com", Kind: systemmail.Invite, Link: "https://app.example.com/invite?token=abc&x=1",
		Data: map[string]string{"Inviter": "Bob <b>", "Workspace": "Acme", "Role": "admin"}}
}

func TestSendEachSecurity(t *testing.T) {
	certs, err := smtpimapfake.NewTLS()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		scheme string
		server smtpimapfake.SMTPOptions
		public bool // the server's address is outside the allowed networks
		want   string
	}{
		{name: "plain on an allowed network", scheme: "smtp", server: smtpimapfake.SMTPOptions{Username: "u", Password: "p"}},
		{name: "starttls on an allowed network", scheme: "smtp", server: smtpimapfake.SMTPOptions{Username: "u", Password: "p", TLS: certs.Server}},
		{name: "starttls on a public address", scheme: "smtp", public: true, server: smtpimapfake.SMTPOptions{Username: "u", Password: "p", TLS: certs.Server}},
		{name: "implicit tls", scheme: "smtps", public: true, server: smtpimapfake.SMTPOptions{Username: "u", Password: "p", TLS: certs.Server, ImplicitTLS: true}},
		{name: "no starttls on a public address", scheme: "smtp", public: true, server: smtpimapfake.SMTPOptions{Username: "u", Password: "p"}, want: "STARTTLS"},
		{name: "wrong password", scheme: "smtp", server: smtpimapfake.SMTPOptions{Username: "u", Password: "other"}, want: "refused the login"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSMTP(t, tc.server)
			opts := systemmail.Options{URL: tc.scheme + "://u:p@localhost:" + strconv.Itoa(srv.Port), From: "Leadbitz <noreply@example.com>",
				Allow: netguard.Loopback, TLSConfig: certs.Client()}
			if tc.public {
				opts.Resolver, opts.Dial = publicResolver{}, dialTo(srv.Addr())
			}
			m, err := systemmail.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			err = m.Send(context.Background(), message())
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) || srv.Count() != 0 {
					t.Fatalf("error %v (%d sent), want one saying %q", err, srv.Count(), tc.want)
				}
				if strings.Contains(err.Error(), ":p@") || strings.Contains(err.Error(), "other") {
					t.Fatalf("error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 || msgs[0].From != "noreply@example.com" || len(msgs[0].To) != 1 || msgs[0].To[0] != "ann@example.com" {
				t.Fatalf("received %+v", msgs)
			}
			in, err := mailmsg.Parse(msgs[0].Data)
			if err != nil {
				t.Fatal(err)
			}
			if in.Subject != "Bob <b> invited you to Acme on Leadbitz" {
				t.Errorf("subject %q", in.Subject)
			}
			if !strings.Contains(in.Text, "https://app.example.com/invite?token=abc&x=1") || !strings.Contains(in.Text, "as admin") {
				t.Errorf("text %q", in.Text)
			}
			if !strings.Contains(in.HTML, `href="https://app.example.com/invite?token=abc&amp;x=1"`) || !strings.Contains(in.HTML, "Bob &lt;b&gt;") {
				t.Errorf("html %q", in.HTML)
			}
		})
	}
}

// TestNotConfigured: without a server the link goes to the log at INFO and
// the caller learns that no mail server is configured.
func TestNotConfigured(t *testing.T) {
	var logs bytes.Buffer
	m, err := systemmail.New(systemmail.Options{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if m.Configured() {
		t.Fatal("configured without a URL")
	}
	err = m.Send(context.Background(), message())
	if !errors.Is(err, systemmail.ErrNotConfigured) || !strings.Contains(err.Error(), systemmail.NotConfiguredSentence) {
		t.Fatalf("error %v", err)
	}
	if !strings.Contains(logs.String(), "level=INFO") || !strings.Contains(logs.String(), "https://app.example.com/invite?token=abc&x=1") {
		t.Fatalf("log %q", logs.String())
	}
}

// TestEveryTemplateRenders: each kind has a subject, a text and an HTML body
// holding its link.
func TestEveryTemplateRenders(t *testing.T) {
	srv := startSMTP(t, smtpimapfake.SMTPOptions{})
	m, err := systemmail.New(systemmail.Options{URL: "smtp://" + srv.Addr(), From: "noreply@example.com", Allow: netguard.Loopback})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []systemmail.Kind{systemmail.Verify, systemmail.Invite, systemmail.Reset, systemmail.ChangeEmail, systemmail.WebhookDisabled} {
		if err := m.Send(context.Background(), systemmail.Message{To: "a@example.com", Kind: kind, Link: "http://x/" + string(kind),
			Data: map[string]string{"Inviter": "I", "Workspace": "W", "Role": "member", "OldEmail": "old@example.com", "URL": "https://crm.example/hook", "Reason": "R"}}); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	for i, msg := range srv.Messages() {
		in, err := mailmsg.Parse(msg.Data)
		if err != nil {
			t.Fatal(err)
		}
		if in.Subject == "" || !strings.Contains(in.Text, "http://x/") || !strings.Contains(in.HTML, "http://x/") || strings.Contains(in.Text, "no value") {
			t.Errorf("message %d: subject %q text %q", i, in.Subject, in.Text)
		}
	}
}
