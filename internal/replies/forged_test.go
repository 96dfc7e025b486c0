package replies_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/bounceguard"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/store"
)

// textBounce is a plain-text "bounce" (no delivery-status part) from
// sender listing addrs as failed, returning a copy of the message named by
// original (none when empty).
func textBounce(sender, original string, addrs ...string) string {
	var list strings.Builder
	for _, a := range addrs {
		fmt.Fprintf(&list, "    %s\n", a)
	}
	copied := ""
	if original != "" {
		copied = "\n------ This is a copy of the message, including all the headers. ------\n\nMessage-ID: " + original +
			"\nFrom: Sam <sam@sender.test>\nSubject: Quick question\n\nHi there.\n"
	}
	return fmt.Sprintf("From: %s\nTo: sam@sender.test\nSubject: Mail delivery failed: returning message to sender\n"+
		"Date: %s\nMessage-ID: <%s@mx.forged.test>\nContent-Type: text/plain\n\n"+
		"This message was created automatically by mail delivery software.\n\n"+
		"A message that you sent could not be delivered to one or more of its recipients.\n"+
		"The following addresses failed:\n\n%s\n550 5.1.1 User unknown\n%s",
		sender, time.Now().UTC().Format(time.RFC1123Z), store.NewID(), list.String(), copied)
}

// dsn is an RFC 3464 report returning the message named by original (in a
// text/rfc822-headers part) with every address of addrs failed.
func dsn(original string, addrs ...string) string {
	var blocks strings.Builder
	for _, a := range addrs {
		fmt.Fprintf(&blocks, "Final-Recipient: rfc822; %s\nAction: failed\nStatus: 5.1.1\n"+
			"Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n", a)
	}
	return fmt.Sprintf(`From: MAILER-DAEMON@mx.sender.test (Mail Delivery System)
To: sam@sender.test
Subject: Undelivered Mail Returned to Sender
Date: %s
Message-ID: <%s@mx.sender.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

Your message could not be delivered.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.sender.test

%s
--B1
Content-Type: text/rfc822-headers

Message-ID: %s
From: Sam <sam@sender.test>
Subject: Quick question

--B1--
`, time.Now().UTC().Format(time.RFC1123Z), store.NewID(), blocks.String(), original)
}

// arf is an RFC 5965 complaint naming rcpt and removal as the complaining
// addresses and returning the message named by original.
func arf(original, rcpt, removal string) string {
	return fmt.Sprintf(`From: feedback@fbl.isp.test
To: sam@sender.test
Subject: Complaint about message
Date: %s
Message-ID: <%s@fbl.isp.test>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="F1"

--F1
Content-Type: text/plain

This is an email abuse report.

--F1
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: FBL/1.0
Version: 1
Original-Rcpt-To: %s
Removal-Recipient: %s

--F1
Content-Type: message/rfc822

Message-ID: %s
From: Sam <sam@sender.test>
To: %s
Subject: Quick question

Hi there.
--F1--
`, time.Now().UTC().Format(time.RFC1123Z), store.NewID(), rcpt, removal, original, rcpt)
}

// unsubscribeMsg asks to be removed, from `from`, answering inReplyTo
// (nothing when empty).
func unsubscribeMsg(from, inReplyTo string) string {
	raw := replyMsg(from, inReplyTo, "Re: Quick question", "Please remove me from your mailing list.")
	if inReplyTo == "" {
		raw = strings.Replace(raw, "In-Reply-To: \nReferences: \n", "", 1)
	}
	return raw
}

// untouched fails unless the lead is active, unsuppressed and (when
// campaignID is set) still active in the campaign.
func (h *harness) untouched(campaignID, leadID, email string) {
	h.t.Helper()
	if s := h.leadStatus(leadID); s != store.LeadActive {
		h.t.Errorf("lead %s: %s, want active", email, s)
	}
	if sup, ok := h.suppressed(email); ok {
		h.t.Errorf("%s suppressed: %+v", email, sup)
	}
	if campaignID != "" {
		if cl := h.campaignLead(campaignID, leadID); cl.Status != store.CampaignLeadActive {
			h.t.Errorf("campaign lead %s: %s (%s), want active", email, cl.Status, cl.StatusReason)
		}
	}
}

