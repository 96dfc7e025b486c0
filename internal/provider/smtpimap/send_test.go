package smtpimap_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

func TestSendEachSecurityMode(t *testing.T) {
	for _, sec := range []smtpimap.Security{smtpimap.StartTLS, smtpimap.ImplicitTLS, smtpimap.Plain} {
		t.Run(string(sec), func(t *testing.T) {
			e := newEnv(t, envOptions{security: sec})
			m := e.mailbox(t)
			msg := outgoing(lead, "<m1@leadbitz.test>")
			sent, err := m.Send(ctx, msg)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			got := e.smtp.Messages()
			if len(got) != 1 || got[0].From != me || len(got[0].To) != 1 || got[0].To[0] != lead {
				t.Fatalf("received = %+v", got)
			}
			if !bytes.Equal(got[0].Data, msg.Raw) {
				t.Errorf("data differs (dot-stuffing or line endings):\n%q", got[0].Data)
			}
			copies := e.folder(t, "Sent")
			if len(copies) != 1 || !bytes.Equal(copies[0], msg.Raw) {
				t.Errorf("Sent folder = %q", copies)
			}
			if sent.MessageID != "<m1@leadbitz.test>" || sent.ProviderID != "" {
				t.Errorf("sent = %+v", sent)
			}
		})
	}
}

func TestSendReusesOneConnection(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := e.mailbox(t, func(c *smtpimap.Config) { c.SkipSentCopy = true })
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if _, err := m.Send(ctx, outgoing(lead, "<m"+strconv.Itoa(i)+"@leadbitz.test>")); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if e.smtp.Count() != 20 || e.smtp.Connections() != 1 {
		t.Errorf("messages %d over %d connections, want 20 over 1", e.smtp.Count(), e.smtp.Connections())
	}
	if len(e.folder(t, "Sent")) != 0 {
		t.Errorf("SkipSentCopy still appended")
	}
}

func TestReconnectsAfterServerDroppedIdleSession(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := e.mailbox(t)
	if _, err := m.Send(ctx, outgoing(lead, "<a@leadbitz.test>")); err != nil {
		t.Fatal(err)
	}
	e.smtp.DropConnections()
	if _, err := m.Send(ctx, outgoing(lead, "<b@leadbitz.test>")); err != nil {
		t.Fatalf("send after the server dropped the session: %v", err)
	}
	if e.smtp.Count() != 2 || e.smtp.Connections() != 2 {
		t.Errorf("count %d connections %d, want 2 and 2", e.smtp.Count(), e.smtp.Connections())
	}
}

func TestSMTPRefusals(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*smtpimapfake.SMTPServer)
		kind  provider.ErrorKind
		code  string
		conns int // connections after a following good send
	}{
		{"unknown recipient", func(s *smtpimapfake.SMTPServer) {
			s.RejectRecipient(lead, 550, smtp.EnhancedCode{5, 1, 1}, "No such user")
		}, provider.Permanent, "550 5.1.1", 1},
		{"greylisted recipient", func(s *smtpimapfake.SMTPServer) {
			s.RejectRecipient(lead, 451, smtp.EnhancedCode{4, 7, 1}, "Try again later")
		}, provider.Transient, "451 4.7.1", 1},
		{"mailbox full is not our rate limit", func(s *smtpimapfake.SMTPServer) {
			s.RejectRecipient(lead, 452, smtp.EnhancedCode{4, 2, 2}, "Mailbox full, over quota")
		}, provider.Transient, "452 4.2.2", 1},
		{"content rejected", func(s *smtpimapfake.SMTPServer) {
			s.FailNextData(554, smtp.EnhancedCode{5, 7, 1}, "Message rejected as spam")
		}, provider.Permanent, "554 5.7.1", 1},
		{"daily quota", func(s *smtpimapfake.SMTPServer) {
			s.FailNextData(550, smtp.EnhancedCode{5, 4, 5}, "Daily user sending quota exceeded")
		}, provider.RateLimited, "550 5.4.5", 1},
		{"sender not allowed", func(s *smtpimapfake.SMTPServer) {
			s.FailNextMail(553, smtp.EnhancedCode{5, 7, 1}, "Sender address rejected: not owned by user")
		}, provider.Auth, "553 5.7.1", 1},
		{"server closing", func(s *smtpimapfake.SMTPServer) {
			s.FailNextMail(421, smtp.EnhancedCode{4, 3, 2}, "Service shutting down")
		}, provider.Transient, "421 4.3.2", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			m := e.mailbox(t, func(c *smtpimap.Config) { c.SkipSentCopy = true })
			tt.setup(e.smtp)
			_, err := m.Send(ctx, outgoing(lead, "<x@leadbitz.test>"))
			if pe := wantKind(t, err, tt.kind); pe.Code != tt.code {
				t.Errorf("code = %q, want %q", pe.Code, tt.code)
			}
			// The session is still usable for the next message (after RSET).
			if _, err := m.Send(ctx, outgoing("other@example.org", "<y@leadbitz.test>")); err != nil {
				t.Fatalf("next send: %v", err)
			}
			if e.smtp.Connections() != tt.conns {
				t.Errorf("connections = %d, want %d", e.smtp.Connections(), tt.conns)
			}
		})
	}
}

