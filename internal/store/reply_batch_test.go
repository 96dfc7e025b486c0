package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// TestPerRowTimesByID: reply times, out-of-office pauses and stops that carry
// reply times give each campaign lead its own time (UPDATE … FROM a set of
// (id, time) rows), over more rows than one SQLite statement carries; an
// earlier reply time is kept; ids of another workspace are left alone.
func TestPerRowTimesByID(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	enrol := func(sc store.Scope, n int) (string, []string) {
		t.Helper()
		camp := store.Campaign{Name: "c", Timezone: "UTC", SendDays: []int{1, 2, 3, 4, 5}, SendEndMinute: 1440,
			Status: store.CampaignActive}
		if err := sc.CreateCampaign(ctx, &camp); err != nil {
			t.Fatal(err)
		}
		leads := make([]store.Lead, n)
		for i := range leads {
			leads[i].Email = fmt.Sprintf("l%d@example.com", i)
		}
		if _, err := sc.InsertLeads(ctx, leads); err != nil {
			t.Fatal(err)
		}
		ids := make([]string, n)
		for i, l := range leads {
			cl := store.CampaignLead{CampaignID: camp.ID, LeadID: l.ID}
			if _, err := sc.AddCampaignLead(ctx, &cl); err != nil {
				t.Fatal(err)
			}
			ids[i] = cl.ID
		}
		return camp.ID, ids
	}
	sc := workspace(t, st)
	campID, cls := enrol(sc, 520)
	other := workspace(t, st)
	_, xs := enrol(other, 1)
	x := xs[0]
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	earlier := base.Add(-24 * time.Hour)
	if err := sc.MarkCampaignLeadReplied(ctx, cls[0], earlier); err != nil {
		t.Fatal(err)
	}

	// Reply times: the first 510, and the other workspace's id.
	replied := map[string]time.Time{x: base}
	for i, id := range cls[:510] {
		replied[id] = base.Add(time.Duration(i) * time.Minute)
	}
	if err := sc.MarkCampaignLeadsReplied(ctx, replied); err != nil {
		t.Fatal(err)
	}
	for i, id := range cls[:510] {
		want := base.Add(time.Duration(i) * time.Minute)
		if i == 0 {
			want = earlier
		}
		if cl, err := sc.CampaignLead(ctx, id); err != nil || cl.RepliedAt == nil || !cl.RepliedAt.Equal(want) {
			t.Fatalf("campaign lead %d replied at %v (%v), want %v", i, cl.RepliedAt, err, want)
		}
	}
	if cl, _ := other.CampaignLead(ctx, x); cl.RepliedAt != nil {
		t.Errorf("another workspace's campaign lead got a reply time: %v", cl.RepliedAt)
	}

	// Pauses: a job due before the return date waits until it, a later one
	// keeps its time; a campaign lead that is not active is not paused.
	until := base.Add(72 * time.Hour)
	later := base.Add(96 * time.Hour)
	jobs := []store.SendJob{
		{CampaignID: campID, CampaignLeadID: cls[510], Step: 2, DueAt: base},
		{CampaignID: campID, CampaignLeadID: cls[511], Step: 2, DueAt: later},
	}
	for i := range jobs {
		cl, _ := sc.CampaignLead(ctx, jobs[i].CampaignLeadID)
		jobs[i].LeadID = cl.LeadID
	}
	if _, err := sc.InsertSendJobs(ctx, jobs); err != nil {
		t.Fatal(err)
	}
	xl, _ := other.CampaignLead(ctx, x)
	xJob := store.SendJob{CampaignID: xl.CampaignID, CampaignLeadID: x, LeadID: xl.LeadID, Step: 2, DueAt: base}
	if _, err := other.InsertSendJobs(ctx, []store.SendJob{xJob}); err != nil {
		t.Fatal(err)
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		_, _, err := tx.InWorkspace(sc.WorkspaceID()).StopCampaignLeads(ctx, []string{cls[512]}, nil,
			store.CampaignLeadStopped, "by hand", base)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.PauseCampaignLeads(ctx, map[string]time.Time{cls[510]: until, cls[511]: until, cls[512]: until, x: until}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]*time.Time{cls[510]: &until, cls[511]: &until, cls[512]: nil} {
		got, err := sc.CampaignLeadPausedUntil(ctx, id)
		if err != nil || (got == nil) != (want == nil) || got != nil && !got.Equal(*want) {
			t.Errorf("paused until %v (%v), want %v", got, err, want)
		}
	}
	for id, want := range map[string]time.Time{cls[510]: until, cls[511]: later} {
		list, _ := sc.SendJobsOfCampaignLead(ctx, id)
		if len(list) != 1 || !list[0].DueAt.Equal(want) || !list[0].RunAt.Equal(want) || list[0].DeferReason != "out_of_office" {
			t.Errorf("paused job: %+v, want due and run at %v", list, want)
		}
	}
	if got, _ := other.CampaignLeadPausedUntil(ctx, x); got != nil {
		t.Errorf("another workspace's campaign lead paused until %v", got)
	}
	if list, _ := other.SendJobsOfCampaignLead(ctx, x); len(list) != 1 || !list[0].RunAt.Equal(base) {
		t.Errorf("another workspace's job moved: %+v", list)
	}

	// Stops with reply times: a stop records the time given for its id (any
	// status), none without one, and `at` for a stop as replied without one;
	// an id named twice is stopped once, another workspace's not at all.
	at := base.Add(5 * time.Hour)
	var stopped, campaigns []string
	err = st.InTx(ctx, func(tx *store.Tx) error {
		s := tx.InWorkspace(sc.WorkspaceID())
		var err error
		stopped, campaigns, err = s.StopCampaignLeads(ctx, []string{cls[515], cls[516], cls[515], x},
			map[string]time.Time{cls[515]: base, x: base}, store.CampaignLeadUnsubscribed, "asked to be removed", at)
		if err != nil {
			return err
		}
		_, _, err = s.StopCampaignLeads(ctx, []string{cls[517]}, nil, store.CampaignLeadReplied, "the lead replied", at)
		return err
	})
	if err != nil || len(stopped) != 2 || len(campaigns) != 1 || campaigns[0] != campID {
		t.Fatalf("stopped %v in %v (%v), want 2 in one campaign", stopped, campaigns, err)
	}
	for id, want := range map[string]struct {
		status  string
		replied *time.Time
	}{
		cls[515]: {store.CampaignLeadUnsubscribed, &base},
		cls[516]: {store.CampaignLeadUnsubscribed, nil},
		cls[517]: {store.CampaignLeadReplied, &at},
	} {
		cl, err := sc.CampaignLead(ctx, id)
		if err != nil || cl.Status != want.status || (cl.RepliedAt == nil) != (want.replied == nil) ||
			cl.RepliedAt != nil && !cl.RepliedAt.Equal(*want.replied) {
			t.Errorf("stopped campaign lead: %s replied %v (%v), want %s replied %v", cl.Status, cl.RepliedAt, err,
				want.status, want.replied)
		}
	}
	if cl, _ := other.CampaignLead(ctx, x); cl.Status != store.CampaignLeadActive || cl.RepliedAt != nil {
		t.Errorf("another workspace's campaign lead: %s replied %v", cl.Status, cl.RepliedAt)
	}
}
