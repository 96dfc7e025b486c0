package api_test

import (
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

// fakeMailServers starts an SMTP and an IMAP server on loopback (STARTTLS,
// one user) that srv trusts, and returns the body of POST
// /api/inboxes/smtp for them.
func fakeMailServers(t *testing.T, srv *apptest.Server) map[string]any {
	t.Helper()
	tl, err := smtpimapfake.NewTLS()
	if err != nil {
		t.Fatal(err)
	}
	s, err := smtpimapfake.StartSMTP(smtpimapfake.SMTPOptions{Username: "sales@example.org", Password: "pw", TLS: tl.Server})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	i, err := smtpimapfake.StartIMAP(smtpimapfake.IMAPOptions{Username: "sales@example.org", Password: "pw", TLS: tl.Server,
		Folders: map[string][]imap.MailboxAttr{"Sent": {imap.MailboxAttrSent}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { i.Close() })
	srv.Connect.TrustRoots(tl.Client())
	server := func(host string, port int) map[string]any {
		return map[string]any{"host": host, "port": port, "username": "sales@example.org", "password": "pw", "security": "starttls"}
	}
	return map[string]any{"email": "sales@example.org", "smtp": server(s.Host, s.Port), "imap": server(i.Host, i.Port)}
}

func details(t *testing.T, r apptest.Response) map[string]any {
	t.Helper()
	e, _ := r.Map(t)["error"].(map[string]any)
	d, _ := e["details"].(map[string]any)
	return d
}

// TestConnectSMTPRefusesLoopbackByDefault: without
// LEADBITZ_ALLOW_PRIVATE_NETWORKS, a mailbox on the server's own loopback
// is refused before a byte is sent, whatever the name used for it.
func TestConnectSMTPRefusesLoopbackByDefault(t *testing.T) {
	srv := apptest.Start(t, map[string]string{"LEADBITZ_ALLOW_PRIVATE_NETWORKS": ""})
	owner := srv.SignUp(t, "Owner")
	body := fakeMailServers(t, srv)
	for _, host := range []string{"127.0.0.1", "localhost", "::ffff:127.0.0.1"} {
		body["smtp"].(map[string]any)["host"] = host
		body["imap"].(map[string]any)["host"] = host
		r := owner.Do("POST", "/api/inboxes/smtp", body)
		d := details(t, r)
		if r.Status != 422 || r.ErrorCode() != "connection_failed" || d["server"] != "smtp" || d["step"] != "connect" ||
			!strings.Contains(d["message"].(string), "private or reserved network") {
			t.Fatalf("%s: %d %s", host, r.Status, r.Body)
		}
	}
	if list := owner.Must(200, "GET", "/api/inboxes", nil).Map(t)["items"].([]any); len(list) != 0 {
		t.Fatalf("a mailbox was saved: %v", list)
	}
}

// TestConnectSMTPHidesTheServersBanner: whatever listens on the port, the
// 422 names the failed step in our words and never repeats what it said.
func TestConnectSMTPHidesTheServersBanner(t *testing.T) {
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Owner")
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
			// A refusing greeting carrying what an internal service
			// would tell about itself.
			_, _ = c.Write([]byte("554 5.3.2 internal-build-host-7 OpenSSH_9.6p1 not accepting connections\r\n"))
			c.Close()
		}
	}()
	body := fakeMailServers(t, srv)
	body["smtp"].(map[string]any)["port"] = ln.Addr().(*net.TCPAddr).Port
	r := owner.Do("POST", "/api/inboxes/smtp", body)
	d := details(t, r)
	if strings.Contains(string(r.Body), "OpenSSH") || strings.Contains(string(r.Body), "internal-build-host") {
		t.Fatalf("the 422 shows the server's banner: %s", r.Body)
	}
	if r.Status != 422 || d["server"] != "smtp" || d["step"] != "connect" || d["imap"] != nil {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	// A wrong password: the step, not the server's 535 answer.
	body = fakeMailServers(t, srv)
	body["smtp"].(map[string]any)["password"] = "wrong-password"
	r = owner.Do("POST", "/api/inboxes/smtp", body)
	// (The server's code as a word: the port in the message may hold the
	// digits 535.)
	serverAnswer := regexp.MustCompile(`\b535\b|5\.7\.8|Authentication credentials invalid`)
	if d := details(t, r); r.Status != 422 || d["step"] != "auth" || serverAnswer.Match(r.Body) ||
		strings.Contains(string(r.Body), "wrong-password") {
		t.Fatalf("wrong password: %d %s", r.Status, r.Body)
	}
}

// TestConnectSMTPAttemptsAreRateLimited: connection checks dial what the
// user typed; beyond ten a minute per workspace they are refused.
func TestConnectSMTPAttemptsAreRateLimited(t *testing.T) {
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Owner")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens: each check fails fast
	server := map[string]any{"host": "127.0.0.1", "port": port, "username": "u", "password": "p", "security": "starttls"}
	body := map[string]any{"email": "sales@example.org", "smtp": server, "imap": server}
	for n := range 10 {
		if r := owner.Do("POST", "/api/inboxes/smtp", body); r.Status != 422 {
			t.Fatalf("attempt %d: %d %s", n+1, r.Status, r.Body)
		}
	}
	r := owner.Do("POST", "/api/inboxes/smtp", body)
	if r.Status != 429 || r.ErrorCode() != "rate_limited" {
		t.Fatalf("eleventh attempt: %d %s", r.Status, r.Body)
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
}