func TestAuthMechanisms(t *testing.T) {
	for _, mech := range []string{"PLAIN", "LOGIN"} {
		t.Run(mech, func(t *testing.T) {
			e := newEnv(t, envOptions{smtp: smtpimapfake.SMTPOptions{Mechanisms: []string{mech}}})
			m := e.mailbox(t, func(c *smtpimap.Config) { c.SkipSentCopy = true })
			if _, err := m.Send(ctx, outgoing(lead, "<a@leadbitz.test>")); err != nil {
				t.Fatal(err)
			}
		})
	}
	e := newEnv(t, envOptions{smtp: smtpimapfake.SMTPOptions{Mechanisms: []string{"CRAM-MD5"}}})
	_, err := e.mailbox(t).Send(ctx, outgoing(lead, "<a@leadbitz.test>"))
	wantKind(t, err, provider.Auth)
}

func TestWrongPasswordIsAuth(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := e.mailbox(t, func(c *smtpimap.Config) { c.SMTP.Password = "wrong" })
	_, err := m.Send(ctx, outgoing(lead, "<a@leadbitz.test>"))
	if pe := wantKind(t, err, provider.Auth); pe.Code != "535 5.7.8" {
		t.Errorf("code = %q", pe.Code)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error contains the password: %v", err)
	}
}

func TestCancelledSendFailsAndRecovers(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := e.mailbox(t, func(c *smtpimap.Config) { c.SkipSentCopy = true })
	if _, err := m.Send(ctx, outgoing(lead, "<a@leadbitz.test>")); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := m.Send(cancelled, outgoing(lead, "<b@leadbitz.test>"))
	wantKind(t, err, provider.Transient)
	if _, err := m.Send(ctx, outgoing(lead, "<c@leadbitz.test>")); err != nil {
		t.Fatalf("send after a cancelled one: %v", err)
	}
}

func TestSendRejectsIncompleteMessage(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, err := e.mailbox(t).Send(ctx, provider.OutgoingMessage{From: me, MessageID: "<x@y>", Raw: []byte("x")})
	wantKind(t, err, provider.Permanent)
}

