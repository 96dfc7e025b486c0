package replies_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/store"
)

// flakySend fails Send with err while *fail is positive (counting down);
// when sentAnyway is set the message is stored first, as when a provider
// accepts a message and the answer is lost.
type flakySend struct {
	provider.Mailbox
	fail       *int
	err        error
	sentAnyway bool
	sends      *int
}

func (f flakySend) Send(ctx context.Context, m provider.OutgoingMessage) (provider.SentMessage, error) {
	*f.sends++
	if *f.fail > 0 {
		*f.fail--
		if f.sentAnyway {
			if _, err := f.Mailbox.Send(ctx, m); err != nil {
				return provider.SentMessage{}, err
			}
		}
		return provider.SentMessage{}, f.err
	}
	return f.Mailbox.Send(ctx, m)
}

// replyConversation launches a campaign to Ann, receives her reply and
// returns its conversation.
func replyConversation(t *testing.T, h *harness) replies.ConversationView {
	t.Helper()
	ann := h.lead("ann@acme.test", "Ann")
	h.launch(ann)
	h.deliver(replyMsg("Ann <ann@acme.test>", h.sentTo("ann@acme.test").MessageID, "Re: Quick question", "Tell me more.\n\n> Hi Ann"))
	h.sync()
	list := h.list(replies.Query{})
	if len(list) != 1 {
		t.Fatalf("conversations: %d", len(list))
	}
	return list[0]
}

func TestSendReplyThreadsFromTheSameMailbox(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	conv := replyConversation(t, h)
	first := h.sentTo("ann@acme.test")
	th, _ := h.svc.Thread(h.ctx, h.p.WorkspaceID, conv.ID, false)
	theirs := th.Messages[1].MessageID

	// The sandbox stamps received mail with the real time; ours must be later.
	h.clock.Set(time.Now().UTC().Add(time.Second))
	m, err := h.svc.SendReply(h.ctx, h.p, conv.ID, replies.SendInput{Body: "Sure - Tuesday at 10?"}, metaNone)
	if err != nil || m.SendStatus != store.SendSent || m.Direction != store.DirectionOutbound {
		t.Fatalf("send: %+v %v", m, err)
	}
	got := h.sentTo("ann@acme.test")
	if got.MessageID != m.MessageID || len(got.InReplyTo) != 1 || got.InReplyTo[0] != theirs ||
		strings.Join(got.References, " ") != first.MessageID+" "+theirs || got.Subject != "Re: Quick question" ||
		got.From.Address != h.mailbox.Email || !strings.HasPrefix(got.Text, "Sure - Tuesday at 10?") ||
		!strings.Contains(got.Text, "> Tell me more.") {
		t.Fatalf("sent reply: id %s irt %v refs %v subject %q from %v text %q", got.MessageID, got.InReplyTo,
			got.References, got.Subject, got.From, got.Text)
	}
	// Same provider thread as the lead's reply.
	list, _ := h.scope().SandboxMessagesAfter(h.ctx, h.mailbox.ID, 0, 100)
	threads := map[string]string{}
	for _, sm := range list {
		threads[sm.MessageID] = sm.ThreadID
	}
	if threads[m.MessageID] == "" || threads[m.MessageID] != threads[theirs] {
		t.Fatalf("threads: ours %q, theirs %q", threads[m.MessageID], threads[theirs])
	}
	th, err = h.svc.Thread(h.ctx, h.p.WorkspaceID, conv.ID, false)
	if err != nil || len(th.Messages) != 3 || th.Messages[2].ID != m.ID {
		t.Fatalf("thread after the reply: %+v %v", th.Messages, err)
	}
	// Syncing reads our reply back from the mailbox and skips it.
	if res := h.sync(); res.Stored != 0 {
		t.Fatalf("our reply was stored as inbound: %+v", res)
	}
}

