package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

func init() {
	pageIsolationCases = append(pageIsolationCases, struct{ method, path string }{"POST", "/mailboxes/{mailbox}/sent-copy"})
}

// TestMailboxSentCopyButtons: an SMTP mailbox's page tests whether the
// server files sent mail in Sent itself and then skips the copy; the copy
// can be turned back on.
func TestMailboxSentCopyButtons(t *testing.T) {
	t.Parallel()
	imapSrv, err := smtpimapfake.StartIMAP(smtpimapfake.IMAPOptions{Username: "sales@fake.example", Password: "pw",
		Folders: map[string][]imap.MailboxAttr{"Sent": {imap.MailboxAttrSent}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { imapSrv.Close() })
	// The server files what it accepts in Sent, as Gmail and Exchange do.
	smtpSrv, err := smtpimapfake.StartSMTP(smtpimapfake.SMTPOptions{Username: "sales@fake.example", Password: "pw",
		Accepted: func(m smtpimapfake.Received) { _, _ = imapSrv.Append("Sent", m.Data, time.Time{}) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smtpSrv.Close() })
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	r := postForm(t, a.Client, "/mailboxes/connect/smtp", url.Values{"email": {"sales@fake.example"}, "timezone": {"UTC"},
		"smtp.host": {smtpSrv.Host}, "smtp.port": {strconv.Itoa(smtpSrv.Port)}, "smtp.security": {"none"},
		"smtp.username": {"sales@fake.example"}, "smtp.password": {"pw"},
		"imap.host": {imapSrv.Host}, "imap.port": {strconv.Itoa(imapSrv.Port)}, "imap.security": {"none"}})
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/mailboxes/") {
		t.Fatalf("connect: %d %q", r.Status, loc)
	}
	section := func() string {
		sec := byID(doc(t, get(t, a.Client, loc, 200).Body), "sent-copy")
		if sec == nil {
			t.Fatal("no Copy to Sent section")
		}
		return text(sec)
	}
	if s := section(); !strings.Contains(s, "Test whether the server files sent mail") {
		t.Fatalf("section before: %s", s)
	}
	r = postForm(t, a.Client, loc+"/sent-copy", url.Values{"action": {"detect"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("detect: %d %.300s", r.Status, r.Body)
	}
	page := text(doc(t, get(t, a.Client, loc, 200).Body))
	if !strings.Contains(page, "no longer appends its own copy") || !strings.Contains(section(), "Append a copy again") {
		t.Fatalf("after detecting: %.600s", page)
	}
	postForm(t, a.Client, loc+"/sent-copy", url.Values{"action": {"copy"}})
	if s := section(); !strings.Contains(s, "Test whether the server files sent mail") {
		t.Fatalf("after turning the copy back on: %s", s)
	}
	if r := postForm(t, a.Client, loc+"/sent-copy", url.Values{"action": {"explode"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("unknown action: %d", r.Status)
	}
}
