package connect_test

import (
	"crypto/tls"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/connect"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/store"
)

const (
	smtpUser = "sales@example.org"
	smtpPass = "s3cret-password"
)

// smtpServers starts an SMTP and an IMAP server (STARTTLS, one user) and
// makes the service trust their certificate.
func smtpServers(t *testing.T, h *harness, tweak ...func(*smtpimapfake.IMAPOptions)) (*smtpimapfake.SMTPServer, *smtpimapfake.IMAPServer) {
	t.Helper()
	tl, err := smtpimapfake.NewTLS()
	if err != nil {
		t.Fatal(err)
	}
	s, err := smtpimapfake.StartSMTP(smtpimapfake.SMTPOptions{Username: smtpUser, Password: smtpPass, TLS: tl.Server})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	io := smtpimapfake.IMAPOptions{Username: smtpUser, Password: smtpPass, TLS: tl.Server,
		Folders: map[string][]imap.MailboxAttr{"Sent": {imap.MailboxAttrSent}}}
	for _, f := range tweak {
		f(&io)
	}
	i, err := smtpimapfake.StartIMAP(io)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { i.Close() })
	h.svc.TrustRoots(tl.Client())
	h.tls = tl.Client()
	return s, i
}

func tlsOf(t *testing.T, h *harness) *tls.Config {
	t.Helper()
	if h.tls == nil {
		t.Fatal("no mail servers started")
	}
	return h.tls
}

func smtpInput(s *smtpimapfake.SMTPServer, i *smtpimapfake.IMAPServer, password string) connect.SMTPInput {
	return connect.SMTPInput{Email: "Sales@Example.org", DisplayName: "Sam", Timezone: "Europe/Paris",
		SMTP: connect.ServerInput{Host: s.Host, Port: s.Port, Username: smtpUser, Password: password, Security: "starttls"},
		IMAP: connect.ServerInput{Host: i.Host, Port: i.Port, Username: smtpUser, Password: password, Security: "starttls"}}
}

func TestConnectSMTPVerifiesFirst(t *testing.T) {
	h := newHarness(t)
	s, i := smtpServers(t, h)

	_, err := h.svc.ConnectSMTP(h.ctx, h.p, smtpInput(s, i, "wrong-password"), account.Meta{})
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.Invalid || p.Code != "connection_failed" {
		t.Fatalf("wrong password: %v", err)
	}
	if p.Details["server"] != "smtp" || p.Details["step"] != "auth" || !strings.Contains(p.Details["smtp"].(string), "auth: ") ||
		!strings.Contains(p.Details["imap"].(string), "auth: ") {
		t.Errorf("details %v: want the failed step of each server", p.Details)
	}
	if smtpCode535.MatchString(p.Message) || smtpCode535.MatchString(p.Details["smtp"].(string)) {
		t.Errorf("details %v: the server's own answer is shown", p.Details)
	}
	if strings.Contains(p.Message, "wrong-password") || strings.Contains(p.Details["smtp"].(string), "wrong-password") {
		t.Fatalf("the password is echoed: %v", p)
	}
	if list, _ := h.scope().Mailboxes(h.ctx); len(list) != 0 {
		t.Fatalf("a mailbox was saved although the check failed: %+v", list)
	}

	res, err := h.svc.ConnectSMTP(h.ctx, h.p, smtpInput(s, i, smtpPass), account.Meta{IP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	ib := h.mailbox(res.MailboxID)
	if ib.Provider != store.ProviderSMTP || ib.Email != "sales@example.org" || ib.DisplayName != "Sam" ||
		ib.Timezone != "Europe/Paris" || res.Reconnected {
		t.Fatalf("created %+v (%+v)", ib, res)
	}
	if strings.Contains(ib.Config, smtpPass) || !strings.Contains(ib.Config, `"security":"starttls"`) {
		t.Fatalf("config %s: want the servers without the password", ib.Config)
	}
	cipher, _ := h.scope().MailboxCredentials(h.ctx, ib.ID)
	plain, err := h.keys.Decrypt(cipher, store.CredentialsAD(ib.ID))
	if err != nil || !strings.Contains(string(plain), smtpPass) || strings.Contains(cipher, smtpPass) {
		t.Fatalf("credentials: %v", err)
	}
	if ev := h.audits("inbox.created"); len(ev) != 1 || ev[0].IP != "192.0.2.1" {
		t.Fatalf("audit %+v", ev)
	}

	mb, err := h.svc.Open(h.ctx, h.p.WorkspaceID, ib)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mb.Send(h.ctx, outgoing(t, "sales@example.org", "lead@example.net", "Hello")); err != nil {
		t.Fatal(err)
	}
	if s.Count() != 1 {
		t.Fatalf("the SMTP server got %d messages", s.Count())
	}

	// The same address again reconnects it (a changed password).
	res2, err := h.svc.ConnectSMTP(h.ctx, h.p, smtpInput(s, i, smtpPass), account.Meta{})
	if err != nil || !res2.Reconnected || res2.MailboxID != ib.ID {
		t.Fatalf("second connect: %+v, %v", res2, err)
	}
}

func TestConnectSMTPInputChecks(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		name  string
		edit  func(*connect.SMTPInput)
		field string
	}{
		{"bad email", func(in *connect.SMTPInput) { in.Email = "not an address" }, "email"},
		{"no host", func(in *connect.SMTPInput) { in.SMTP.Host = "" }, "smtp.host"},
		{"host with a path", func(in *connect.SMTPInput) { in.IMAP.Host = "mail.example.org/x" }, "imap.host"},
		{"bad port", func(in *connect.SMTPInput) { in.SMTP.Port = 70000 }, "smtp.port"},
		{"unknown security", func(in *connect.SMTPInput) { in.SMTP.Security = "ssl3" }, "smtp.security"},
		{"plain to a public address", func(in *connect.SMTPInput) { in.SMTP.Host, in.SMTP.Security = "203.0.113.7", "none" }, "smtp.security"},
		{"plain to a private address not allowed", func(in *connect.SMTPInput) { in.IMAP.Host, in.IMAP.Security = "10.0.0.7", "none" }, "imap.security"},
		{"no IMAP user", func(in *connect.SMTPInput) { in.IMAP.Username = "" }, "imap.username"},
		{"no password", func(in *connect.SMTPInput) { in.SMTP.Password = "" }, "smtp.password"},
		{"bad time zone", func(in *connect.SMTPInput) { in.Timezone = "Mars/Olympus" }, "timezone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := connect.SMTPInput{Email: "sales@example.org",
				SMTP: connect.ServerInput{Host: "smtp.example.org", Username: "u", Password: "p"},
				IMAP: connect.ServerInput{Host: "imap.example.org", Username: "u", Password: "p"}}
			tc.edit(&in)
			_, err := h.svc.ConnectSMTP(h.ctx, h.p, in, account.Meta{})
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid || p.Fields[tc.field] == "" {
				t.Fatalf("got %v, want a 422 on %s", err, tc.field)
			}
		})
	}
}

