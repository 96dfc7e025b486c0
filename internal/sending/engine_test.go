package sending_test

import (
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

var paris = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// A two-step campaign from one sandbox mailbox (cap 3 a day, 10 minutes
// apart, Mon–Fri 09:00–17:00 Paris): the first sends wait for the window,
// go 3 a day at least 10 minutes apart, and each follow-up goes two days
// after its first step, from the same mailbox, in the same thread.
func TestTwoStepCampaignRespectsWindowCapGapAndThreads(t *testing.T) {
	// Monday 2 March 2026, 07:30 in Paris.
	h := newHarness(t, time.Date(2026, 3, 2, 7, 30, 0, 0, paris))
	mailbox := h.mailbox("sales@sender.test", 3, 0, 0, 600)
	leads := h.leads(5)
	id := h.campaignWith(campaign.Input{Name: ptr("Q1"), Timezone: ptr("Europe/Paris"), MailboxIDs: &[]string{mailbox.ID}},
		twoSteps(), leads)
	h.launch(id)

	res := h.tick()
	if res.Sent != 0 || res.Deferred != 5 {
		t.Fatalf("tick before the window: %+v, want 0 sent, 5 deferred", res)
	}
	j := h.jobs(id, leads[0])[0]
	if j.DeferReason != string(rules.ReasonOutsideWindow) || !j.RunAt.Equal(time.Date(2026, 3, 2, 9, 0, 0, 0, paris)) {
		t.Fatalf("deferred job: reason %s run_at %v, want outside_window at 09:00 Paris", j.DeferReason, j.RunAt.In(paris))
	}

	h.runUntil(time.Date(2026, 3, 7, 0, 0, 0, 0, paris))

	msgs := h.sentBy(mailbox.ID)
	if len(msgs) != 10 {
		t.Fatalf("sent %d messages over the week, want 10 (5 leads × 2 steps)", len(msgs))
	}
	perDay := map[string]int{}
	var last time.Time
	for i, m := range msgs {
		at := m.msg.Date.In(paris)
		perDay[at.Format("Mon")]++
		if at.Hour() < 9 || at.Hour() >= 17 || at.Weekday() == time.Saturday || at.Weekday() == time.Sunday {
			t.Errorf("message %d sent at %v, outside Mon–Fri 09:00–17:00", i, at)
		}
		if i > 0 && at.Sub(last) < 10*time.Minute {
			t.Errorf("message %d sent %v after the previous one, want ≥ 10m", i, at.Sub(last))
		}
		last = at
		for _, h := range []string{"List-Unsubscribe", "List-Unsubscribe-Post", "Message-ID"} {
			if m.msg.Header.Get(h) == "" {
				t.Errorf("message %d lacks %s", i, h)
			}
		}
		if got := m.msg.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post = %q", got)
		}
		if lu := m.msg.Header.Get("List-Unsubscribe"); !strings.Contains(lu, "<https://app.example.com/u/") || !strings.Contains(lu, "mailto:sales@sender.test") {
			t.Errorf("List-Unsubscribe = %q", lu)
		}
	}
	for day, n := range perDay {
		if n > 3 {
			t.Errorf("%s: %d sends, over the cap of 3", day, n)
		}
	}
	if perDay["Mon"] != 3 || perDay["Tue"] != 2 {
		t.Errorf("sends per day %v: want Mon 3 and Tue 2 first steps", perDay)
	}

	// Threading: each follow-up replies to its lead's first message.
	for _, lid := range leads {
		jobs := h.jobs(id, lid)
		if len(jobs) != 2 || jobs[0].Status != store.JobSent || jobs[1].Status != store.JobSent {
			t.Fatalf("lead %s jobs: %+v", lid, jobs)
		}
		if jobs[1].SentAt.Sub(*jobs[0].SentAt) < 48*time.Hour {
			t.Errorf("follow-up %v after the first step, want ≥ 2 days", jobs[1].SentAt.Sub(*jobs[0].SentAt))
		}
		var first, second *sent
		for i := range msgs {
			switch msgs[i].msg.MessageID {
			case jobs[0].MessageID:
				first = &msgs[i]
			case jobs[1].MessageID:
				second = &msgs[i]
			}
		}
		if first == nil || second == nil {
			t.Fatalf("lead %s: sent messages not found by Message-ID", lid)
		}
		if len(second.msg.InReplyTo) != 1 || second.msg.InReplyTo[0] != first.msg.MessageID {
			t.Errorf("follow-up In-Reply-To %v, want %s", second.msg.InReplyTo, first.msg.MessageID)
		}
		if len(second.msg.References) != 1 || second.msg.References[0] != first.msg.MessageID {
			t.Errorf("follow-up References %v", second.msg.References)
		}
		if second.msg.Subject != "Re: "+first.msg.Subject {
			t.Errorf("follow-up subject %q, want Re: + %q", second.msg.Subject, first.msg.Subject)
		}
		if jobs[1].ThreadID == "" || jobs[1].ThreadID != jobs[0].ThreadID {
			t.Errorf("thread ids %q %q: want the same provider thread", jobs[0].ThreadID, jobs[1].ThreadID)
		}
		if cl := h.campaignLead(id, lid); cl.Status != store.CampaignLeadCompleted || cl.LastStepSent != 2 {
			t.Errorf("campaign lead after both steps: %s step %d", cl.Status, cl.LastStepSent)
		}
	}
	c, err := h.camps.Get(h.ctx, h.p.WorkspaceID, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != store.CampaignCompleted || c.Stats.Sent != 10 || c.Stats.Leads != 5 {
		t.Errorf("campaign after every step: status %s stats %+v", c.Status, c.Stats)
	}
}
