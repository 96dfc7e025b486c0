package sending_test

import (
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/sending/plan"
	"github.com/leadbitz/leadbitz/internal/store"
)

// TestTickSkipsUndeliverableAndRisky: of a campaign's four leads, one is
// undeliverable (no MX), one risky (a role address), one unknown (the
// resolver failed) and one never checked. The tick sends to the last two
// only; the others are skipped with the reason, which explain repeats. With
// allowRisky on, a second campaign sends to the risky lead but still not
// to the undeliverable one.
func TestTickSkipsUndeliverableAndRisky(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	box := h.mailbox("b@sender.test", 50, 0, 0, 0)
	leads := h.leads(4)
	s := h.scope()
	verdicts := map[store.Verdict][]string{
		{Status: store.VerifyUndeliverable, Reasons: "no_mx", Source: store.VerifySourceDNS, CheckedAt: start}:           {leads[0]},
		{Status: store.VerifyRisky, Reasons: "role", Provider: "other", Source: store.VerifySourceDNS, CheckedAt: start}: {leads[1]},
		{Status: store.VerifyUnknown, Reasons: "resolver_failed", Source: store.VerifySourceDNS, CheckedAt: start}:       {leads[2]},
	}
	if err := s.SetVerifications(h.ctx, verdicts); err != nil {
		t.Fatal(err)
	}
	id := h.campaignWith(allWeek("V", box.ID), twoSteps(), leads)
	h.launch(id)
	if res := h.tick(); res.Sent != 2 {
		t.Fatalf("tick sent %d, want 2 (unknown and unchecked)", res.Sent)
	}
	for i, want := range []struct{ status, reason string }{
		{store.CampaignLeadSkipped, "undeliverable (no MX)"},
		{store.CampaignLeadSkipped, "risky (role address)"},
		{store.CampaignLeadActive, ""},
		{store.CampaignLeadActive, ""},
	} {
		cl := h.campaignLead(id, leads[i])
		if cl.Status != want.status || cl.StatusReason != want.reason || (i < 2 && cl.LastStepSent != 0) {
			t.Errorf("lead %d: %s %q (sent %d), want %s %q", i, cl.Status, cl.StatusReason, cl.LastStepSent, want.status, want.reason)
		}
	}
	x, err := plan.Explain(h.ctx, h.st, h.p.WorkspaceID, id, leads[0], h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if x.LeadStatus != store.CampaignLeadSkipped || !strings.Contains(x.Detail, "skipped: undeliverable (no MX)") &&
		!strings.Contains(x.Detail, "Skipped: undeliverable (no MX)") {
		t.Errorf("explain: %+v", x)
	}

	in := allWeek("V2", box.ID)
	in.AllowRisky = ptr(true)
	id2 := h.campaignWith(in, twoSteps(), leads[:2])
	h.launch(id2)
	// Before the tick, explain already says why the undeliverable lead will
	// not be sent to.
	x, err = plan.Explain(h.ctx, h.st, h.p.WorkspaceID, id2, leads[0], h.clock.Now())
	if err != nil || x.CanSendNow || x.Reason != "undeliverable" || !strings.HasPrefix(x.Detail, "Skipped: undeliverable (no MX).") {
		t.Errorf("explain before the tick: %+v, %v", x, err)
	}
	h.clock.Set(start.Add(time.Hour))
	if res := h.tick(); res.Sent != 1 {
		t.Fatalf("allowRisky tick sent %d, want 1 (the risky lead)", res.Sent)
	}
	if cl := h.campaignLead(id2, leads[1]); cl.LastStepSent != 1 {
		t.Errorf("risky lead with allowRisky: %+v", cl)
	}
	if cl := h.campaignLead(id2, leads[0]); cl.Status != store.CampaignLeadSkipped {
		t.Errorf("undeliverable lead with allowRisky: %s", cl.Status)
	}
}
