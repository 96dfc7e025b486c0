package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestCampaignWizardSavesResumesAndStaysInItsWorkspace(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sc, other := workspace(t, st), workspace(t, st)
	newCampaign := func(sc store.Scope, name string) store.Campaign {
		c := store.Campaign{Name: name, Timezone: "UTC", SendDays: []int{1}, SendStartMinute: 540, SendEndMinute: 1020}
		if err := sc.CreateCampaign(ctx, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	first, second := newCampaign(sc, "first"), newCampaign(sc, "second")

	if _, err := sc.CampaignWizard(ctx, first.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("wizard before any save: %v", err)
	}
	if _, err := sc.LatestCampaignWizard(ctx, "done"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("latest wizard before any save: %v", err)
	}
	w := store.CampaignWizard{CampaignID: first.ID, Step: "leads"}
	if err := sc.SaveCampaignWizard(ctx, &w); err != nil {
		t.Fatal(err)
	}
	w.Step, w.ImportID, w.Upload = "sequence", "imp-1", "up-1"
	if err := sc.SaveCampaignWizard(ctx, &w); err != nil {
		t.Fatal(err)
	}
	got, err := sc.CampaignWizard(ctx, first.ID)
	if err != nil || got.Step != "sequence" || got.ImportID != "imp-1" || got.Upload != "up-1" || got.UpdatedAt.IsZero() {
		t.Fatalf("after the second save: %+v, %v", got, err)
	}
	if err := sc.SaveCampaignWizard(ctx, &store.CampaignWizard{CampaignID: second.ID, Step: "done"}); err != nil {
		t.Fatal(err)
	}
	// The latest unfinished draft is the one to resume; a finished wizard
	// is never offered.
	if latest, err := sc.LatestCampaignWizard(ctx, "done"); err != nil || latest.CampaignID != first.ID || latest.Step != "sequence" {
		t.Fatalf("latest: %+v, %v", latest, err)
	}
	// A launched campaign is no longer resumed.
	if err := sc.SetCampaignStatus(ctx, first.ID, store.CampaignActive, "", w.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.LatestCampaignWizard(ctx, "done"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("latest after launch: %v", err)
	}

	// Another workspace can neither read nor write this campaign's wizard.
	if _, err := other.CampaignWizard(ctx, second.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other workspace reads: %v", err)
	}
	if err := other.SaveCampaignWizard(ctx, &store.CampaignWizard{CampaignID: second.ID, Step: "mailboxes"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("other workspace writes: %v", err)
	}
	if got, _ := sc.CampaignWizard(ctx, second.ID); got.Step != "done" {
		t.Fatalf("the owner's wizard changed: %+v", got)
	}
}