// guardPauses runs the bounce guard with a low floor (one contacted lead
// is enough) and returns how many campaigns and mailboxes it paused.
func (h *harness) guardPauses() bounceguard.Result {
	h.t.Helper()
	g := bounceguard.Guard{Store: h.st, MinContacted: 1, Env: env.New(nil, h.clock.Now)}
	res, err := g.Check(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return res
}

// Mail that names none of the messages this mailbox sent cannot suppress
// or stop anyone, whatever addresses it lists: anybody can write a text
// "bounce" from a postmaster address, an abuse report, or a "remove me"
// from the address of a lead this mailbox never wrote to.
func TestForgedReportsActOnNobody(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	bob := h.lead("bob@acme.test", "Bob")
	cid := h.lead("cid@acme.test", "Cid")
	dan := h.lead("dan@else.test", "Dan") // a lead in no campaign
	c := h.launch(ann, bob, cid)
	all := []string{"ann@acme.test", "bob@acme.test", "cid@acme.test", "dan@else.test"}

	h.deliver(textBounce("postmaster@forged.test", "", all...))
	h.deliver(textBounce("MAILER-DAEMON@forged.test", "<not-ours@forged.test>", all...))
	h.deliver(dsn("<unknown@forged.test>", all...))
	h.deliver(arf("<unknown2@forged.test>", "bob@acme.test", "cid@acme.test"))
	h.deliver(unsubscribeMsg("dan@else.test", "")) // never written to: a From proves nothing
	h.deliver(unsubscribeMsg("dan@else.test", "<unknown3@forged.test>"))
	if res := h.sync(); res.Stored != 6 {
		t.Fatalf("stored %d, want 6", res.Stored)
	}

	h.untouched(c, ann, "ann@acme.test")
	h.untouched(c, bob, "bob@acme.test")
	h.untouched(c, cid, "cid@acme.test")
	h.untouched("", dan, "dan@else.test")
	sups, err := h.scope().Suppressions(h.ctx, store.SuppressionQuery{Limit: 10})
	if err != nil || len(sups) != 0 {
		t.Fatalf("suppressions: %+v %v", sups, err)
	}
	if res := h.guardPauses(); res.Campaigns != 0 || res.Mailboxes != 0 {
		t.Fatalf("the bounce guard paused %+v", res)
	}
	others := h.list(replies.Query{Others: true})
	if len(others) != 6 || len(h.list(replies.Query{})) != 6 {
		t.Fatalf("%d conversations under Others, want all 6", len(others))
	}
	// Every lead still gets the follow-up.
	h.clock.Add(72 * time.Hour)
	if r := h.tick(); r.Sent != 3 {
		t.Fatalf("follow-ups sent: %d, want 3", r.Sent)
	}
}

// A report about a message this mailbox sent acts on that message's
// recipient only, not on every address it lists.
func TestReportsActOnlyOnTheRecipientOfOurMessage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	bob := h.lead("bob@acme.test", "Bob")
	cid := h.lead("cid@acme.test", "Cid")
	dan := h.lead("dan@acme.test", "Dan")
	eve := h.lead("eve@else.test", "Eve") // a lead in no campaign
	fay := h.lead("fay@acme.test", "Fay")
	c := h.launch(ann, bob, cid, dan, fay)

	h.deliver(dsn(h.sentTo("ann@acme.test").MessageID, "ann@acme.test", "dan@acme.test", "eve@else.test"))
	h.deliver(arf(h.sentTo("bob@acme.test").MessageID, "dan@acme.test", "eve@else.test"))
	h.deliver(unsubscribeMsg("cid.home@else.test", h.sentTo("cid@acme.test").MessageID))
	// The List-Unsubscribe mailto sends "unsubscribe" naming nothing of
	// ours: honoured from a lead this mailbox wrote to.
	h.deliver(strings.Replace(replyMsg("fay@acme.test", "", "unsubscribe", ""), "In-Reply-To: \nReferences: \n", "", 1))
	if res := h.sync(); res.Stored != 4 {
		t.Fatalf("stored %d, want 4", res.Stored)
	}

	for _, x := range []struct {
		lead, email, reason, leadStatus, clStatus string
	}{
		{ann, "ann@acme.test", store.ReasonBounce, store.LeadBounced, store.CampaignLeadBounced},
		{bob, "bob@acme.test", store.ReasonComplaint, store.LeadUnsubscribed, store.CampaignLeadSuppressed},
		{cid, "cid@acme.test", store.ReasonUnsubscribe, store.LeadUnsubscribed, store.CampaignLeadUnsubscribed},
		{fay, "fay@acme.test", store.ReasonUnsubscribe, store.LeadUnsubscribed, store.CampaignLeadUnsubscribed},
	} {
		if sup, ok := h.suppressed(x.email); !ok || sup.Reason != x.reason {
			t.Errorf("%s: suppressed %v %+v, want %s", x.email, ok, sup, x.reason)
		}
		if s := h.leadStatus(x.lead); s != x.leadStatus {
			t.Errorf("%s: lead %s, want %s", x.email, s, x.leadStatus)
		}
		if cl := h.campaignLead(c, x.lead); cl.Status != x.clStatus {
			t.Errorf("%s: campaign lead %s, want %s", x.email, cl.Status, x.clStatus)
		}
	}
	h.untouched(c, dan, "dan@acme.test")
	h.untouched("", eve, "eve@else.test")
	if _, ok := h.suppressed("cid.home@else.test"); ok {
		t.Error("the unsubscribe request's own sender was suppressed, not our recipient alone")
	}
	if others := h.list(replies.Query{Others: true}); len(others) != 0 {
		t.Fatalf("reports about our messages filed under Others: %+v", others)
	}
	// Dan, listed in every report, still gets the follow-up.
	h.clock.Add(72 * time.Hour)
	if r := h.tick(); r.Sent != 1 || h.countSent("dan@acme.test") != 2 {
		t.Fatalf("follow-ups: %+v", r)
	}
}