func TestRegistryRebuildsOnNewCredentialsAndClosesIdle(t *testing.T) {
	h := newHarness(t)
	s, i := smtpServers(t, h)
	res, err := h.svc.ConnectSMTP(h.ctx, h.p, smtpInput(s, i, smtpPass), account.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	ib := h.mailbox(res.MailboxID)
	verified := s.Connections() // the check before saving
	first, err := h.svc.Open(h.ctx, h.p.WorkspaceID, ib)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := first.Send(h.ctx, outgoing(t, "sales@example.org", "lead@example.net", "Hello")); err != nil {
			t.Fatal(err)
		}
		_ = first.Close() // what the engine does after each batch
		if again, _ := h.svc.Open(h.ctx, h.p.WorkspaceID, ib); again != first {
			t.Fatal("a second Open built another mailbox")
		}
	}
	if n := s.Connections() - verified; n != 1 {
		t.Fatalf("%d SMTP connections for 3 sends: the connection is not reused", n)
	}

	// Reconnecting stores new credentials: the next Open builds anew.
	if _, err := h.svc.ConnectSMTP(h.ctx, h.p, smtpInput(s, i, smtpPass), account.Meta{}); err != nil {
		t.Fatal(err)
	}
	second, err := h.svc.Open(h.ctx, h.p.WorkspaceID, ib)
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Fatal("new credentials did not rebuild the mailbox")
	}

	// Another replica reconnects it: seen once CredentialsCheck has passed.
	replica := h.newService()
	replica.TrustRoots(tlsOf(t, h))
	if _, err := replica.ConnectSMTP(h.ctx, h.p, smtpInput(s, i, smtpPass), account.Meta{}); err != nil {
		t.Fatal(err)
	}
	if again, _ := h.svc.Open(h.ctx, h.p.WorkspaceID, ib); again != second {
		t.Fatal("the stored credentials were read again before CredentialsCheck")
	}
	h.clock.Add(16 * time.Second)
	if third, _ := h.svc.Open(h.ctx, h.p.WorkspaceID, ib); third == second {
		t.Fatal("another replica's new credentials were not picked up")
	}

	// A mailbox nobody opened for longer than IdleClose is closed by the
	// next Open of any mailbox.
	h.clock.Add(11 * time.Minute)
	other := store.Mailbox{ID: "none", Provider: store.ProviderSMTP}
	_, _ = h.svc.Open(h.ctx, h.p.WorkspaceID, other) // not found, but it sweeps
	if n := h.svc.OpenCount(); n != 0 {
		t.Fatalf("%d mailboxes kept after being idle", n)
	}
}

