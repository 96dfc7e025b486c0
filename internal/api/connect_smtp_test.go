package api_test

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/realmail"
)

// TestSMTPMailboxAgainstPostfixAndDovecot is the real-server end to end:
// connect the mailbox through the API (both logins checked by the real
// servers), launch, the message arrives in the lead's own mailbox, the lead
// replies from it, the sync reads the reply and the sequence stops. A Postfix
// bounce (an unknown local user) and an out-of-office sent from another
// mailbox are acted on too.
func TestSMTPMailboxAgainstPostfixAndDovecot(t *testing.T) {
	ms := realmail.Require(t, realmail.Options{Users: map[string]string{
		"sales@example.test": "sales-password",
		"ann@example.test":   "ann-password",
		"cat@example.test":   "cat-password",
	}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv := apptest.Start(t, map[string]string{"CRON_SECRET": "cron-secret", "LEADBITZ_SCHEDULER": "off"})
	srv.Connect.TrustRoots(ms.ClientTLS())
	owner := srv.SignUp(t, "Owner")

	body := func(password string) map[string]any {
		server := func(port int) map[string]any {
			return map[string]any{"host": ms.Host, "port": port, "username": "sales@example.test",
				"password": password, "security": "starttls"}
		}
		return map[string]any{"email": "sales@example.test", "displayName": "Sam Sales",
			"smtp": server(ms.SubmissionPort), "imap": server(ms.IMAPPort)}
	}
	r := owner.Do("POST", "/api/inboxes/smtp", body("not-the-password"))
	if r.Status != 422 || r.ErrorCode() != "connection_failed" {
		t.Fatalf("wrong password: %d %s", r.Status, r.Body)
	}
	if !strings.Contains(string(r.Body), `"step":"auth"`) || smtpCode535.MatchString(string(r.Body)) ||
		strings.Contains(string(r.Body), "not-the-password") {
		t.Fatalf("422 body %s: want the failed step in our words, not Postfix's answer, and no password", r.Body)
	}
	created := owner.Must(201, "POST", "/api/inboxes/smtp", body("sales-password")).Map(t)
	id := created["id"].(string)
	if created["provider"] != "smtp" || created["status"] != "active" || strings.Contains(string(owner.Must(200, "GET",
		"/api/inboxes/"+id, nil).Body), "sales-password") {
		t.Fatalf("created %v", created)
	}

	cid, leads := providerCampaign(t, owner, id, "ann@example.test", "nobody@example.test", "cat@example.test")
	if res := cronTick(t, srv); res["sent"].(float64) != 3 {
		t.Fatalf("tick: %v", res)
	}
	got, err := ms.WaitFor(ctx, "ann@example.test", "INBOX", "Quick question, Ann")
	if err != nil {
		t.Fatal(err)
	}
	first, _ := mailmsg.Parse(got.Raw)
	if _, err := ms.WaitFor(ctx, "sales@example.test", "Sent", first.MessageID); err != nil {
		t.Fatalf("no copy in the Sent folder: %v", err)
	}
	if first.Header.Get("List-Unsubscribe") == "" || first.From.Name != "Sam Sales" {
		t.Errorf("delivered headers: From %q, List-Unsubscribe %q", first.From, first.Header.Get("List-Unsubscribe"))
	}

	// Ann replies from her own mailbox; Cat's mailbox answers automatically.
	reply := func(user, password, subject, text string, parent *mailmsg.Inbound, extra []mailmsg.Field) {
		t.Helper()
		cfg := ms.Config(user)
		cfg.SMTP.Password, cfg.IMAP.Password = password, password
		mb, err := smtpimap.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer mb.Close()
		out := mailmsg.Outgoing{MessageID: mailmsg.NewMessageID("example.test"), From: mailAddr(user),
			To: []mail.Address{parent.From}, Subject: subject, Text: text, InReplyTo: parent.MessageID,
			References: mailmsg.ReplyReferences(parent.MessageID, parent.References), Extra: extra}
		raw, err := mailmsg.Build(out)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mb.Send(ctx, provider.OutgoingMessage{From: user, To: parent.From.Address, MessageID: out.MessageID,
			Raw: raw, InReplyTo: parent.MessageID}); err != nil {
			t.Fatal(err)
		}
	}
	reply("ann@example.test", "ann-password", "Re: "+first.Subject, "Happy to talk, call me Friday.", first, nil)
	catGot, err := ms.WaitFor(ctx, "cat@example.test", "INBOX", "Quick question, Cat")
	if err != nil {
		t.Fatal(err)
	}
	catFirst, _ := mailmsg.Parse(catGot.Raw)
	back := time.Now().UTC().AddDate(0, 0, 9)
	reply("cat@example.test", "cat-password", "Automatic reply: "+catFirst.Subject,
		"I am out of the office until "+back.Format("January 2, 2006")+".", catFirst,
		[]mailmsg.Field{{Key: "Auto-Submitted", Value: "auto-replied"}})
	// Postfix returns nobody@'s message with a DSN; wait until all three
	// are in the sales mailbox.
	for _, s := range []string{"Happy to talk", "Undelivered Mail Returned to Sender", "Automatic reply"} {
		if _, err := ms.WaitFor(ctx, "sales@example.test", "INBOX", s); err != nil {
			t.Fatal(err)
		}
	}

	if res := syncMailboxes(t, srv); res.Messages != 3 {
		t.Fatalf("sync: %v", res)
	}
	assertActedOn(t, owner, cid, leads["ann@example.test"], leads["nobody@example.test"], leads["cat@example.test"], "nobody@example.test")
	x := leadStatus(t, owner, cid, leads["ann@example.test"])
	if x["nextStep"].(float64) != 0 {
		t.Errorf("ann's sequence still has a step waiting: %v", x)
	}
	if v := mailboxView(t, owner, id); v["lastSyncAt"] == nil || v["lastError"] != "" {
		t.Errorf("health: %v", v)
	}

	// The password changes on the server: the next sync is refused, the
	// mailbox is disconnected; posting the new password reconnects it.
	if err := ms.AddUser("sales@example.test", "new-password"); err != nil {
		t.Fatal(err)
	}
	srv.Connect.Forget(id) // drop the open IMAP session, as a server restart would
	syncMailboxes(t, srv)
	if v := mailboxView(t, owner, id); v["status"] != "disconnected" {
		t.Fatalf("after the password changed: %v", v)
	}
	if v := owner.Must(200, "POST", "/api/inboxes/smtp", body("new-password")).Map(t); v["id"] != id || v["status"] != "active" {
		t.Fatalf("reconnect: %v", v)
	}
}

func mailAddr(a string) mail.Address { return mail.Address{Address: a} }

// smtpCode535 finds the server's 535 answer as a word: the port in a
// message may hold the digits 535.
var smtpCode535 = regexp.MustCompile(`\b535\b`)
