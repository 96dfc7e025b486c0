package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// Migration 0011 gives every campaign lead that existed before it a link
// (its id is the one old tokens sign); links then outlive their campaign,
// and an erasure keeps only the address's hash.
func TestUnsubscribeLinksBackfillOutliveAndForget(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sc := workspace(t, st)
	camp := store.Campaign{Name: "c", Timezone: "UTC", SendDays: []int{1, 2, 3, 4, 5}, SendStartMinute: 540, SendEndMinute: 1020}
	if err := sc.CreateCampaign(ctx, &camp); err != nil {
		t.Fatal(err)
	}
	enrolled := map[string]string{} // email → campaign lead id
	leads := map[string]string{}    // email → lead id
	for _, email := range []string{"ada@example.com", "grace@example.com", "eve@example.com"} {
		l := store.Lead{Email: email}
		if err := sc.CreateLead(ctx, &l); err != nil {
			t.Fatal(err)
		}
		cl := store.CampaignLead{CampaignID: camp.ID, LeadID: l.ID}
		if _, err := sc.AddCampaignLead(ctx, &cl); err != nil {
			t.Fatal(err)
		}
		enrolled[email], leads[email] = cl.ID, l.ID
	}
	erase := func(email string) {
		t.Helper()
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.InWorkspace(sc.WorkspaceID()).EraseLead(ctx, leads[email])
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	erase("eve@example.com")

	// The database as it was before 0011, migrated again.
	for _, stmt := range []string{`DROP TABLE unsubscribe_links`, `DELETE FROM schema_migrations WHERE version = 11`} {
		if _, err := st.DB().ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := st.Migrate(ctx); err != nil || n != 1 {
		t.Fatalf("migrate: %d %v", n, err)
	}
	for _, email := range []string{"ada@example.com", "grace@example.com"} {
		l, err := st.UnsubscribeLinkByID(ctx, enrolled[email])
		if err != nil || l.WorkspaceID != sc.WorkspaceID() || l.Email != email || l.EmailHash != "" {
			t.Fatalf("backfilled link of %s: %+v %v", email, l, err)
		}
	}
	// An erased lead's link names no one: the erasure's suppression keeps
	// that person out.
	if l, err := st.UnsubscribeLinkByID(ctx, enrolled["eve@example.com"]); err != nil || l.Email != "" || l.EmailHash != "" {
		t.Fatalf("an erased lead's link: %+v %v", l, err)
	}

	// The campaign goes; its links stay. Saving a link again changes nothing.
	if err := sc.DeleteCampaign(ctx, camp.ID); err != nil {
		t.Fatal(err)
	}
	later := store.NewID()
	if err := st.SaveUnsubscribeLinks(ctx, []store.UnsubscribeLink{
		{ID: enrolled["ada@example.com"], WorkspaceID: sc.WorkspaceID(), Email: "other@example.com"},
		{ID: later, WorkspaceID: sc.WorkspaceID(), Email: "ada@example.com"},
	}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if l, err := st.UnsubscribeLinkByID(ctx, enrolled["ada@example.com"]); err != nil || l.Email != "ada@example.com" {
		t.Fatalf("link after its campaign was deleted and saved again: %+v %v", l, err)
	}

	// Erasing Ada blanks the address of every link that named her.
	erase("ada@example.com")
	for _, id := range []string{enrolled["ada@example.com"], later} {
		l, err := st.UnsubscribeLinkByID(ctx, id)
		if err != nil || l.Email != "" || l.EmailHash != store.EmailHash("ada@example.com") {
			t.Fatalf("link after erasure: %+v %v", l, err)
		}
	}
	if l, err := st.UnsubscribeLinkByID(ctx, enrolled["grace@example.com"]); err != nil || l.Email != "grace@example.com" {
		t.Fatalf("another person's link after the erasure: %+v %v", l, err)
	}
}
