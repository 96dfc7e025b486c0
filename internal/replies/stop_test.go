package replies_test

import (
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
)

// TestPageStopsGoThroughTheEngine syncs one page in which Ann replies and
// Bob replies, then asks to be removed: the latest cause wins for Bob, both
// reply times are the messages' (not the sync's clock), the campaign whose
// last active leads the page stopped is completed, and no follow-up goes.
func TestPageStopsGoThroughTheEngine(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	bob := h.lead("bob@beta.test", "Bob")
	c := h.launch(ann, bob)
	h.deliver(replyMsg("ann@acme.test", h.sentTo("ann@acme.test").MessageID, "Re: Quick question", "Tell me more."))
	bobFirst := h.sentTo("bob@beta.test").MessageID
	h.deliver(replyMsg("bob@beta.test", bobFirst, "Re: Quick question", "Maybe."))
	h.deliver(replyMsg("bob@beta.test", bobFirst, "Re: Quick question", "Please remove me from your mailing list."))
	// The sync runs hours after the messages arrived.
	h.clock.Add(5 * time.Hour)
	if res := h.sync(); res.Stored != 3 || res.Pages != 1 {
		t.Fatalf("sync: %+v", res)
	}

	for lead, want := range map[string]string{ann: store.CampaignLeadReplied, bob: store.CampaignLeadUnsubscribed} {
		cl := h.campaignLead(c, lead)
		if cl.Status != want {
			t.Errorf("lead %s: %s (%q), want %s", lead, cl.Status, cl.StatusReason, want)
		}
		if cl.RepliedAt == nil || !cl.RepliedAt.Before(h.clock.Now().Add(-4*time.Hour)) {
			t.Errorf("lead %s replied at %v, want the message's time, hours before the sync at %v", lead, cl.RepliedAt, h.clock.Now())
		}
	}
	camp, err := h.scope().Campaign(h.ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if camp.Status != store.CampaignCompleted {
		t.Errorf("campaign after its last leads stopped: %s, want completed", camp.Status)
	}
	h.clock.Add(72 * time.Hour)
	if r := h.tick(); r.Sent != 0 {
		t.Fatalf("follow-ups after the stops: %+v", r)
	}
}

// TestReplyWithoutStopKeepsTheSequence: in a campaign that does not stop on
// reply, a reply only records its time (the message's, written apart from
// the page's stops) and the follow-up still goes.
func TestReplyWithoutStopKeepsTheSequence(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	bob := h.lead("bob@beta.test", "Bob")
	c := h.launch(ann, bob)
	if _, err := h.st.DB().ExecContext(h.ctx, "UPDATE campaigns SET stop_on_reply = FALSE WHERE id = '"+c+"'"); err != nil {
		t.Fatal(err)
	}
	h.deliver(replyMsg("ann@acme.test", h.sentTo("ann@acme.test").MessageID, "Re: Quick question", "Tell me more."))
	h.clock.Add(5 * time.Hour)
	if res := h.sync(); res.Stored != 1 {
		t.Fatalf("sync: %+v", res)
	}
	cl := h.campaignLead(c, ann)
	if cl.Status != store.CampaignLeadActive || cl.RepliedAt == nil || !cl.RepliedAt.Before(h.clock.Now().Add(-4*time.Hour)) {
		t.Errorf("ann: %s replied at %v, want active with the message's time, hours before the sync at %v",
			cl.Status, cl.RepliedAt, h.clock.Now())
	}
	if cl := h.campaignLead(c, bob); cl.Status != store.CampaignLeadActive || cl.RepliedAt != nil {
		t.Errorf("bob, who did not reply: %s replied at %v", cl.Status, cl.RepliedAt)
	}
	h.clock.Add(72 * time.Hour)
	if r := h.tick(); r.Sent != 2 {
		t.Fatalf("follow-ups: %+v, want both sent", r)
	}
}
