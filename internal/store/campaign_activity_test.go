package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestCampaignActivityListsSendsAndRepliesSince(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sc := workspace(t, st)
	c := store.Campaign{Name: "c", Timezone: "UTC", SendDays: []int{1}, SendStartMinute: 540, SendEndMinute: 1020}
	if err := sc.CreateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	send := func(email string, sentAt time.Time) store.CampaignLead {
		l := store.Lead{Email: email}
		if err := sc.CreateLead(ctx, &l); err != nil {
			t.Fatal(err)
		}
		cl := store.CampaignLead{CampaignID: c.ID, LeadID: l.ID}
		if _, err := sc.AddCampaignLead(ctx, &cl); err != nil {
			t.Fatal(err)
		}
		job := store.SendJob{CampaignID: c.ID, CampaignLeadID: cl.ID, LeadID: l.ID, Step: 1, Status: store.JobSending, DueAt: sentAt}
		if _, err := sc.InsertSendJobs(ctx, []store.SendJob{job}); err != nil {
			t.Fatal(err)
		}
		jobs, err := sc.SendJobsOfCampaignLead(ctx, cl.ID)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("jobs: %v %v", jobs, err)
		}
		if ok, _, err := st.RecordSent(ctx, store.SentRecord{JobID: jobs[0].ID, WorkspaceID: sc.WorkspaceID(), CampaignLeadID: cl.ID,
			Step: 1, MessageID: "<" + email + ">", References: []string{"<" + email + ">"}, SentAt: sentAt}); !ok || err != nil {
			t.Fatalf("record sent: %v %v", ok, err)
		}
		return cl
	}
	send("old@example.com", base.Add(-48*time.Hour))
	send("a@example.com", base.Add(time.Hour))
	replier := send("b@example.com", base.Add(2*time.Hour))
	if err := sc.MarkCampaignLeadReplied(ctx, replier.ID, base.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}

	sent, replied, err := sc.CampaignActivity(ctx, c.ID, base)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 2 || !sent[0].Equal(base.Add(time.Hour)) || !sent[1].Equal(base.Add(2*time.Hour)) {
		t.Errorf("sent since base: %v", sent)
	}
	if len(replied) != 1 || !replied[0].Equal(base.Add(3*time.Hour)) {
		t.Errorf("replied since base: %v", replied)
	}
	// Another workspace sees nothing of it.
	sent, replied, err = workspace(t, st).CampaignActivity(ctx, c.ID, base.Add(-72*time.Hour))
	if err != nil || len(sent)+len(replied) != 0 {
		t.Errorf("another workspace: %v %v %v", sent, replied, err)
	}
}
