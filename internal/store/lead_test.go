package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func workspace(t *testing.T, st *store.Store) store.Scope {
	t.Helper()
	_, ws := storetest.Workspace(t, st)
	return st.InWorkspace(ws.ID)
}

func TestInsertLeadsReportsOnlyNewOnes(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sc := workspace(t, st)
	if err := sc.CreateLead(ctx, &store.Lead{Email: "old@example.com", Company: "Old"}); err != nil {
		t.Fatal(err)
	}
	batch := []store.Lead{{Email: "new@example.com"}, {Email: "old@example.com", Company: "Clobber?"}}
	inserted, err := sc.InsertLeads(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(inserted) != 1 || !inserted[batch[0].ID] || inserted[batch[1].ID] {
		t.Fatalf("inserted %v", inserted)
	}
	found, err := sc.LeadsByEmails(ctx, []string{"old@example.com", "new@example.com", "none@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 || found["old@example.com"].Company != "Old" {
		t.Fatalf("found %+v", found)
	}
	old := found["old@example.com"]
	old.Company, old.Custom = "Updated", map[string]string{"k": "v"}
	if err := sc.UpdateLeads(ctx, []store.Lead{old}); err != nil {
		t.Fatal(err)
	}
	if got, _ := sc.Lead(ctx, old.ID); got.Company != "Updated" || got.Custom["k"] != "v" {
		t.Fatalf("after UpdateLeads: %+v", got)
	}
	// Another workspace's batch neither sees nor touches these leads.
	other := workspace(t, st)
	if err := other.UpdateLeads(ctx, []store.Lead{{ID: old.ID, Company: "Hijacked"}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := sc.Lead(ctx, old.ID); got.Company != "Updated" {
		t.Fatalf("another workspace changed the lead: %+v", got)
	}
	if found, _ := other.LeadsByEmails(ctx, []string{"old@example.com"}); len(found) != 0 {
		t.Fatalf("another workspace found %v", found)
	}
}

func TestSuppressedAmongMatchesParentDomains(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sc := workspace(t, st)
	added, err := sc.AddSuppressions(ctx, []store.Suppression{
		{Kind: store.SuppressDomain, Value: "acme.com", Reason: store.ReasonManual},
		{Kind: store.SuppressDomain, Value: "acme.com", Reason: store.ReasonBounce}, // repeated: kept once
	})
	if err != nil || added != 1 {
		t.Fatalf("added %d, %v", added, err)
	}
	// The second entry is a minute younger than the first.
	later := st.WithClock(func() time.Time { return time.Now().Add(time.Minute) }).InWorkspace(sc.WorkspaceID())
	if _, err := later.AddSuppression(ctx, &store.Suppression{Kind: store.SuppressEmail, Value: "boss@eu.acme.com", Reason: store.ReasonUnsubscribe}); err != nil {
		t.Fatal(err)
	}
	got, err := sc.SuppressedAmong(ctx, []string{"a@acme.com", "b@eu.acme.com", "boss@eu.acme.com", "c@notacme.com", "d@com"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got["a@acme.com"].Kind != "domain" || got["b@eu.acme.com"].Value != "acme.com" {
		t.Fatalf("suppressed: %+v", got)
	}
	// The older entry wins: the domain was added first.
	if got["boss@eu.acme.com"].Kind != "domain" {
		t.Errorf("boss: %+v", got["boss@eu.acme.com"])
	}
}

// TestEraseLeadWipesThePerson: the lead's values, field history and
// messages are wiped and only a hash of the address stays suppressed. Its
// sequences are left to the caller, which stops them with enrollment.StopLeads
// (internal/lead tests that on both dialects).
func TestEraseLeadWipesThePerson(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sc := workspace(t, st)
	ada := store.Lead{Email: "ada@example.com", FirstName: "Ada", Custom: map[string]string{"x": "y"}}
	grace := store.Lead{Email: "grace@example.com"}
	for _, l := range []*store.Lead{&ada, &grace} {
		if err := sc.CreateLead(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	if err := sc.AddProvenance(ctx, []store.Provenance{{LeadID: ada.ID, SourceKind: store.ProvenanceManual, Fields: map[string]string{"firstName": "Ada"}}}); err != nil {
		t.Fatal(err)
	}
	camp := store.Campaign{Name: "c", Timezone: "UTC", SendDays: []int{1, 2, 3, 4, 5}, SendStartMinute: 540, SendEndMinute: 1020}
	if err := sc.CreateCampaign(ctx, &camp); err != nil {
		t.Fatal(err)
	}
	var enrolled []store.CampaignLead
	for _, l := range []store.Lead{ada, grace} {
		cl := store.CampaignLead{CampaignID: camp.ID, LeadID: l.ID}
		if _, err := sc.AddCampaignLead(ctx, &cl); err != nil {
			t.Fatal(err)
		}
		enrolled = append(enrolled, cl)
	}
	due := time.Now().Add(time.Hour)
	if _, err := sc.InsertSendJobs(ctx, []store.SendJob{
		{CampaignID: camp.ID, CampaignLeadID: enrolled[0].ID, LeadID: ada.ID, Step: 1, DueAt: due},
		{CampaignID: camp.ID, CampaignLeadID: enrolled[1].ID, LeadID: grace.ID, Step: 1, DueAt: due},
	}); err != nil {
		t.Fatal(err)
	}
	// The campaign filter lists enrolled leads.
	inCampaign, err := sc.Leads(ctx, store.LeadQuery{CampaignID: camp.ID, Limit: 10})
	if err != nil || len(inCampaign) != 2 {
		t.Fatalf("campaign filter: %d %v", len(inCampaign), err)
	}

	sent := store.Message{CampaignLeadID: enrolled[0].ID, Direction: "outbound", MessageID: "<step1@example.com>",
		From: "me@example.com", To: ada.Email, Subject: "Hi Ada", Text: "Hello Ada", OccurredAt: time.Now()}
	if _, err := sc.InsertMessage(ctx, &sent); err != nil {
		t.Fatal(err)
	}

	var e store.Erasure
	err = st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		e, err = tx.InWorkspace(sc.WorkspaceID()).EraseLead(ctx, ada.ID)
		return err
	})
	if err != nil || e.HistoryDeleted != 1 {
		t.Fatalf("erase: %+v %v", e, err)
	}
	if m, err := sc.Message(ctx, sent.ID); err != nil || m.To != "" || m.Subject != "" || m.Text != "" {
		t.Fatalf("the sequence's sent message keeps personal data after erasure: %+v %v", m, err)
	}
	got, _ := sc.Lead(ctx, ada.ID)
	if got.Status != store.LeadErased || got.FirstName != "" || len(got.Custom) != 0 || got.Email == ada.Email {
		t.Fatalf("erased lead keeps data: %+v", got)
	}
	if prov, _ := sc.LeadProvenance(ctx, ada.ID); len(prov) != 0 {
		t.Fatalf("provenance kept: %+v", prov)
	}
	for _, cl := range enrolled {
		jobs, _ := sc.SendJobsOfCampaignLead(ctx, cl.ID)
		if len(jobs) != 1 || jobs[0].Status != store.JobScheduled {
			t.Fatalf("EraseLead touched a job; stopping is the caller's: %+v", jobs)
		}
	}
	if _, ok, _ := sc.Suppressed(ctx, "ADA@example.com"); !ok {
		t.Fatal("erased address not suppressed")
	}
	if inCampaign, _ := sc.Leads(ctx, store.LeadQuery{CampaignID: camp.ID, Limit: 10}); len(inCampaign) != 1 {
		t.Fatalf("erased lead still listed: %+v", inCampaign)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.InWorkspace(sc.WorkspaceID()).EraseLead(ctx, ada.ID)
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("erasing twice: %v", err)
	}
}
