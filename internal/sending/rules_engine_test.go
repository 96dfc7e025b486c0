package sending_test

import (
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/mailbox"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// allWeek is a window open all day, every day, in UTC.
func allWeek(name string, mailboxIDs ...string) campaign.Input {
	return campaign.Input{Name: ptr(name), Timezone: ptr("UTC"), SendDays: &[]int{1, 2, 3, 4, 5, 6, 7},
		SendStart: ptr("00:00"), SendEnd: ptr("24:00"), MailboxIDs: &mailboxIDs}
}

func oneStep() campaign.SequenceInput {
	return campaign.SequenceInput{Steps: []campaign.StepInput{{Subject: "Hi", Body: "Hello {{company}}"}}}
}

// countSentOn counts a mailbox's messages sent on each UTC date.
func (h *harness) countSentOn(mailboxID string) map[string]int {
	out := map[string]int{}
	for _, m := range h.sentBy(mailboxID) {
		out[m.msg.Date.UTC().Format("2006-01-02")]++
	}
	return out
}

// The ramp raises a new mailbox's limit a day at a time (1, 2, 3…), and the
// daily cap holds across campaigns sharing the mailbox.
func TestRampAndCapAcrossCampaigns(t *testing.T) {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	mailbox := h.mailbox("ramp@sender.test", 3, 1, 1, 0)
	a := h.campaignWith(allWeek("A", mailbox.ID), oneStep(), h.leads(5))
	b := h.campaignWith(allWeek("B", mailbox.ID), oneStep(), h.leads(5))
	h.launch(a)
	h.launch(b)
	h.runUntil(start.Add(5*24*time.Hour - time.Second))
	got := h.countSentOn(mailbox.ID)
	want := map[string]int{"2026-03-02": 1, "2026-03-03": 2, "2026-03-04": 3, "2026-03-05": 3, "2026-03-06": 1}
	for day, n := range want {
		if got[day] != n {
			t.Errorf("%s: %d sends, want %d (ramp 1, +1 a day, cap 3, shared by two campaigns): %v", day, got[day], n, got)
		}
	}
}

// The campaign's own daily limit counts across its mailboxes.
func TestCampaignDailyLimit(t *testing.T) {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	i1 := h.mailbox("one@sender.test", 10, 0, 0, 0)
	i2 := h.mailbox("two@sender.test", 10, 0, 0, 0)
	in := allWeek("Limited", i1.ID, i2.ID)
	in.DailyLimit = ptr(3)
	id := h.campaignWith(in, oneStep(), h.leads(7))
	h.launch(id)
	h.runUntil(start.Add(3*24*time.Hour - time.Second))
	per := map[string]int{}
	for _, i := range []string{i1.ID, i2.ID} {
		for day, n := range h.countSentOn(i) {
			per[day] += n
		}
	}
	if per["2026-03-02"] != 3 || per["2026-03-03"] != 3 || per["2026-03-04"] != 1 {
		t.Fatalf("sends per day %v, want 3, 3, 1 under a campaign limit of 3", per)
	}
}

// A suppression added after launch stops the lead at claim time: nothing
// goes to the address and the lead ends as suppressed.
func TestSuppressionAtClaimTime(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	mailbox := h.mailbox("s@sender.test", 10, 0, 0, 0)
	leads := h.leads(2)
	id := h.campaignWith(allWeek("S", mailbox.ID), twoSteps(), leads)
	h.launch(id)
	lead, err := h.scope().Lead(h.ctx, leads[1])
	if err != nil {
		t.Fatal(err)
	}
	sup := store.Suppression{Kind: store.SuppressDomain, Value: lead.Email[len("lead1-xxxxxxxx@"):], Reason: store.ReasonManual}
	if _, err := h.scope().AddSuppression(h.ctx, &sup); err != nil {
		t.Fatal(err)
	}
	h.tick()
	for _, m := range h.sentBy(mailbox.ID) {
		if m.msg.To[0].Address == lead.Email {
			t.Fatalf("sent to a suppressed address: %s", lead.Email)
		}
	}
	if n := len(h.sentBy(mailbox.ID)); n != 1 {
		t.Fatalf("sent %d, want 1 (the other lead)", n)
	}
	cl := h.campaignLead(id, leads[1])
	jobs := h.jobs(id, leads[1])
	if cl.Status != store.CampaignLeadSuppressed || len(jobs) != 1 || jobs[0].Status != store.JobCanceled {
		t.Fatalf("suppressed lead: %s, jobs %+v", cl.Status, jobs)
	}
}

// A paused mailbox holds its leads' work (never drops it); resuming it
// releases the work, which then goes out.
func TestPausedMailboxHoldsThenResumes(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	box := h.mailbox("p@sender.test", 10, 0, 0, 0)
	leads := h.leads(3)
	id := h.campaignWith(allWeek("P", box.ID), oneStep(), leads)
	h.launch(id)
	mailboxes := mailbox.New(h.st, env.New(nil, h.clock.Now))
	if _, err := mailboxes.Update(h.ctx, h.p, box.ID, mailbox.Patch{Status: ptr("paused")}, account.Meta{}); err != nil {
		t.Fatal(err)
	}
	res := h.tick()
	if res.Sent != 0 || res.Deferred != 3 {
		t.Fatalf("tick with the mailbox paused: %+v", res)
	}
	for _, l := range leads {
		j := h.jobs(id, l)[0]
		if j.Status != store.JobHeld || j.DeferReason != string(rules.ReasonMailboxPaused) {
			t.Fatalf("job of a paused mailbox: %s %s", j.Status, j.DeferReason)
		}
	}
	x, err := h.camps.Explain(h.ctx, h.p.WorkspaceID, id, leads[0])
	if err != nil || x.Reason != string(rules.ReasonMailboxPaused) || x.NotBefore != nil {
		t.Fatalf("explain while paused: %+v %v", x, err)
	}
	h.clock.Set(start.Add(time.Hour))
	if res := h.tick(); res.Processed != 0 {
		t.Fatalf("held jobs were looked at again: %+v", res)
	}
	if _, err := mailboxes.Update(h.ctx, h.p, box.ID, mailbox.Patch{Status: ptr("active")}, account.Meta{}); err != nil {
		t.Fatal(err)
	}
	if res := h.tick(); res.Sent != 3 {
		t.Fatalf("tick after resuming the mailbox: %+v", res)
	}
}

// Pausing the campaign holds its jobs; resuming releases them.
func TestPausedCampaignHoldsThenResumes(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	box := h.mailbox("c@sender.test", 10, 0, 0, 0)
	id := h.campaignWith(allWeek("C", box.ID), oneStep(), h.leads(2))
	h.launch(id)
	if _, err := h.camps.Pause(h.ctx, h.p, id, account.Meta{}); err != nil {
		t.Fatal(err)
	}
	if res := h.tick(); res.Sent != 0 || res.Deferred != 2 {
		t.Fatalf("tick with the campaign paused: %+v", res)
	}
	if _, err := h.camps.Resume(h.ctx, h.p, id, account.Meta{}); err != nil {
		t.Fatal(err)
	}
	if res := h.tick(); res.Sent != 2 {
		t.Fatalf("tick after resume: %+v", res)
	}
	c, err := h.camps.Get(h.ctx, h.p.WorkspaceID, id)
	if err != nil || c.Status != store.CampaignCompleted {
		t.Fatalf("campaign whose every lead finished: %s %v", c.Status, err)
	}
}

// A reply stops the follow-up; an unsubscribe stops the lead in every
// campaign; neither leaves a job that could still go.
func TestStopOnReplyAndUnsubscribe(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	box := h.mailbox("r@sender.test", 10, 0, 0, 0)
	leads := h.leads(3)
	id := h.campaignWith(allWeek("R", box.ID), twoSteps(), leads)
	other := h.campaignWith(allWeek("Other", box.ID), oneStep(), leads[2:])
	h.launch(id)
	h.tick()
	if n := len(h.sentBy(box.ID)); n != 3 {
		t.Fatalf("first tick sent %d, want 3", n)
	}
	// Lead 0 replies.
	replied := h.campaignLead(id, leads[0]).ID
	err := h.st.InTx(h.ctx, func(tx *store.Tx) error {
		_, err := enrollment.RecordReply(h.ctx, tx, h.p.WorkspaceID, replied, h.clock.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Lead 2 clicks unsubscribe (in the first campaign's message).
	token := h.unsub.Token(h.campaignLead(id, leads[2]).ID)
	if _, err := h.unsub.Apply(h.ctx, h.st, token, "", ""); err != nil {
		t.Fatal(err)
	}
	h.launch(other)
	h.runUntil(start.Add(7 * 24 * time.Hour))
	sentTo := map[string]int{}
	for _, m := range h.sentBy(box.ID) {
		sentTo[m.msg.To[0].Address]++
	}
	l0, _ := h.scope().Lead(h.ctx, leads[0])
	l1, _ := h.scope().Lead(h.ctx, leads[1])
	l2, _ := h.scope().Lead(h.ctx, leads[2])
	if sentTo[l0.Email] != 1 || sentTo[l1.Email] != 2 || sentTo[l2.Email] != 1 {
		t.Fatalf("messages per lead %v: want 1 (replied), 2 (finished), 1 (unsubscribed, also from the other campaign)", sentTo)
	}
	if cl := h.campaignLead(id, leads[0]); cl.Status != store.CampaignLeadReplied {
		t.Errorf("replied lead: %s", cl.Status)
	}
	if cl := h.campaignLead(other, leads[2]); cl.Status != store.CampaignLeadUnsubscribed {
		t.Errorf("unsubscribed lead in the other campaign: %s", cl.Status)
	}
	if l2.Status != store.LeadUnsubscribed {
		t.Errorf("lead after unsubscribe: %s", l2.Status)
	}
}

// Leads with their own time zone get the window in their zone.
func TestLeadTimezoneWindow(t *testing.T) {
	// 08:00 UTC Monday = 17:00 in Tokyo, 09:00 in Paris.
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	box := h.mailbox("tz@sender.test", 10, 0, 0, 0)
	tokyo := store.Lead{Email: "tokyo@x.test", Timezone: "Asia/Tokyo", Company: "K"}
	if err := h.scope().CreateLead(h.ctx, &tokyo); err != nil {
		t.Fatal(err)
	}
	in := campaign.Input{Name: ptr("TZ"), Timezone: ptr("Europe/Paris"), MailboxIDs: &[]string{box.ID}, UseLeadTimezone: ptr(true)}
	id := h.campaignWith(in, oneStep(), []string{tokyo.ID})
	h.launch(id)
	if res := h.tick(); res.Sent != 0 {
		t.Fatalf("sent at 17:00 Tokyo time: %+v", res)
	}
	j := h.jobs(id, tokyo.ID)[0]
	want := time.Date(2026, 3, 3, 9, 0, 0, 0, mustZone("Asia/Tokyo"))
	if !j.RunAt.Equal(want) {
		t.Fatalf("next try %v, want 09:00 Tuesday in Tokyo", j.RunAt)
	}
	h.runUntil(want.Add(time.Minute))
	if n := len(h.sentBy(box.ID)); n != 1 {
		t.Fatalf("sent %d by 09:01 Tokyo", n)
	}
}
