package enrollment_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/enrollment"
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
	w := store.Workspace{Name: "W", FooterAddress: "1 Main St, Springfield"}
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
		return enrollment.StopLead(ctx, tx, f.ws, f.cls[1], store.CampaignLeadBounced, "550 5.1.1 no such user", time.Now())
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
		return enrollment.StopLead(ctx, tx, f.ws, f.cls[0], "paused", "", time.Now())
	}); err == nil {
		t.Error("StopLead accepted a status that is not a stop")
	}
}

func TestStopLeadEverywhereAndWorkspaceScope(t *testing.T) {
	f := newStopFixture(t, true)
	ctx := context.Background()
	// Another workspace cannot stop this lead.
	err := f.st.InTx(ctx, func(tx *store.Tx) error {
		return enrollment.StopLead(ctx, tx, store.NewID(), f.cls[0], store.CampaignLeadReplied, "", time.Now())
	})
	if err == nil {
		t.Fatal("StopLead with a foreign workspace id succeeded")
	}
	var n int
	err = f.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = enrollment.StopLeadEverywhere(ctx, tx, f.ws, f.leadID, store.CampaignLeadUnsubscribed, "one-click unsubscribe", time.Now())
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
			stopped, err = enrollment.RecordReply(ctx, tx, f.ws, f.cls[0], at)
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

// TestStopLeadsStopsASetAcrossCampaigns stops five campaign leads of two
// campaigns in one call, with a campaign lead of another workspace among
// the ids: campaign A loses its last active lead and completes, campaign B
// keeps one and stays active; every job not yet handed to a provider is
// canceled, a sending or sent one is left as it is, and the other
// workspace's campaign lead, job and campaign are untouched.
func TestStopLeadsStopsASetAcrossCampaigns(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	u := store.User{Email: "o@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	type enrolment struct{ cl, job string }
	// enrol adds a lead to a campaign with one job per status given (steps 1, 2, …).
	enrol := func(s store.Scope, campaignID, email string, jobStatuses ...string) enrolment {
		t.Helper()
		l := store.Lead{Email: email}
		if err := s.CreateLead(ctx, &l); err != nil {
			t.Fatal(err)
		}
		cl := store.CampaignLead{CampaignID: campaignID, LeadID: l.ID}
		if _, err := s.AddCampaignLead(ctx, &cl); err != nil {
			t.Fatal(err)
		}
		var jobs []store.SendJob
		for i, status := range jobStatuses {
			jobs = append(jobs, store.SendJob{CampaignID: campaignID, CampaignLeadID: cl.ID, LeadID: l.ID, Step: i + 1,
				Status: status, DueAt: time.Now()})
		}
		if _, err := s.InsertSendJobs(ctx, jobs); err != nil {
			t.Fatal(err)
		}
		return enrolment{cl: cl.ID, job: jobs[len(jobs)-1].ID}
	}
	workspace := func(name string, campaigns int) (string, []string) {
		t.Helper()
		w := store.Workspace{Name: name, FooterAddress: "1 Main St, Springfield"}
		if err := st.CreateWorkspace(ctx, &w, u.ID); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for range campaigns {
			c := store.Campaign{Name: "C", Timezone: "UTC", SendDays: []int{1, 2, 3, 4, 5}, SendEndMinute: 1440,
				StopOnReply: true, Status: store.CampaignActive}
			if err := st.InWorkspace(w.ID).CreateCampaign(ctx, &c); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		return w.ID, ids
	}
	ws, camps := workspace("W", 2)
	s := st.InWorkspace(ws)
	a1 := enrol(s, camps[0], "a1@acme.com", store.JobSent, store.JobScheduled)
	a2 := enrol(s, camps[0], "a2@acme.com", store.JobHeld)
	b1 := enrol(s, camps[1], "b1@beta.com", store.JobClaimed)
	b2 := enrol(s, camps[1], "b2@beta.com", store.JobSending)
	b3 := enrol(s, camps[1], "b3@beta.com", store.JobScheduled) // not stopped: keeps B running
	otherWS, otherCamps := workspace("Other", 1)
	x := enrol(st.InWorkspace(otherWS), otherCamps[0], "x@gamma.com", store.JobScheduled)

	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	ids := []string{a1.cl, a2.cl, b1.cl, b2.cl, x.cl, a1.cl}
	var n int
	err := st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = enrollment.StopLeads(ctx, tx, ws, ids, store.CampaignLeadBounced, "hard bounce 5.1.1", at)
		return err
	})
	if err != nil || n != 4 {
		t.Fatalf("StopLeads stopped %d (err %v), want 4", n, err)
	}

	for _, e := range []enrolment{a1, a2, b1, b2} {
		cl, err := s.CampaignLead(ctx, e.cl)
		if err != nil {
			t.Fatal(err)
		}
		if cl.Status != store.CampaignLeadBounced || cl.StatusReason != "hard bounce 5.1.1" || cl.RepliedAt != nil {
			t.Errorf("stopped campaign lead: %s %q replied %v", cl.Status, cl.StatusReason, cl.RepliedAt)
		}
	}
	if cl, _ := s.CampaignLead(ctx, b3.cl); cl.Status != store.CampaignLeadActive {
		t.Errorf("campaign lead left out of the set: %s, want active", cl.Status)
	}
	jobs := func(sc store.Scope, cl string) map[int]store.SendJob {
		t.Helper()
		list, err := sc.SendJobsOfCampaignLead(ctx, cl)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int]store.SendJob{}
		for _, j := range list {
			out[j.Step] = j
		}
		return out
	}
	for name, c := range map[string]struct {
		sc          store.Scope
		cl          string
		step        int
		status, why string
	}{
		"a1 sent step":      {s, a1.cl, 1, store.JobSent, ""},
		"a1 scheduled step": {s, a1.cl, 2, store.JobCanceled, "lead_bounced"},
		"a2 held":           {s, a2.cl, 1, store.JobCanceled, "lead_bounced"},
		"b1 claimed":        {s, b1.cl, 1, store.JobCanceled, "lead_bounced"},
		"b2 sending":        {s, b2.cl, 1, store.JobSending, ""},
		"b3 not stopped":    {s, b3.cl, 1, store.JobScheduled, ""},
		"other workspace":   {st.InWorkspace(otherWS), x.cl, 1, store.JobScheduled, ""},
	} {
		j := jobs(c.sc, c.cl)[c.step]
		if j.Status != c.status || j.DeferReason != c.why {
			t.Errorf("%s: job %s %q, want %s %q", name, j.Status, j.DeferReason, c.status, c.why)
		}
	}
	for i, want := range []string{store.CampaignCompleted, store.CampaignActive} {
		if c, _ := s.Campaign(ctx, camps[i]); c.Status != want {
			t.Errorf("campaign %d: %s, want %s", i, c.Status, want)
		}
	}
	ox := st.InWorkspace(otherWS)
	if cl, _ := ox.CampaignLead(ctx, x.cl); cl.Status != store.CampaignLeadActive {
		t.Errorf("other workspace's campaign lead: %s, want active", cl.Status)
	}
	if c, _ := ox.Campaign(ctx, otherCamps[0]); c.Status != store.CampaignActive {
		t.Errorf("other workspace's campaign: %s, want active", c.Status)
	}

	// Replied records the reply time where none is, and keeps an earlier one.
	earlier := at.Add(-time.Hour)
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InWorkspace(ws).MarkCampaignLeadReplied(ctx, a1.cl, earlier); err != nil {
			return err
		}
		_, err := enrollment.StopLeads(ctx, tx, ws, []string{a1.cl, b3.cl}, store.CampaignLeadReplied, "the lead replied", at)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for cl, want := range map[string]time.Time{a1.cl: earlier, b3.cl: at} {
		if c, _ := s.CampaignLead(ctx, cl); c.Status != store.CampaignLeadReplied || c.RepliedAt == nil || !c.RepliedAt.Equal(want) {
			t.Errorf("replied campaign lead: %s at %v, want replied at %v", c.Status, c.RepliedAt, want)
		}
	}
	if c, _ := s.Campaign(ctx, camps[1]); c.Status != store.CampaignCompleted {
		t.Errorf("campaign B after its last lead stopped: %s, want completed", c.Status)
	}

	// Nothing to stop is no statement and no error; a status that is not a
	// stop is refused.
	err = st.InTx(ctx, func(tx *store.Tx) error {
		if n, err := enrollment.StopLeads(ctx, tx, ws, nil, store.CampaignLeadStopped, "", at); n != 0 || err != nil {
			t.Errorf("StopLeads of no ids: %d %v", n, err)
		}
		_, err := enrollment.StopLeads(ctx, tx, ws, []string{b3.cl}, store.CampaignLeadActive, "", at)
		return err
	})
	if err == nil {
		t.Error("StopLeads accepted a status that is not a stop")
	}
}

// TestReplyStop is the rule RecordReply and the reply loop share.
func TestReplyStop(t *testing.T) {
	for _, c := range []struct {
		clStatus      string
		stopOnReply   bool
		status, why   string
		stopsSequence bool
	}{
		{store.CampaignLeadActive, true, store.CampaignLeadReplied, "the lead replied", true},
		{store.CampaignLeadActive, false, "", "", false},
		{store.CampaignLeadCompleted, true, store.CampaignLeadReplied, "replied after the last step", false},
		{store.CampaignLeadCompleted, false, store.CampaignLeadReplied, "replied after the last step", false},
		{store.CampaignLeadReplied, true, "", "", false},
		{store.CampaignLeadBounced, true, "", "", false},
		{store.CampaignLeadStopped, false, "", "", false},
	} {
		status, why, stops := enrollment.ReplyStop(c.clStatus, c.stopOnReply)
		if status != c.status || why != c.why || stops != c.stopsSequence {
			t.Errorf("ReplyStop(%s, %v) = %q %q %v, want %q %q %v", c.clStatus, c.stopOnReply, status, why, stops,
				c.status, c.why, c.stopsSequence)
		}
	}
}
