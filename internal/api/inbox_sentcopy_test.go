package api_test

import (
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

// TestSentCopyDetection: against a server that files submitted mail in Sent
// itself (the SMTP fake files each accepted message in the IMAP fake's
// Sent), POST .../sent-copy/detect finds it and, with apply, sets the
// mailbox to skip its own copy; PUT .../sent-copy sets it either way.
func TestSentCopyDetection(t *testing.T) {
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Owner")
	tl, err := smtpimapfake.NewTLS()
	if err != nil {
		t.Fatal(err)
	}
	i, err := smtpimapfake.StartIMAP(smtpimapfake.IMAPOptions{Username: "sales@example.org", Password: "pw", TLS: tl.Server,
		Folders: map[string][]imap.MailboxAttr{"Sent": {imap.MailboxAttrSent}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { i.Close() })
	s, err := smtpimapfake.StartSMTP(smtpimapfake.SMTPOptions{Username: "sales@example.org", Password: "pw", TLS: tl.Server,
		Accepted: func(m smtpimapfake.Received) { _, _ = i.Append("Sent", m.Data, time.Time{}) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv.Connect.TrustRoots(tl.Client())
	server := func(port int) map[string]any {
		return map[string]any{"host": "127.0.0.1", "port": port, "username": "sales@example.org", "password": "pw", "security": "starttls"}
	}
	id := owner.Must(201, "POST", "/api/inboxes/smtp", map[string]any{"email": "sales@example.org",
		"smtp": server(s.Port), "imap": server(i.Port)}).Map(t)["id"].(string)

	got := owner.Must(200, "POST", "/api/inboxes/"+id+"/sent-copy/detect", nil).Map(t)
	if got["serverFilesSent"] != true || got["skipSentCopy"] != false || got["changed"] != false {
		t.Fatalf("detect without apply: %v", got)
	}
	got = owner.Must(200, "POST", "/api/inboxes/"+id+"/sent-copy/detect", map[string]bool{"apply": true}).Map(t)
	if got["serverFilesSent"] != true || got["skipSentCopy"] != true || got["changed"] != true {
		t.Fatalf("detect with apply: %v", got)
	}
	got = owner.Must(200, "PUT", "/api/inboxes/"+id+"/sent-copy", map[string]bool{"skipSentCopy": false}).Map(t)
	if got["skipSentCopy"] != false || got["changed"] != true {
		t.Fatalf("copy back on: %v", got)
	}
	if r := owner.Do("PUT", "/api/inboxes/"+id+"/sent-copy", map[string]string{}); r.Status != 422 {
		t.Fatalf("no skipSentCopy: %d %s", r.Status, r.Body)
	}
	sandbox := owner.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "sb@sender.test"}).Map(t)["id"].(string)
	if r := owner.Do("POST", "/api/inboxes/"+sandbox+"/sent-copy/detect", nil); r.Status != 409 || r.ErrorCode() != "not_smtp" {
		t.Fatalf("a sandbox mailbox: %d %s", r.Status, r.Body)
	}
}