func TestPruneClosesDeletedAndInactiveMailboxes(t *testing.T) {
	h := newHarness(t)
	s, i := smtpServers(t, h)
	in := smtpInput(s, i, smtpPass)
	var ids []string
	for _, addr := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		in.Email = addr
		res, err := h.svc.ConnectSMTP(h.ctx, h.p, in, account.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.svc.Open(h.ctx, h.p.WorkspaceID, h.mailbox(res.MailboxID)); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.MailboxID)
	}
	if n, err := h.svc.Prune(h.ctx); err != nil || n != 0 {
		t.Fatalf("prune with every mailbox active: %d, %v", n, err)
	}
	if err := h.scope().DeleteMailbox(h.ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := h.scope().SetMailboxStatus(h.ctx, ids[1], store.MailboxDisconnected, "test"); err != nil {
		t.Fatal(err)
	}
	if n, err := h.svc.Prune(h.ctx); err != nil || n != 2 || h.svc.OpenCount() != 1 {
		t.Fatalf("prune after a delete and a disconnect: closed %d (%v), %d still open", n, err, h.svc.OpenCount())
	}
}

// TestConnectSMTPGuard: the default service refuses a server on loopback
// (a user-set host on the server's own network), with the step in our
// words; a server's banner never reaches the answer; checks are counted.
func TestConnectSMTPGuard(t *testing.T) {
	h := newHarness(t)
	s, i := smtpServers(t, h)

	strict, err := connect.New(connect.Config{Store: h.st, Env: env.New(nil, nil), Keys: h.keys, BaseURL: baseURL, SMTPTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { strict.Close() })
	_, err = strict.ConnectSMTP(h.ctx, h.p, smtpInput(s, i, smtpPass), account.Meta{})
	p, ok := problem.As(err)
	if !ok || p.Code != "connection_failed" || p.Details["server"] != "smtp" || p.Details["step"] != "connect" ||
		!strings.Contains(p.Details["message"].(string), "private or reserved network") {
		t.Fatalf("loopback with the default guard: %v %v", err, p.Details)
	}
	if s.Connections() != 0 {
		t.Fatalf("the refused server got %d connections", s.Connections())
	}
	// The send engine and the sync open mailboxes through the same guard:
	// a mailbox saved while loopback was allowed is refused once it is not.
	res, err := h.svc.ConnectSMTP(h.ctx, h.p, smtpInput(s, i, smtpPass), account.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	verified := s.Connections()
	strict.TrustRoots(tlsOf(t, h))
	mb, err := strict.Open(h.ctx, h.p.WorkspaceID, h.mailbox(res.MailboxID))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mb.Send(h.ctx, outgoing(t, "sales@example.org", "lead@example.net", "Hello")); provider.Kind(err) != provider.Auth {
		t.Fatalf("send through the default guard: %v, want an auth failure (the settings must change)", err)
	}
	if _, err := mb.Fetch(h.ctx, ""); provider.Kind(err) != provider.Auth {
		t.Fatalf("sync through the default guard: %v", err)
	}
	if s.Connections() != verified || s.Count() != 0 {
		t.Fatalf("the refused server got %d connections, %d messages", s.Connections()-verified, s.Count())
	}
	// SMTP without a login, to a loopback address not allowed, is refused
	// at the address already; the field check says so for security none.
	in := smtpInput(s, i, smtpPass)
	in.SMTP.Security, in.IMAP.Security = "none", "none"
	_, err = strict.ConnectSMTP(h.ctx, h.p, in, account.Meta{})
	if p, ok := problem.As(err); !ok || p.Fields["smtp.security"] == "" || p.Fields["imap.security"] == "" {
		t.Fatalf("security none to loopback with the default guard: %v", err)
	}
}

func TestConnectSMTPIsRateLimited(t *testing.T) {
	h := newHarness(t)
	svc, err := connect.New(connect.Config{Store: h.st, Env: env.New(nil, nil), Keys: h.keys, BaseURL: baseURL, SMTPTimeout: 5 * time.Second,
		Guard: netguard.AllowLoopback(), ConnectLimit: ratelimit.Limit{Count: 3, Per: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	in := connect.SMTPInput{Email: "sales@example.org",
		SMTP: connect.ServerInput{Host: "127.0.0.1", Port: closedPort(t), Username: "u", Password: "p"},
		IMAP: connect.ServerInput{Host: "127.0.0.1", Port: closedPort(t), Username: "u", Password: "p"}}
	for n := range 3 {
		if _, err := svc.ConnectSMTP(h.ctx, h.p, in, account.Meta{}); !isCode(err, "connection_failed") {
			t.Fatalf("attempt %d: %v", n+1, err)
		}
	}
	_, err = svc.ConnectSMTP(h.ctx, h.p, in, account.Meta{})
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.RateLimited || p.RetryAfter <= 0 || p.RetryAfter > time.Minute {
		t.Fatalf("fourth attempt: %v", err)
	}
	// Another workspace has its own count.
	other := h.p
	other.WorkspaceID = "another-workspace"
	if _, err := svc.ConnectSMTP(h.ctx, other, in, account.Meta{}); !isCode(err, "connection_failed") {
		t.Fatalf("another workspace: %v", err)
	}
}

func isCode(err error, code string) bool {
	p, ok := problem.As(err)
	return ok && p.Code == code
}

func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// smtpCode535 finds the server's 535 answer as a word: the port in a
// message may hold the digits 535.
var smtpCode535 = regexp.MustCompile(`\b535\b`)
