package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestCampaignActivityListsRepliesSinceOldestFirst(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sc := workspace(t, st)
	c := store.Campaign{Name: "c", Timezone: "UTC", SendDays: []int{1}, SendStartMinute: 540, SendEndMinute: 1020}
	if err := sc.CreateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	// Sends are recorded by the send engine (RecordSent); the web app's
	// tests check them on the campaign page after a real tick.
	enrol := func(email string) store.CampaignLead {
		l := store.Lead{Email: email}
		if err := sc.CreateLead(ctx, &l); err != nil {
			t.Fatal(err)
		}
		cl := store.CampaignLead{CampaignID: c.ID, LeadID: l.ID}
		if _, err := sc.AddCampaignLead(ctx, &cl); err != nil {
			t.Fatal(err)
		}
		return cl
	}
	for email, at := range map[string]time.Time{"old@example.com": base.Add(-48 * time.Hour), "a@example.com": base.Add(3 * time.Hour),
		"b@example.com": base.Add(time.Hour)} {
		if err := sc.MarkCampaignLeadReplied(ctx, enrol(email).ID, at); err != nil {
			t.Fatal(err)
		}
	}
	enrol("silent@example.com")

	sent, replied, err := sc.CampaignActivity(ctx, c.ID, base)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 0 {
		t.Errorf("sent with no send recorded: %v", sent)
	}
	if len(replied) != 2 || !replied[0].Equal(base.Add(time.Hour)) || !replied[1].Equal(base.Add(3*time.Hour)) {
		t.Errorf("replied since base, oldest first: %v", replied)
	}
	// Another workspace sees nothing of it.
	sent, replied, err = workspace(t, st).CampaignActivity(ctx, c.ID, base.Add(-72*time.Hour))
	if err != nil || len(sent)+len(replied) != 0 {
		t.Errorf("another workspace: %v %v %v", sent, replied, err)
	}
}
