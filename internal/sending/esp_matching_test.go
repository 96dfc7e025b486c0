package sending_test

import (
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/sending/plan"
	"github.com/leadbitz/leadbitz/internal/store"
)

// TestESPMatchingAssignsSameProviderMailboxes: with espMatching on, leads
// whose MX is Google get the Google mailbox and Microsoft ones the
// Microsoft mailbox; leads of other or unknown providers go to either. The
// forecast counts the matching before launch and explain shows it after.
func TestESPMatchingAssignsSameProviderMailboxes(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	s := h.scope()
	boxes := map[string]store.Mailbox{}
	for _, kind := range []string{store.ProviderGmail, store.ProviderMicrosoft} {
		m := store.Mailbox{Provider: kind, Email: kind + "@sender.test", DisplayName: "S", DailyCap: 50, RampStartedAt: start}
		if err := s.CreateMailbox(h.ctx, &m); err != nil {
			t.Fatal(err)
		}
		boxes[kind] = m
	}
	leads := h.leads(6)
	providers := []string{"google", "google", "google", "microsoft", "other", ""}
	verdicts := map[store.Verdict][]string{}
	for i, p := range providers[:5] {
		k := store.Verdict{Status: store.VerifyDeliverable, Provider: p, Source: store.VerifySourceDNS, CheckedAt: start}
		verdicts[k] = append(verdicts[k], leads[i])
	}
	if err := s.SetVerifications(h.ctx, verdicts); err != nil {
		t.Fatal(err)
	}
	in := allWeek("ESP", boxes[store.ProviderGmail].ID, boxes[store.ProviderMicrosoft].ID)
	in.ESPMatching = ptr(true)
	id := h.campaignWith(in, twoSteps(), leads)

	fc, err := plan.Forecast(h.ctx, h.st, h.p.WorkspaceID, id, 3, start)
	if err != nil {
		t.Fatal(err)
	}
	if m := fc.ESPMatching; m == nil || m.Matched != 4 || m.Leads["google"] != 3 || m.Leads["microsoft"] != 1 ||
		m.Leads["other"] != 1 || m.Leads["unknown"] != 1 {
		t.Fatalf("forecast matching: %+v", fc.ESPMatching)
	}
	c, err := s.Campaign(h.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	err = h.st.InTx(h.ctx, func(tx *store.Tx) error {
		_, err := enrollment.StartLeads(h.ctx, tx, h.p.WorkspaceID, c, start)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{store.ProviderGmail, store.ProviderGmail, store.ProviderGmail, store.ProviderMicrosoft} {
		if got := h.campaignLead(id, leads[i]).MailboxID; got != boxes[want].ID {
			t.Errorf("lead %d (%s): mailbox %s, want the %s one", i, providers[i], got, want)
		}
	}
	x, err := plan.Explain(h.ctx, h.st, h.p.WorkspaceID, id, leads[0], start)
	if err != nil {
		t.Fatal(err)
	}
	if m := x.ESPMatching; m == nil || !m.Matched || m.Recipient != "google" || m.Mailbox != "google" {
		t.Errorf("explain matching: %+v", x.ESPMatching)
	}

	// Without espMatching the same leads spread by load alone.
	plain := allWeek("Plain", boxes[store.ProviderGmail].ID, boxes[store.ProviderMicrosoft].ID)
	id2 := h.campaignWith(plain, twoSteps(), leads[:3])
	fc, err = plan.Forecast(h.ctx, h.st, h.p.WorkspaceID, id2, 3, start)
	if err != nil || fc.ESPMatching != nil {
		t.Fatalf("forecast without matching: %+v %v", fc.ESPMatching, err)
	}
}