// TestSentCopiesOffTheSendPath: Send returns before its copy is in Sent;
// FindSent, Flush and Close each wait for the copies queued before them,
// and every copy arrives exactly once.
func TestSentCopiesOffTheSendPath(t *testing.T) {
	e := newEnv(t, envOptions{})
	m := e.mailbox(t)
	const n = 300 // more than one pipelined batch and than the queue bound
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() {
			for i := w; i < n; i += 6 {
				if _, err := m.Send(ctx, outgoing(lead, "<c"+strconv.Itoa(i)+"@leadbitz.test>")); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	// No Flush: FindSent must see the last message sent.
	if _, ok, err := m.FindSent(ctx, "<c"+strconv.Itoa(n-1)+"@leadbitz.test>"); err != nil || !ok {
		t.Fatalf("FindSent right after Send = %v, %v", ok, err)
	}
	if _, err := m.Send(ctx, outgoing(lead, "<last@leadbitz.test>")); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	copies := e.folder(t, "Sent")
	seen := map[string]int{}
	for _, c := range copies {
		for _, line := range strings.Split(string(c), "\r\n") {
			if id, ok := strings.CutPrefix(line, "Message-ID: "); ok {
				seen[id]++
			}
		}
	}
	if len(copies) != n+1 || len(seen) != n+1 {
		t.Fatalf("Sent holds %d copies of %d messages, want %d of %d", len(copies), len(seen), n+1, n+1)
	}
}

// TestFlushIgnoresLaterCopies: a flush waits for the copies queued before
// it, not for those queued while it waits (the send engine records one
// batch while the next one's copies are being queued).
func TestFlushIgnoresLaterCopies(t *testing.T) {
	arrived := map[string]chan struct{}{"<first@": make(chan struct{}), "<later@": make(chan struct{})}
	release := map[string]chan struct{}{"<first@": make(chan struct{}), "<later@": make(chan struct{})}
	e := newEnv(t, envOptions{imap: smtpimapfake.IMAPOptions{BeforeAppend: func(raw []byte) error {
		for id := range arrived {
			if bytes.Contains(raw, []byte("Message-ID: "+id)) {
				close(arrived[id])
				<-release[id]
			}
		}
		return nil
	}}})
	// Held copies must not time out and be given up while the test waits.
	m := e.mailbox(t, func(c *smtpimap.Config) { c.Timeout = time.Minute })
	var releaseLater sync.Once
	t.Cleanup(func() { releaseLater.Do(func() { close(release["<later@"]) }) }) // before m.Close
	if _, err := m.Send(ctx, outgoing(lead, "<first@leadbitz.test>")); err != nil {
		t.Fatal(err)
	}
	<-arrived["<first@"] // the first copy is in flight on its own
	mark := smtpimap.CopiesMark(m)
	if _, err := m.Send(ctx, outgoing(lead, "<later@leadbitz.test>")); err != nil {
		t.Fatal(err)
	}
	close(release["<first@"])
	<-arrived["<later@"] // the later copy is in flight and held there
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := smtpimap.WaitCopies(waitCtx, m, mark); err != nil {
		t.Fatalf("the wait for the first copy waited for the later one too: %v", err)
	}
	releaseLater.Do(func() { close(release["<later@"]) })
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(e.folder(t, "Sent")); got != 2 {
		t.Fatalf("Sent holds %d copies, want 2", got)
	}
}

// TestSentCopyFailureIsReportedNotReturned: a copy the server refuses
// fails neither the send nor the flush; CopiesStored hears why (and hears
// nil for copies stored).
func TestSentCopyFailureIsReportedNotReturned(t *testing.T) {
	e := newEnv(t, envOptions{})
	for _, tc := range []struct {
		folder  string
		failing bool
	}{{"No Such Folder", true}, {"Sent", false}} {
		var reports []error
		m := e.mailbox(t, func(c *smtpimap.Config) {
			c.SentFolder = tc.folder
			c.CopiesStored = func(err error) { reports = append(reports, err) }
		})
		if _, err := m.Send(ctx, outgoing(lead, "<x-"+tc.folder+"@leadbitz.test>")); err != nil {
			t.Fatalf("%s: a failed copy failed the send: %v", tc.folder, err)
		}
		if err := m.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if len(reports) != 1 || (reports[0] != nil) != tc.failing {
			t.Fatalf("%s: CopiesStored heard %v", tc.folder, reports)
		}
		if tc.failing && !strings.Contains(reports[0].Error(), "1 of 1 copies to Sent not stored") {
			t.Errorf("report: %v", reports[0])
		}
	}
	if e.smtp.Count() != 2 {
		t.Errorf("sent %d, want 2", e.smtp.Count())
	}
}
