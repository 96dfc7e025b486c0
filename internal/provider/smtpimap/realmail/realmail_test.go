package realmail_test

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/realmail"
	"github.com/leadbitz/leadbitz/internal/replies/classify"
)

// One server for the whole file: starting Postfix and Dovecot takes about a
// second, and the subtests use separate mailboxes.
func startServer(t *testing.T) *realmail.Server {
	return realmail.Require(t, realmail.Options{Users: map[string]string{
		"alice@example.test": "alice-password",
		"lead@example.test":  "lead-password",
		"carol@example.test": "carol-password",
		"dave@example.test":  "dave-password",
	}})
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func open(t *testing.T, cfg smtpimap.Config) *smtpimap.Mailbox {
	t.Helper()
	m, err := smtpimap.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func build(t *testing.T, from, to, subject, text, inReplyTo string) provider.OutgoingMessage {
	t.Helper()
	out := mailmsg.Outgoing{MessageID: mailmsg.NewMessageID("example.test"), From: mail.Address{Name: "Zoë Sender", Address: from},
		To: []mail.Address{{Address: to}}, Subject: subject, Text: text}
	if inReplyTo != "" {
		out.InReplyTo, out.References = inReplyTo, []string{inReplyTo}
	}
	raw, err := mailmsg.Build(out)
	if err != nil {
		t.Fatal(err)
	}
	return provider.OutgoingMessage{From: from, To: to, MessageID: out.MessageID, Raw: raw, InReplyTo: inReplyTo}
}

// drain fetches until the mailbox has nothing more, returning every message
// and the final cursor.
func drain(t *testing.T, ctx context.Context, m *smtpimap.Mailbox, cursor string) ([]provider.InboundMessage, string, bool) {
	t.Helper()
	var all []provider.InboundMessage
	reset := false
	for {
		p, err := m.Fetch(ctx, cursor)
		if err != nil {
			t.Fatalf("fetch from %q: %v", cursor, err)
		}
		all = append(all, p.Messages...)
		reset = reset || p.Reset
		cursor = p.Cursor
		if !p.More {
			return all, cursor, reset
		}
	}
}

func TestRealServer(t *testing.T) {
	srv := startServer(t)

	t.Run("verify", func(t *testing.T) {
		ctx := ctxFor(t)
		good := srv.Config("alice@example.test")
		if err := smtpimap.Verify(ctx, good); err != nil {
			t.Fatalf("verify with the right password: %v", err)
		}
		implicit := good
		implicit.SMTP.Port, implicit.SMTP.Security = srv.SubmissionsPort, smtpimap.ImplicitTLS
		implicit.IMAP.Port, implicit.IMAP.Security = srv.IMAPSPort, smtpimap.ImplicitTLS
		if err := smtpimap.Verify(ctx, implicit); err != nil {
			t.Fatalf("verify over implicit TLS: %v", err)
		}

		bad := good
		bad.SMTP.Password, bad.IMAP.Password = "wrong", "wrong"
		err := smtpimap.Verify(ctx, bad)
		var ve *smtpimap.VerifyError
		if !errors.As(err, &ve) || ve.SMTP == nil || ve.IMAP == nil {
			t.Fatalf("wrong password: got %v, want a VerifyError on both sides", err)
		}
		if provider.Kind(ve.SMTP) != provider.Auth || provider.Kind(ve.IMAP) != provider.Auth {
			t.Errorf("wrong password kinds: smtp %v, imap %v; want auth", provider.Kind(ve.SMTP), provider.Kind(ve.IMAP))
		}
		// The user sees the failed step in our words: neither what the
		// server said (Postfix's 535, its banner) nor the password.
		if f := ve.Failures(); len(f) != 2 || f[0].Step != "auth" || f[1].Step != "auth" {
			t.Errorf("failures %+v: want auth on both sides", f)
		}
		if msg := err.Error(); smtpCode535.MatchString(msg) || strings.Contains(msg, "Postfix") || strings.Contains(msg, "wrong") {
			t.Errorf("message %q: want our words and never the password", msg)
		}

		// STARTTLS refused by a client that does not trust the certificate.
		untrusted := good
		untrusted.TLSConfig = nil
		if err := smtpimap.Verify(ctx, untrusted); !errors.As(err, &ve) || ve.Failures()[0].Step != "tls" {
			t.Errorf("verify trusted a certificate outside the system roots: %v", err)
		}

		// The default guard refuses the server on loopback.
		strict := good
		strict.Guard = nil
		if err := smtpimap.Verify(ctx, strict); !errors.As(err, &ve) || ve.Failures()[0].Step != "connect" {
			t.Errorf("loopback with the default guard: %v", err)
		}
	})

	t.Run("postfix does not file submitted mail in Sent", func(t *testing.T) {
		ctx := ctxFor(t)
		found, err := smtpimap.DetectServerSentCopy(ctx, srv.Config("carol@example.test"), func(context.Context) error { return nil })
		if err != nil || found {
			t.Fatalf("DetectServerSentCopy = %v, %v; want false", found, err)
		}
	})

	t.Run("bulk sends: every copy in Sent exactly once", func(t *testing.T) {
		ctx := ctxFor(t)
		for _, u := range []string{"bulk", "bulklead"} {
			if err := srv.AddUser(u+"@example.test", u+"-password"); err != nil {
				t.Fatal(err)
			}
		}
		cfg := srv.Config("bulk@example.test")
		bulk := open(t, cfg)
		const n = 300 // several MULTIAPPEND batches
		ids := make([]string, n)
		for i := range n {
			ids[i] = fmt.Sprintf("<bulk%d@leadbitz.test>", i)
			raw := fmt.Sprintf("From: bulk@example.test\r\nTo: bulklead@example.test\r\nSubject: bulk %d\r\nMessage-ID: %s\r\n\r\nHello %d\r\n", i, ids[i], i)
			if _, err := bulk.Send(ctx, provider.OutgoingMessage{From: "bulk@example.test", To: "bulklead@example.test", MessageID: ids[i], Raw: []byte(raw)}); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
		}
		// FindSent waits for what is queued: the last message is there.
		if _, ok, err := bulk.FindSent(ctx, ids[n-1]); err != nil || !ok {
			t.Fatalf("FindSent(last) = %v, %v", ok, err)
		}
		if err := bulk.Close(); err != nil {
			t.Fatal(err)
		}
		// A new client (as after a restart) finds every one.
		again := open(t, cfg)
		for _, id := range []string{ids[0], ids[n/2], ids[n-2]} {
			if _, ok, err := again.FindSent(ctx, id); err != nil || !ok {
				t.Errorf("FindSent(%s) = %v, %v", id, ok, err)
			}
		}
		copies, err := srv.Messages(ctx, "bulk@example.test", "Sent")
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, c := range copies {
			for _, id := range ids {
				if strings.Contains(string(c.Raw), "Message-ID: "+id+"\r\n") {
					seen[id] = true
				}
			}
		}
		if len(copies) != n || len(seen) != n {
			t.Errorf("Sent holds %d copies of %d messages, want %d of %d", len(copies), len(seen), n, n)
		}
	})

	t.Run("send, sent copy, find, fetch, reply", func(t *testing.T) {
		ctx := ctxFor(t)
		alice := open(t, srv.Config("alice@example.test"))
		lead := open(t, srv.Config("lead@example.test"))

		// The lead's mailbox starts empty; an initial sync has a cursor.
		msgs, leadCursor, _ := drain(t, ctx, lead, "")
		if len(msgs) != 0 {
			t.Fatalf("lead starts with %d messages", len(msgs))
		}

		out := build(t, "alice@example.test", "lead@example.test", "Quick question, Zoë", "Hello from Alice", "")
		sent, err := alice.Send(ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		if sent.MessageID != out.MessageID {
			t.Errorf("sent Message-ID %q, want ours %q", sent.MessageID, out.MessageID)
		}
		// Postfix delivered it over LMTP to Dovecot.
		got, err := srv.WaitFor(ctx, "lead@example.test", "INBOX", out.MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(got.Raw), "Hello from Alice") {
			t.Errorf("delivered message lacks the body:\n%s", got.Raw)
		}
		// The copy in the \Sent folder, found by SPECIAL-USE.
		if _, err := srv.WaitFor(ctx, "alice@example.test", "Sent", out.MessageID); err != nil {
			t.Fatalf("no copy in Sent: %v", err)
		}
		found, ok, err := alice.FindSent(ctx, out.MessageID)
		if err != nil || !ok || found.MessageID != out.MessageID {
			t.Fatalf("FindSent(%s) = %+v, %v, %v", out.MessageID, found, ok, err)
		}
		if _, ok, err := alice.FindSent(ctx, "<never-sent@example.test>"); err != nil || ok {
			t.Fatalf("FindSent of an unknown id = %v, %v", ok, err)
		}

		// The lead's incremental sync returns exactly the new message.
		msgs, leadCursor, reset := drain(t, ctx, lead, leadCursor)
		if reset || len(msgs) != 1 {
			t.Fatalf("lead fetch: %d messages (reset %v), want 1", len(msgs), reset)
		}
		in, _ := mailmsg.Parse(msgs[0].Raw)
		if in.MessageID != out.MessageID || in.Subject != "Quick question, Zoë" || msgs[0].Folder != provider.FolderInbox {
			t.Errorf("fetched %q %q from %q", in.MessageID, in.Subject, msgs[0].Folder)
		}
		if again, _, _ := drain(t, ctx, lead, leadCursor); len(again) != 0 {
			t.Errorf("a second fetch from the stored cursor repeated %d messages", len(again))
		}

		// The lead replies from its own mailbox; Alice's sync sees it threaded.
		_, aliceCursor, _ := drain(t, ctx, alice, "")
		reply := build(t, "lead@example.test", "alice@example.test", "Re: Quick question, Zoë", "Sounds good", out.MessageID)
		if _, err := lead.Send(ctx, reply); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitFor(ctx, "alice@example.test", "INBOX", reply.MessageID); err != nil {
			t.Fatal(err)
		}
		msgs, _, _ = drain(t, ctx, alice, aliceCursor)
		if len(msgs) != 1 {
			t.Fatalf("alice fetch after the reply: %d messages, want 1", len(msgs))
		}
		in, _ = mailmsg.Parse(msgs[0].Raw)
		if len(in.InReplyTo) != 1 || in.InReplyTo[0] != out.MessageID {
			t.Errorf("reply In-Reply-To %v, want %s", in.InReplyTo, out.MessageID)
		}
		if v := classify.Classify(in); v.Kind != classify.KindReply {
			t.Errorf("the reply classified as %s (%v)", v.Kind, v.Reasons)
		}
	})

	t.Run("bounce from postfix", func(t *testing.T) {
		ctx := ctxFor(t)
		carol := open(t, srv.Config("carol@example.test"))
		_, cursor, _ := drain(t, ctx, carol, "")
		out := build(t, "carol@example.test", "nobody@example.test", "Hello", "Anyone there?", "")
		// Submission accepts it; Dovecot refuses the unknown user at LMTP
		// RCPT and Postfix returns a DSN to the sender.
		if _, err := carol.Send(ctx, out); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.WaitFor(ctx, "carol@example.test", "INBOX", "Undelivered Mail Returned to Sender"); err != nil {
			t.Fatal(err)
		}
		msgs, _, _ := drain(t, ctx, carol, cursor)
		if len(msgs) != 1 {
			t.Fatalf("%d messages, want the bounce", len(msgs))
		}
		v, err := classify.ClassifyRaw(msgs[0].Raw)
		if err != nil {
			t.Fatal(err)
		}
		if v.Kind != classify.KindBounce || !v.Hard || v.Status != "5.1.1" ||
			len(v.Recipients) != 1 || v.Recipients[0] != "nobody@example.test" || v.OriginalMessageID != out.MessageID {
			t.Errorf("postfix bounce classified as %+v", v)
		}
	})

	t.Run("a changed password disconnects", func(t *testing.T) {
		ctx := ctxFor(t)
		cfg := srv.Config("carol@example.test")
		carol := open(t, cfg)
		if _, _, err := carol.FindSent(ctx, "<x@example.test>"); err != nil {
			t.Fatal(err)
		}
		if err := srv.AddUser("carol@example.test", "carol-new-password"); err != nil {
			t.Fatal(err)
		}
		err := smtpimap.Verify(ctx, cfg)
		var ve *smtpimap.VerifyError
		if !errors.As(err, &ve) || provider.Kind(ve.SMTP) != provider.Auth || provider.Kind(ve.IMAP) != provider.Auth {
			t.Fatalf("old password after the change: %v", err)
		}
		if err := smtpimap.Verify(ctx, srv.Config("carol@example.test")); err != nil {
			t.Fatalf("new password: %v", err)
		}
	})

	t.Run("uidvalidity change rescans", func(t *testing.T) {
		ctx := ctxFor(t)
		dave := open(t, srv.Config("dave@example.test"))
		alice := open(t, srv.Config("alice@example.test"))
		for i := range 3 {
			m := build(t, "alice@example.test", "dave@example.test", fmt.Sprintf("Note %d", i), "text", "")
			if _, err := alice.Send(ctx, m); err != nil {
				t.Fatal(err)
			}
			if _, err := srv.WaitFor(ctx, "dave@example.test", "INBOX", m.MessageID); err != nil {
				t.Fatal(err)
			}
		}
		msgs, cursor, _ := drain(t, ctx, dave, "")
		if len(msgs) != 3 {
			t.Fatalf("initial scan: %d messages, want 3", len(msgs))
		}
		v, err := srv.UIDValidity(ctx, "dave@example.test", "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		list, err := srv.Messages(ctx, "dave@example.test", "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%d:%d", v, list[len(list)-1].UID); cursor != want {
			t.Errorf("cursor %q, want uidvalidity:last uid %q", cursor, want)
		}

		if err := srv.SetUIDValidity(ctx, "dave@example.test", "INBOX", v+1000); err != nil {
			t.Fatal(err)
		}
		msgs, cursor, reset := drain(t, ctx, dave, cursor)
		if !reset || len(msgs) != 3 {
			t.Fatalf("after a UIDVALIDITY change: reset %v, %d messages; want a rescan of 3", reset, len(msgs))
		}
		if !strings.HasPrefix(cursor, fmt.Sprint(v+1000)+":") {
			t.Errorf("cursor %q does not carry the new UIDVALIDITY %d", cursor, v+1000)
		}
		if again, _, reset := drain(t, ctx, dave, cursor); len(again) != 0 || reset {
			t.Errorf("after the rescan: %d messages, reset %v", len(again), reset)
		}
	})
}

// smtpCode535 finds the server's 535 answer as a word: the port in a
// message may hold the digits 535.
var smtpCode535 = regexp.MustCompile(`\b535\b`)
