package connect_test

import (
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/connect"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

// The registry builds mailboxes with MaxInboundBytes: a message over it
// comes back truncated to it.
func TestRegistryMailboxesReadAtMostMaxInboundBytes(t *testing.T) {
	const limit = 64 << 10
	h := newHarness(t)
	s, i := smtpServers(t, h)
	res, err := h.svc.ConnectSMTP(h.ctx, h.p, smtpInput(s, i, smtpPass), account.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	head := mailfake.AttachmentHead("lead@example.net", smtpUser, "Re: hello", "<big@example.net>", "", "Sure.")
	if _, err := i.DeliverGenerated(head, 100*limit, time.Now()); err != nil {
		t.Fatal(err)
	}
	svc, err := connect.New(connect.Config{Store: h.st, Env: env.New(nil, nil), Keys: h.keys, BaseURL: baseURL, SMTPTimeout: 5 * time.Second,
		MaxInboundBytes: limit, Guard: netguard.AllowLoopback()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	svc.TrustRoots(tlsOf(t, h))
	mb, err := svc.Open(h.ctx, h.p.WorkspaceID, h.mailbox(res.MailboxID))
	if err != nil {
		t.Fatal(err)
	}
	page, err := mb.Fetch(h.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 1 {
		t.Fatalf("fetched %d messages, want 1", len(page.Messages))
	}
	if m := page.Messages[0]; !m.Truncated || len(m.Raw) != limit {
		t.Errorf("message: truncated %v, %d bytes; want truncated to %d", m.Truncated, len(m.Raw), limit)
	}
}
