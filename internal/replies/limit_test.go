package replies_test

import (
	"context"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/store"
)

// A reply carrying a 64 MB attachment, read from an IMAP server with a
// 1 MB limit: the server sends only its first megabyte, and the sync
// still threads it to our message, classifies it as a reply, stops the
// sequence and marks the stored message truncated.
func TestHugeReplyIsReadTruncatedAndStopsTheSequence(t *testing.T) {
	t.Parallel()
	const limit = 1 << 20
	const size = 64 << 20
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	c := h.launch(ann)
	first := h.sentTo("ann@acme.test")

	srv, err := smtpimapfake.StartIMAP(smtpimapfake.IMAPOptions{Username: "sam@sender.test", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	head := mailfake.AttachmentHead("Ann <ann@acme.test>", "sam@sender.test", "Re: Quick question", "<huge@lead.test>",
		first.MessageID, "Sounds interesting, tell me more.")
	if _, err := srv.DeliverGenerated(head, size, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	imapOpener := func(context.Context, string, store.Mailbox) (provider.Mailbox, error) {
		return smtpimap.New(smtpimap.Config{Address: "sam@sender.test", SkipSentCopy: true, Now: h.clock.Now,
			SMTP:            smtpimap.Server{Host: srv.Host, Port: 1, Security: smtpimap.Plain},
			IMAP:            smtpimap.Server{Host: srv.Host, Port: srv.Port, Username: "sam@sender.test", Password: "pw", Security: smtpimap.Plain},
			MaxMessageBytes: limit, Guard: netguard.AllowLoopback()})
	}
	svc := h.newService(replies.Config{MaxInboundBytes: limit,
		Providers: map[string]provider.Opener{store.ProviderSandbox: imapOpener}})
	res, err := svc.Sync(h.ctx, h.mailbox.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sent := srv.GeneratedBytesSent(); sent > limit {
		t.Errorf("the server sent %d bytes of the message, want at most the limit %d", sent, limit)
	}
	if res.Stored != 1 {
		t.Fatalf("sync: %+v", res)
	}
	if cl := h.campaignLead(c, ann); cl.Status != store.CampaignLeadReplied {
		t.Errorf("ann after her huge reply: %s, want replied", cl.Status)
	}
	list := h.list(replies.Query{})
	if len(list) != 1 {
		t.Fatalf("conversations: %d", len(list))
	}
	th, err := svc.Thread(h.ctx, h.p.WorkspaceID, list[0].ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Messages) != 2 || th.Messages[0].MessageID != first.MessageID {
		t.Fatalf("thread: %+v", th.Messages)
	}
	got := th.Messages[1]
	if got.Kind != "reply" || got.Classification == nil || !got.Classification.Truncated || got.Classification.Size != size ||
		!strings.Contains(got.Text, "tell me more") {
		t.Errorf("stored reply: kind %q, text %q, classification %+v", got.Kind, got.Text, got.Classification)
	}
}

// A provider that returns more than the limit (the sandbox keeps whole
// messages) has its message cut to the limit by the reply loop, marked
// truncated, and still acted on.
func TestOversizedMessageFromAnUnboundedProviderIsCut(t *testing.T) {
	t.Parallel()
	const limit = 256 << 10
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	c := h.launch(ann)
	first := h.sentTo("ann@acme.test")
	head := mailfake.AttachmentHead("Ann <ann@acme.test>", "sam@sender.test", "Re: Quick question", "<big@lead.test>",
		first.MessageID, "Sounds interesting, tell me more.")
	h.deliver(string(mailfake.LargeMessage(head, 4*limit)))
	svc := h.newService(replies.Config{MaxInboundBytes: limit})
	if _, err := svc.Sync(h.ctx, h.mailbox.ID); err != nil {
		t.Fatal(err)
	}
	if cl := h.campaignLead(c, ann); cl.Status != store.CampaignLeadReplied {
		t.Errorf("ann after her large reply: %s, want replied", cl.Status)
	}
	list := h.list(replies.Query{})
	if len(list) != 1 {
		t.Fatalf("conversations: %d", len(list))
	}
	th, err := svc.Thread(h.ctx, h.p.WorkspaceID, list[0].ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := th.Messages[len(th.Messages)-1]; got.Classification == nil || !got.Classification.Truncated {
		t.Errorf("stored reply: classification %+v, want truncated", got.Classification)
	}
}