func TestSendReplyIsHeldAndRetriedNeverDropped(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	conv := replyConversation(t, h)
	fail, sends := 2, 0
	h.wrap = func(m provider.Mailbox) provider.Mailbox {
		return flakySend{Mailbox: m, fail: &fail, sends: &sends, sentAnyway: true,
			err: &provider.Error{Kind: provider.Transient, Code: "timeout", Message: "no answer from the server"}}
	}
	m, err := h.svc.SendReply(h.ctx, h.p, conv.ID, replies.SendInput{Body: "Hello again"}, metaNone)
	if err != nil || m.SendStatus != store.SendQueued || !strings.Contains(m.SendError, "no answer") || m.NextAttemptAt == nil {
		t.Fatalf("first attempt: %+v %v", m, err)
	}
	// Not due yet: nothing happens.
	if n, err := h.svc.DeliverDue(h.ctx); err != nil || n != 0 || sends != 1 {
		t.Fatalf("before the backoff: sent %d, attempts %d, %v", n, sends, err)
	}
	// The first attempt did reach the provider: the retry finds it and
	// does not send it again.
	h.clock.Add(time.Minute)
	if n, err := h.svc.DeliverDue(h.ctx); err != nil || n != 1 || sends != 1 {
		t.Fatalf("retry: sent %d, send calls %d, %v", n, sends, err)
	}
	if c := h.countSent("ann@acme.test"); c != 2 {
		t.Fatalf("ann received %d messages, want 2 (step 1 and one reply)", c)
	}
	stored, _ := h.scope().Message(h.ctx, m.ID)
	if stored.SendStatus != store.SendSent || stored.SendAttempts != 2 {
		t.Fatalf("stored reply: %s after %d attempts", stored.SendStatus, stored.SendAttempts)
	}

	// A refusal for good marks the reply failed, visibly.
	fail = 1
	h.wrap = func(m provider.Mailbox) provider.Mailbox {
		return flakySend{Mailbox: m, fail: &fail, sends: &sends,
			err: &provider.Error{Kind: provider.Permanent, Code: "554", Message: "message refused"}}
	}
	m, err = h.svc.SendReply(h.ctx, h.p, conv.ID, replies.SendInput{Body: "Third try"}, metaNone)
	if err != nil || m.SendStatus != store.SendFailed || !strings.Contains(m.SendError, "refused") {
		t.Fatalf("permanent failure: %+v %v", m, err)
	}

	// A revoked grant disconnects the mailbox; the reply waits for it.
	fail = 1
	h.wrap = func(m provider.Mailbox) provider.Mailbox {
		return flakySend{Mailbox: m, fail: &fail, sends: &sends,
			err: &provider.Error{Kind: provider.Auth, Code: "invalid_grant", Message: "Token has been revoked."}}
	}
	m, err = h.svc.SendReply(h.ctx, h.p, conv.ID, replies.SendInput{Body: "Fourth"}, metaNone)
	if err != nil || m.SendStatus != store.SendQueued {
		t.Fatalf("auth failure: %+v %v", m, err)
	}
	if i, _ := h.scope().Mailbox(h.ctx, h.mailbox.ID); i.Status != store.MailboxDisconnected {
		t.Fatalf("mailbox after a revoked grant: %s", i.Status)
	}
	h.clock.Add(time.Hour)
	before := sends
	if n, _ := h.svc.DeliverDue(h.ctx); n != 0 || sends != before {
		t.Fatal("a reply went to a disconnected mailbox")
	}
	if err := h.scope().SetMailboxStatus(h.ctx, h.mailbox.ID, store.MailboxActive, ""); err != nil {
		t.Fatal(err)
	}
	if n, _ := h.svc.DeliverDue(h.ctx); n != 1 {
		t.Fatalf("after reconnecting: sent %d", n)
	}
}

func TestSendReplyRefusesSuppressedAndEmpty(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	conv := replyConversation(t, h)
	if _, err := h.svc.SendReply(h.ctx, h.p, conv.ID, replies.SendInput{Body: " \n "}, metaNone); err == nil {
		t.Fatal("an empty reply was accepted")
	}
	sup := store.Suppression{Kind: store.SuppressDomain, Value: "acme.test", Reason: store.ReasonManual}
	if _, err := h.scope().AddSuppression(h.ctx, &sup); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.SendReply(h.ctx, h.p, conv.ID, replies.SendInput{Body: "Hi"}, metaNone); err == nil ||
		!strings.Contains(err.Error(), "suppression") {
		t.Fatalf("reply to a suppressed domain: %v", err)
	}
	if c := h.countSent("ann@acme.test"); c != 1 {
		t.Fatalf("sent %d", c)
	}
}

