package connect_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
	"github.com/leadbitz/leadbitz/internal/store"
)

// TestDetectSentCopy: the detection tells a server that files submitted
// mail in Sent from one that does not; applied, the mailbox stops
// appending its own copy at once, and turning the option back on restores
// the copy.
func TestDetectSentCopy(t *testing.T) {
	h := newHarness(t)
	s, i := smtpServers(t, h)
	res, err := h.svc.ConnectSMTP(h.ctx, h.p, smtpInput(s, i, smtpPass), account.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	id := res.MailboxID
	sentCount := func() int {
		msgs, err := i.Messages("Sent", tlsOf(t, h))
		if err != nil {
			t.Fatal(err)
		}
		return len(msgs)
	}
	send := func() {
		mb, err := h.svc.Open(h.ctx, h.p.WorkspaceID, h.mailbox(id))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mb.Send(h.ctx, outgoing(t, smtpUser, "lead@example.net", "Hello")); err != nil {
			t.Fatal(err)
		}
		if err := mb.Close(); err != nil { // flushes the copy to Sent
			t.Fatal(err)
		}
	}

	// A server that does not file submitted mail: nothing changes.
	got, err := h.svc.DetectSentCopy(h.ctx, h.p, id, true, account.Meta{})
	if err != nil || got.ServerFilesSent == nil || *got.ServerFilesSent || got.SkipSentCopy || got.Changed {
		t.Fatalf("detection on a server that does not file: %+v, %v", got, err)
	}
	before := sentCount()
	send()
	if n := sentCount() - before; n != 1 {
		t.Fatalf("%d copies in Sent after a send, want ours", n)
	}

	// A server that files it (during the first wait, as a real one would):
	// offered without apply, set with it.
	h.wait = func(context.Context) error {
		msgs := s.Messages()
		last := msgs[len(msgs)-1]
		if !strings.Contains(string(last.Data), "Leadbitz connection test") {
			t.Fatalf("the last message is not the test message: %.200s", last.Data)
		}
		_, err := i.Append("Sent", last.Data, time.Time{})
		return err
	}
	got, err = h.svc.DetectSentCopy(h.ctx, h.p, id, false, account.Meta{})
	if err != nil || got.ServerFilesSent == nil || !*got.ServerFilesSent || got.SkipSentCopy || got.Changed {
		t.Fatalf("detection without apply: %+v, %v", got, err)
	}
	got, err = h.svc.DetectSentCopy(h.ctx, h.p, id, true, account.Meta{})
	if err != nil || !*got.ServerFilesSent || !got.SkipSentCopy || !got.Changed {
		t.Fatalf("detection with apply: %+v, %v", got, err)
	}
	if ib := h.mailbox(id); !strings.Contains(ib.Config, `"skipSentCopy":true`) || strings.Contains(ib.Config, smtpPass) {
		t.Fatalf("stored settings %s", ib.Config)
	}
	before = sentCount()
	send()
	if n := sentCount() - before; n != 0 {
		t.Fatalf("%d copies appended with the copy skipped", n)
	}

	// Turned back on: the next send is copied again.
	if got, err := h.svc.SetSkipSentCopy(h.ctx, h.p, id, false, account.Meta{}); err != nil || got.SkipSentCopy || !got.Changed {
		t.Fatalf("turning the copy back on: %+v, %v", got, err)
	}
	before = sentCount()
	send()
	if n := sentCount() - before; n != 1 {
		t.Fatalf("%d copies after turning the copy back on", n)
	}
	var audits int
	events, _ := h.scope().AuditEvents(h.ctx, "", 50)
	for _, e := range events {
		if e.Action == "inbox.sent_copy_changed" {
			audits++
		}
	}
	if audits != 2 {
		t.Errorf("%d audit events of the change, want 2", audits)
	}

	// Only SMTP mailboxes have a copy; another workspace's is not found.
	sandbox := store.Mailbox{Email: "sb@example.org", Provider: store.ProviderSandbox}
	if err := h.scope().CreateMailbox(h.ctx, &sandbox); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.DetectSentCopy(h.ctx, h.p, sandbox.ID, true, account.Meta{}); !isProblem(err, problem.Conflict, "not_smtp") {
		t.Errorf("a sandbox mailbox: %v", err)
	}
	stranger := h.p
	stranger.WorkspaceID = "another-workspace"
	if _, err := h.svc.SetSkipSentCopy(h.ctx, stranger, id, true, account.Meta{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another workspace's mailbox: %v", err)
	}
}

func isProblem(err error, kind problem.Kind, code string) bool {
	p, ok := problem.As(err)
	return ok && p.Kind == kind && p.Code == code
}

// TestSentCopyFailuresShowOnTheMailbox: copies to Sent the server refuses
// are recorded on the mailbox row (the page and the alert strip read it);
// the next copy stored clears the error and keeps when it last failed.
func TestSentCopyFailuresShowOnTheMailbox(t *testing.T) {
	h := newHarness(t)
	var refuse atomic.Bool
	s, i := smtpServers(t, h, func(o *smtpimapfake.IMAPOptions) {
		o.BeforeAppend = func([]byte) error {
			if refuse.Load() {
				return errors.New("mailbox is over quota")
			}
			return nil
		}
	})
	res, err := h.svc.ConnectSMTP(h.ctx, h.p, smtpInput(s, i, smtpPass), account.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	send := func(subject string) {
		mb, err := h.svc.Open(h.ctx, h.p.WorkspaceID, h.mailbox(res.MailboxID))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mb.Send(h.ctx, outgoing(t, smtpUser, "lead@example.net", subject)); err != nil {
			t.Fatalf("a refused copy failed the send: %v", err)
		}
		if err := mb.Close(); err != nil { // waits for the copy
			t.Fatal(err)
		}
	}
	refuse.Store(true)
	send("One")
	m := h.mailbox(res.MailboxID)
	if !strings.Contains(m.SentCopyError, "over quota") || m.SentCopyFailedAt == nil || strings.Contains(m.SentCopyError, smtpPass) {
		t.Fatalf("after a refused copy: error %q at %v", m.SentCopyError, m.SentCopyFailedAt)
	}
	refuse.Store(false)
	send("Two")
	if m := h.mailbox(res.MailboxID); m.SentCopyError != "" || m.SentCopyFailedAt == nil {
		t.Fatalf("after a stored copy: error %q at %v", m.SentCopyError, m.SentCopyFailedAt)
	}
}
