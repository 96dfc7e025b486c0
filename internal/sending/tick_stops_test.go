package sending_test

import (
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
)

// TestTickStopsABatchByCause: one tick finds every lead of a campaign
// unable to go on, for four causes (two suppressed addresses, a bounced, an
// unsubscribed and an erased lead). The batch's stops are applied per
// cause, each lead gets its own status and reason, no job is left to send,
// and the campaign, left without an active lead, completes.
func TestTickStopsABatchByCause(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	box := h.mailbox("b@sender.test", 10, 0, 0, 0)
	leads := h.leads(5)
	id := h.campaignWith(allWeek("B", box.ID), twoSteps(), leads)
	h.launch(id)
	s := h.scope()
	for _, l := range leads[:2] {
		lead, err := s.Lead(h.ctx, l)
		if err != nil {
			t.Fatal(err)
		}
		sup := store.Suppression{Kind: store.SuppressEmail, Value: lead.Email, Reason: store.ReasonManual}
		if _, err := s.AddSuppression(h.ctx, &sup); err != nil {
			t.Fatal(err)
		}
	}
	for i, status := range map[int]string{2: store.LeadBounced, 3: store.LeadUnsubscribed, 4: store.LeadErased} {
		if err := s.SetLeadStatus(h.ctx, leads[i], status); err != nil {
			t.Fatal(err)
		}
	}
	if res := h.tick(); res.Sent != 0 || res.Processed != 5 {
		t.Fatalf("tick: %+v, want 5 looked at and none sent", res)
	}
	for i, want := range []struct{ status, reason string }{
		{store.CampaignLeadSuppressed, "the address is on the suppression list"},
		{store.CampaignLeadSuppressed, "the address is on the suppression list"},
		{store.CampaignLeadBounced, "the lead's address bounced"},
		{store.CampaignLeadUnsubscribed, "the lead unsubscribed"},
		{store.CampaignLeadStopped, "the lead is erased"},
	} {
		cl := h.campaignLead(id, leads[i])
		if cl.Status != want.status || cl.StatusReason != want.reason {
			t.Errorf("lead %d: %s %q, want %s %q", i, cl.Status, cl.StatusReason, want.status, want.reason)
		}
		for _, j := range h.jobs(id, leads[i]) {
			if j.Status != store.JobCanceled {
				t.Errorf("lead %d: job of step %d %s, want canceled", i, j.Step, j.Status)
			}
		}
	}
	if c, err := h.camps.Get(h.ctx, h.p.WorkspaceID, id); err != nil || c.Status != store.CampaignCompleted {
		t.Errorf("campaign left without an active lead: %s (%v), want completed", c.Status, err)
	}
	h.clock.Set(start.Add(72 * time.Hour))
	if res := h.tick(); res.Sent != 0 {
		t.Errorf("a later tick sent %d", res.Sent)
	}
}