func TestThreadIDAndSamePageMatching(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	c := h.launch(ann)
	list, _ := h.scope().SandboxMessagesAfter(h.ctx, h.mailbox.ID, 0, 10)
	thread := list[0].ThreadID
	// A reply that names none of our Message-IDs, on the provider thread.
	raw := "From: someone.else@acme.test\r\nTo: sam@sender.test\r\nSubject: Re: Quick question\r\n" +
		"Message-ID: <fwd1@acme.test>\r\n\r\nAnn forwarded this to me - interested.\r\n"
	err := h.st.InTx(h.ctx, func(tx *store.Tx) error {
		return tx.InWorkspace(h.p.WorkspaceID).AppendSandboxMessage(h.ctx, &store.SandboxMessage{MailboxID: h.mailbox.ID,
			Folder: store.SandboxMailbox, MessageID: "<fwd1@acme.test>", ThreadID: thread, Raw: []byte(raw)})
	})
	if err != nil {
		t.Fatal(err)
	}
	// Two messages of one page: a stranger, and the stranger's follow-up
	// answering the first.
	h.deliver("From: x@else.test\nTo: sam@sender.test\nSubject: Hello\nMessage-ID: <s1@else.test>\n\nHi.\n")
	h.deliver("From: x@else.test\nTo: sam@sender.test\nSubject: Re: Hello\nMessage-ID: <s2@else.test>\n" +
		"In-Reply-To: <s1@else.test>\n\nAnyone?\n")
	if res := h.sync(); res.Stored != 3 {
		t.Fatalf("stored %d", res.Stored)
	}
	if cl := h.campaignLead(c, ann); cl.Status != store.CampaignLeadReplied {
		t.Fatalf("a reply on the provider thread did not stop the lead: %s", cl.Status)
	}
	all := h.list(replies.Query{})
	if len(all) != 2 {
		t.Fatalf("conversations: %d, want 2 (Ann's thread, the stranger's)", len(all))
	}
	for _, cv := range all {
		th, _ := h.svc.Thread(h.ctx, h.p.WorkspaceID, cv.ID, false)
		if cv.Lead == nil && len(th.Messages) != 2 {
			t.Fatalf("the stranger's follow-up did not join their conversation: %d messages", len(th.Messages))
		}
		if cv.Lead != nil && (th.Messages[len(th.Messages)-1].Classification.MatchedBy != "thread") {
			t.Fatalf("matched by %q, want thread", th.Messages[len(th.Messages)-1].Classification.MatchedBy)
		}
	}
}

// The thread's HTML (GET /api/replies/{id}) is sanitised by the Replies
// page's own rules (mailhtml): tracking pixels, however sized, dropped;
// remote images held back unless asked for; links opening safely.
func TestThreadHTMLIsSanitisedAsThePageShowsIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	h.launch(ann)
	body := `<p>Hello</p><img src="https://t.example/open.gif" style="width:1px;height:1px">` +
		`<img src="https://t.example/o2.gif" width="1 px" height="1.0"><img src="https://cdn.example/logo.png" alt="Logo">` +
		`<a href="https://ok.example">ok</a>`
	raw := strings.Replace(replyMsg("ann@acme.test", h.sentTo("ann@acme.test").MessageID, "Re: Quick question", body),
		"Content-Type: text/plain", "Content-Type: text/html", 1)
	h.deliver(raw)
	h.sync()
	conv := h.list(replies.Query{})[0]
	for _, load := range []bool{false, true} {
		th, err := h.svc.Thread(h.ctx, h.p.WorkspaceID, conv.ID, load)
		if err != nil {
			t.Fatal(err)
		}
		m := th.Messages[len(th.Messages)-1]
		if strings.Contains(m.HTML, "t.example") || !strings.Contains(m.HTML, `rel="noopener noreferrer nofollow"`) {
			t.Errorf("load=%v: %s", load, m.HTML)
		}
		if held := strings.Contains(m.HTML, "[image: Logo]"); held == load || m.HeldImages != map[bool]int{false: 1, true: 0}[load] {
			t.Errorf("load=%v: held %d: %s", load, m.HeldImages, m.HTML)
		}
	}
}
