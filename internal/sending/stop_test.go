package sending_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// stopFixture is a workspace with one campaign and one lead whose step 1 is
// scheduled and step 2 (in another campaign) is claimed.
type stopFixture struct {
	st         *store.Store
	ws         string
	campaigns  [2]string
	leadID     string
	cls        [2]string
	jobs       [2]string
	otherCLJob string
}

func newStopFixture(t *testing.T, stopOnReply bool) stopFixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	u := store.User{Email: "o@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	w := store.Workspace{Name: "W"}
	if err := st.CreateWorkspace(ctx, &w, u.ID); err != nil {
		t.Fatal(err)
	}
	s := st.InWorkspace(w.ID)
	f := stopFixture{st: st, ws: w.ID}
	lead := store.Lead{Email: "ann@acme.com"}
	other := store.Lead{Email: "bob@acme.com"}
	for _, l := range []*store.Lead{&lead, &other} {
		if err := s.CreateLead(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	f.leadID = lead.ID
	for i := range f.campaigns {
		c := store.Campaign{Name: "C", Timezone: "UTC", SendDays: []int{1, 2, 3, 4, 5}, SendEndMinute: 1440,
			StopOnReply: stopOnReply, Status: store.CampaignActive}
		if err := s.CreateCampaign(ctx, &c); err != nil {
			t.Fatal(err)
		}
		f.campaigns[i] = c.ID
		cl := store.CampaignLead{CampaignID: c.ID, LeadID: lead.ID}
		if _, err := s.AddCampaignLead(ctx, &cl); err != nil {
			t.Fatal(err)
		}
		f.cls[i] = cl.ID
		status := store.JobScheduled
		if i == 1 {
			status = store.JobClaimed
		}
		job := store.SendJob{CampaignID: c.ID, CampaignLeadID: cl.ID, LeadID: lead.ID, Step: i + 1, Status: status,
			DueAt: time.Now()}
		if _, err := s.InsertSendJobs(ctx, []store.SendJob{job}); err != nil {
			t.Fatal(err)
		}
		jobs, _ := s.SendJobsOfCampaignLead(ctx, cl.ID)
		f.jobs[i] = jobs[0].ID
	}
	// Another lead of campaign 0 keeps it from completing.
	ocl := store.CampaignLead{CampaignID: f.campaigns[0], LeadID: other.ID}
	if _, err := s.AddCampaignLead(ctx, &ocl); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InsertSendJobs(ctx, []store.SendJob{{CampaignID: f.campaigns[0], CampaignLeadID: ocl.ID,
		LeadID: other.ID, Step: 1, DueAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	jobs, _ := s.SendJobsOfCampaignLead(ctx, ocl.ID)
	f.otherCLJob = jobs[0].ID
	return f
}

func (f stopFixture) jobStatus(t *testing.T, id string) string {
	t.Helper()
	j, err := f.st.InWorkspace(f.ws).SendJob(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j.Status
}

func (f stopFixture) clStatus(t *testing.T, id string) store.CampaignLead {
	t.Helper()
	cl, err := f.st.InWorkspace(f.ws).CampaignLead(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func (f stopFixture) campaignStatus(t *testing.T, id string) string {
	t.Helper()
	c, err := f.st.InWorkspace(f.ws).Campaign(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

func TestStopLeadCancelsScheduledAndClaimedJobs(t *testing.T) {
	f := newStopFixture(t, true)
	ctx := context.Background()
	err := f.st.InTx(ctx, func(tx *store.Tx) error {
		return sending.StopLead(ctx, tx, f.ws, f.cls[1], store.CampaignLeadBounced, "550 5.1.1 no such user")
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.jobStatus(t, f.jobs[1]); got != store.JobCanceled {
		t.Errorf("claimed job after stop: %s, want canceled", got)
	}
	if cl := f.clStatus(t, f.cls[1]); cl.Status != store.CampaignLeadBounced || cl.StatusReason != "550 5.1.1 no such user" {
		t.Errorf("campaign lead after stop: %s %q", cl.Status, cl.StatusReason)
	}
	// Campaign 1's only lead stopped: the campaign is done.
	if got := f.campaignStatus(t, f.campaigns[1]); got != store.CampaignCompleted {
		t.Errorf("campaign whose last lead stopped: %s, want completed", got)
	}
	// The same lead in the other campaign is untouched.
	if got := f.jobStatus(t, f.jobs[0]); got != store.JobScheduled {
		t.Errorf("other campaign's job: %s, want scheduled", got)
	}
	if err := f.st.InTx(ctx, func(tx *store.Tx) error {
		return sending.StopLead(ctx, tx, f.ws, f.cls[0], "paused", "")
	}); err == nil {
		t.Error("StopLead accepted a status that is not a stop")
	}
}

func TestStopLeadEverywhereAndWorkspaceScope(t *testing.T) {
	f := newStopFixture(t, true)
	ctx := context.Background()
	// Another workspace cannot stop this lead.
	err := f.st.InTx(ctx, func(tx *store.Tx) error {
		return sending.StopLead(ctx, tx, store.NewID(), f.cls[0], store.CampaignLeadReplied, "")
	})
	if err == nil {
		t.Fatal("StopLead with a foreign workspace id succeeded")
	}
	var n int
	err = f.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = sending.StopLeadEverywhere(ctx, tx, f.ws, f.leadID, store.CampaignLeadUnsubscribed, "one-click unsubscribe")
		return err
	})
	if err != nil || n != 2 {
		t.Fatalf("StopLeadEverywhere stopped %d (err %v), want 2", n, err)
	}
	for i := range f.jobs {
		if got := f.jobStatus(t, f.jobs[i]); got != store.JobCanceled {
			t.Errorf("job %d: %s, want canceled", i, got)
		}
	}
	if got := f.jobStatus(t, f.otherCLJob); got != store.JobScheduled {
		t.Errorf("another lead's job: %s, want scheduled", got)
	}
	if got := f.campaignStatus(t, f.campaigns[0]); got != store.CampaignActive {
		t.Errorf("campaign with an active lead left: %s, want active", got)
	}
}

func TestRecordReplyFollowsStopOnReply(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, stopOnReply := range []bool{true, false} {
		f := newStopFixture(t, stopOnReply)
		var stopped bool
		err := f.st.InTx(ctx, func(tx *store.Tx) error {
			var err error
			stopped, err = sending.RecordReply(ctx, tx, f.ws, f.cls[0], at)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		cl := f.clStatus(t, f.cls[0])
		if stopped != stopOnReply || cl.RepliedAt == nil || !cl.RepliedAt.Equal(at) {
			t.Errorf("stopOnReply %v: stopped %v, repliedAt %v", stopOnReply, stopped, cl.RepliedAt)
		}
		wantJob, wantCL := store.JobCanceled, store.CampaignLeadReplied
		if !stopOnReply {
			wantJob, wantCL = store.JobScheduled, store.CampaignLeadActive
		}
		if got := f.jobStatus(t, f.jobs[0]); got != wantJob || cl.Status != wantCL {
			t.Errorf("stopOnReply %v: job %s lead %s, want %s %s", stopOnReply, got, cl.Status, wantJob, wantCL)
		}
	}
}
