package lead_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}

// TestEraseStopsTheLeadLikeAnyStop erases Ada, who is the last active lead
// of campaign A, shares campaign B with Grace, has already replied in
// campaign C, and whose address is also a lead of another workspace. Her
// active campaign leads stop as every stop does: A completes, B goes on with
// Grace, her scheduled and claimed jobs are canceled (a sent one stays), and
// her reply in C keeps its status. Her data is gone, a hash of her address is
// suppressed, the erasure is audited, and the other workspace's Ada, her
// sequence and campaign are untouched.
func TestEraseStopsTheLeadLikeAnyStop(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	owner := store.User{Email: "owner@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &owner); err != nil {
		t.Fatal(err)
	}
	newWorkspace := func(name string) store.Scope {
		t.Helper()
		w := store.Workspace{Name: name}
		if err := st.CreateWorkspace(ctx, &w, owner.ID); err != nil {
			t.Fatal(err)
		}
		return st.InWorkspace(w.ID)
	}
	newLead := func(s store.Scope, email, first string) store.Lead {
		t.Helper()
		l := store.Lead{Email: email, FirstName: first}
		if err := s.CreateLead(ctx, &l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	newCampaign := func(s store.Scope) string {
		t.Helper()
		c := store.Campaign{Name: "C", Timezone: "UTC", SendDays: []int{1, 2, 3, 4, 5}, SendEndMinute: 1440,
			StopOnReply: true, Status: store.CampaignActive}
		if err := s.CreateCampaign(ctx, &c); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	// enrol adds a lead to a campaign with one job per status given (steps
	// 1, 2, …) and returns the campaign lead and its jobs by step.
	enrol := func(s store.Scope, campaignID string, l store.Lead, jobStatuses ...string) (string, []string) {
		t.Helper()
		cl := store.CampaignLead{CampaignID: campaignID, LeadID: l.ID}
		if _, err := s.AddCampaignLead(ctx, &cl); err != nil {
			t.Fatal(err)
		}
		jobs := make([]store.SendJob, len(jobStatuses))
		for i, status := range jobStatuses {
			jobs[i] = store.SendJob{CampaignID: campaignID, CampaignLeadID: cl.ID, LeadID: l.ID, Step: i + 1,
				Status: status, DueAt: time.Now()}
		}
		if _, err := s.InsertSendJobs(ctx, jobs); err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(jobs))
		for i, j := range jobs {
			ids[i] = j.ID
		}
		return cl.ID, ids
	}

	w := newWorkspace("W")
	ada := newLead(w, "ada@example.com", "Ada")
	grace := newLead(w, "grace@example.com", "Grace")
	campA, campB, campC := newCampaign(w), newCampaign(w), newCampaign(w)
	adaA, adaAJobs := enrol(w, campA, ada, store.JobSent, store.JobScheduled)
	adaB, adaBJobs := enrol(w, campB, ada, store.JobClaimed)
	_, graceBJobs := enrol(w, campB, grace, store.JobScheduled)
	adaC, _ := enrol(w, campC, ada, store.JobSent)
	enrol(w, campC, grace, store.JobScheduled)
	err := st.InTx(ctx, func(tx *store.Tx) error {
		return enrollment.StopLead(ctx, tx, w.WorkspaceID(), adaC, store.CampaignLeadReplied, "the lead replied", time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}

	o := newWorkspace("Other")
	otherAda := newLead(o, "ada@example.com", "Ada")
	otherCamp := newCampaign(o)
	otherCL, otherJobs := enrol(o, otherCamp, otherAda, store.JobScheduled)

	svc := lead.New(st, env.New(nil, nil))
	p := account.Principal{User: owner, WorkspaceID: w.WorkspaceID(), Role: store.RoleOwner}
	if err := svc.Erase(ctx, p, account.Meta{RequestID: "req-1"}, ada.ID); err != nil {
		t.Fatal(err)
	}

	for name, c := range map[string]struct {
		cl, status, reason string
	}{
		"Ada in A": {adaA, store.CampaignLeadStopped, "the lead was erased"},
		"Ada in B": {adaB, store.CampaignLeadStopped, "the lead was erased"},
		"Ada in C": {adaC, store.CampaignLeadReplied, "the lead replied"},
	} {
		cl, err := w.CampaignLead(ctx, c.cl)
		if err != nil || cl.Status != c.status || cl.StatusReason != c.reason {
			t.Errorf("%s: %s %q (%v), want %s %q", name, cl.Status, cl.StatusReason, err, c.status, c.reason)
		}
	}
	for name, c := range map[string]struct {
		sc               store.Scope
		job, status, why string
	}{
		"Ada's sent step in A":      {w, adaAJobs[0], store.JobSent, ""},
		"Ada's scheduled step in A": {w, adaAJobs[1], store.JobCanceled, "lead_stopped"},
		"Ada's claimed step in B":   {w, adaBJobs[0], store.JobCanceled, "lead_stopped"},
		"Grace's step in B":         {w, graceBJobs[0], store.JobScheduled, ""},
		"the other workspace's":     {o, otherJobs[0], store.JobScheduled, ""},
	} {
		j, err := c.sc.SendJob(ctx, c.job)
		if err != nil || j.Status != c.status || j.DeferReason != c.why {
			t.Errorf("%s: job %s %q (%v), want %s %q", name, j.Status, j.DeferReason, err, c.status, c.why)
		}
	}
	for name, c := range map[string]struct {
		sc         store.Scope
		id, status string
	}{
		"A, whose last active lead was Ada": {w, campA, store.CampaignCompleted},
		"B, where Grace goes on":            {w, campB, store.CampaignActive},
		"C, where Grace goes on":            {w, campC, store.CampaignActive},
		"the other workspace's":             {o, otherCamp, store.CampaignActive},
	} {
		if camp, err := c.sc.Campaign(ctx, c.id); err != nil || camp.Status != c.status {
			t.Errorf("campaign %s: %s (%v), want %s", name, camp.Status, err, c.status)
		}
	}

	// What erasure guarantees: the person's data is gone, a hash stays.
	if l, err := w.Lead(ctx, ada.ID); err != nil || l.Status != store.LeadErased || l.Email == ada.Email || l.FirstName != "" {
		t.Errorf("erased lead: %+v (%v)", l, err)
	}
	if sup, ok, err := w.Suppressed(ctx, "ADA@example.com"); err != nil || !ok || sup.Kind != store.SuppressEmailHash ||
		sup.Value == ada.Email {
		t.Errorf("erased address suppressed: %+v %v (%v), want its hash", sup, ok, err)
	}
	events, err := w.AuditEvents(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	var audited *store.AuditEvent
	for i := range events {
		if events[i].Action == "lead.erased" && events[i].TargetID == ada.ID {
			audited = &events[i]
		}
	}
	if audited == nil || audited.ActorUserID != owner.ID || audited.Data["campaignsStopped"] != float64(2) {
		t.Errorf("audit of the erasure: %+v", audited)
	}

	// The other workspace's Ada is another person's record: untouched.
	if l, _ := o.Lead(ctx, otherAda.ID); l.Status != store.LeadActive || l.Email != "ada@example.com" || l.FirstName != "Ada" {
		t.Errorf("the other workspace's lead: %+v", l)
	}
	if cl, _ := o.CampaignLead(ctx, otherCL); cl.Status != store.CampaignLeadActive {
		t.Errorf("the other workspace's campaign lead: %s", cl.Status)
	}
	if _, ok, _ := o.Suppressed(ctx, "ada@example.com"); ok {
		t.Error("the erasure suppressed the address in another workspace")
	}

	if err := svc.Erase(ctx, p, account.Meta{}, ada.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("erasing twice: %v, want not found", err)
	}
}