// appendOnThread stores raw in the harness mailbox's inbox on a provider
// thread, as Gmail or Graph thread a message that names none of ours.
func (h *harness) appendOnThread(thread, raw string) {
	h.t.Helper()
	in, err := mailmsg.Parse([]byte(strings.ReplaceAll(raw, "\n", "\r\n")))
	if err != nil {
		h.t.Fatal(err)
	}
	err = h.st.InTx(h.ctx, func(tx *store.Tx) error {
		return tx.InWorkspace(h.p.WorkspaceID).AppendSandboxMessage(h.ctx, &store.SandboxMessage{MailboxID: h.mailbox.ID,
			Folder: store.SandboxMailbox, MessageID: in.MessageID, ThreadID: thread, Raw: []byte(raw)})
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// threadOf is the provider thread of the message sent to addr.
func (h *harness) threadOf(addr string) string {
	h.t.Helper()
	list, err := h.scope().SandboxMessagesAfter(h.ctx, h.mailbox.ID, 0, 1000)
	if err != nil {
		h.t.Fatal(err)
	}
	id := h.sentTo(addr).MessageID
	for _, m := range list {
		if m.MessageID == id {
			return m.ThreadID
		}
	}
	h.t.Fatalf("no thread for %s", addr)
	return ""
}

// A report that names no Message-ID acts on the recipient of the message
// this mailbox sent on its provider thread, and only on them; on a thread
// where this mailbox sent nothing it is an Other.
func TestReportsOnTheThreadOfOurMessage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	bob := h.lead("bob@acme.test", "Bob")
	dan := h.lead("dan@else.test", "Dan") // in no campaign: his mail is matched by address
	c := h.launch(ann, bob)
	h.deliver(strings.Replace(replyMsg("dan@else.test", "", "Hello", "Hi Sam, a question."), "In-Reply-To: \nReferences: \n", "", 1))
	h.sync()
	if cv := h.list(replies.Query{}); len(cv) != 1 || cv[0].Lead == nil || cv[0].Lead.ID != dan {
		t.Fatalf("dan's mail was not matched to him: %+v", cv)
	}
	list, err := h.scope().SandboxMessagesAfter(h.ctx, h.mailbox.ID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	danThread := list[len(list)-1].ThreadID

	h.appendOnThread(h.threadOf("ann@acme.test"), textBounce("postmaster@acme.test", "", "ann@acme.test", "bob@acme.test"))
	h.appendOnThread(danThread, textBounce("postmaster@else.test", "", "dan@else.test", "bob@acme.test"))
	if res := h.sync(); res.Stored != 2 {
		t.Fatalf("stored %d, want 2", res.Stored)
	}
	if cl := h.campaignLead(c, ann); cl.Status != store.CampaignLeadBounced {
		t.Fatalf("ann after a bounce on her thread: %s", cl.Status)
	}
	h.untouched(c, bob, "bob@acme.test")
	h.untouched("", dan, "dan@else.test")
	if others := h.list(replies.Query{Others: true}); len(others) != 1 {
		t.Fatalf("%d conversations under Others, want the bounce on dan's thread", len(others))
	}
}
