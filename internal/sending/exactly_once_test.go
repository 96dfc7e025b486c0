package sending_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/mailbox"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/store"
)

// hookBox wraps a mailbox to fail or crash around Send.
type hookBox struct {
	provider.Mailbox
	before func(m provider.OutgoingMessage) error // nil error: go on
	after  func(m provider.OutgoingMessage) error // runs once the inner Send succeeded
}

func (b hookBox) Send(ctx context.Context, m provider.OutgoingMessage) (provider.SentMessage, error) {
	if b.before != nil {
		if err := b.before(m); err != nil {
			return provider.SentMessage{}, err
		}
	}
	sent, err := b.Mailbox.Send(ctx, m)
	if err == nil && b.after != nil {
		if err := b.after(m); err != nil {
			return provider.SentMessage{}, err
		}
	}
	return sent, err
}

// assertOnceEach checks that the mailbox sent exactly one message per
// Message-ID, and n in all.
func (h *harness) assertOnceEach(mailboxID string, n int) {
	h.t.Helper()
	seen := map[string]int{}
	msgs := h.sentBy(mailboxID)
	for _, m := range msgs {
		seen[m.msg.MessageID]++
		if seen[m.msg.MessageID] > 1 {
			h.t.Errorf("Message-ID %s sent twice", m.msg.MessageID)
		}
	}
	if len(msgs) != n {
		h.t.Errorf("sent %d messages, want %d", len(msgs), n)
	}
}

func zeroDelayTwoSteps() campaign.SequenceInput {
	seq := twoSteps()
	seq.Steps[1].DelayDays = 0
	return seq
}

// Many ticks at once, from two engines (two replicas), with small batches:
// every job is sent exactly once, follow-ups included.
func TestConcurrentTicksSendEachJobOnce(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	var boxes []string
	for _, e := range []string{"c1@sender.test", "c2@sender.test", "c3@sender.test"} {
		boxes = append(boxes, h.mailbox(e, 1000, 0, 0, 0).ID)
	}
	const leads = 150
	id := h.campaignWith(allWeek("Concurrent", boxes...), zeroDelayTwoSteps(), h.leads(leads))
	h.launch(id)
	engines := []*sending.Engine{
		h.newEngine(sending.Config{BatchSize: 7, Workers: 3, Parallel: 2}),
		h.newEngine(sending.Config{BatchSize: 5, Workers: 2, Parallel: 3}),
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 8 {
		wg.Go(func() {
			for range 30 {
				if _, err := engines[g%2].Tick(h.ctx); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a concurrent tick failed: %v", err)
	}
	total := 0
	for _, b := range boxes {
		msgs := h.sentBy(b)
		total += len(msgs)
		h.assertOnceEach(b, len(msgs))
	}
	if total != 2*leads {
		t.Fatalf("sent %d messages in all, want %d (each lead's two steps once)", total, 2*leads)
	}
	c, err := h.camps.Get(h.ctx, h.p.WorkspaceID, id)
	if err != nil || c.Stats.Sent != 2*leads || c.Status != store.CampaignCompleted {
		t.Fatalf("campaign after the ticks: %s %+v %v", c.Status, c.Stats, err)
	}
}

// crash runs a tick expected to panic (the process dying mid-tick).
func crash(t *testing.T, e *sending.Engine, ctx context.Context) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Fatal("the tick did not crash")
		}
	}()
	_, _ = e.Tick(ctx)
}

// A tick killed between claim and send, before and after the provider
// call: a restarted engine resolves each job (asking the provider about our
// Message-ID when the job was in sending) with no duplicate and no loss.
func TestCrashRecovery(t *testing.T) {
	cases := []struct {
		name   string
		where  string
		leftAs string
	}{
		{"after claim", "claim", store.JobClaimed},
		{"before the provider call", "before", store.JobSending},
		{"after the provider accepted, before record", "after", store.JobSending},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
			h := newHarness(t, start)
			box := h.mailbox("k@sender.test", 10, 0, 0, 0)
			leads := h.leads(1)
			id := h.campaignWith(allWeek("K", box.ID), twoSteps(), leads)
			h.launch(id)
			dying := h.newEngine(sending.Config{})
			switch tc.where {
			case "claim":
				sending.SetAfterClaim(dying, func() { panic("killed after claim") })
			case "before":
				h.wrap = func(mb provider.Mailbox) provider.Mailbox {
					return hookBox{Mailbox: mb, before: func(provider.OutgoingMessage) error { panic("killed before send") }}
				}
			case "after":
				h.wrap = func(mb provider.Mailbox) provider.Mailbox {
					return hookBox{Mailbox: mb, after: func(provider.OutgoingMessage) error { panic("killed after send") }}
				}
			}
			crash(t, dying, h.ctx)
			h.wrap = nil
			if j := h.jobs(id, leads[0])[0]; j.Status != tc.leftAs {
				t.Fatalf("after the crash the job is %s, want %s", j.Status, tc.leftAs)
			}
			restarted := h.newEngine(sending.Config{})
			// Within the lease the job is left alone: its tick may be alive.
			h.clock.Set(start.Add(time.Minute))
			if _, err := restarted.Tick(h.ctx); err != nil {
				t.Fatal(err)
			}
			if j := h.jobs(id, leads[0])[0]; j.Status != tc.leftAs {
				t.Fatalf("within the lease the job became %s", j.Status)
			}
			h.clock.Set(start.Add(6 * time.Minute))
			if _, err := restarted.Tick(h.ctx); err != nil {
				t.Fatal(err)
			}
			jobs := h.jobs(id, leads[0])
			if jobs[0].Status != store.JobSent || len(jobs) != 2 || jobs[1].Status != store.JobScheduled {
				t.Fatalf("after recovery: %+v", jobs)
			}
			h.assertOnceEach(box.ID, 1)
			msgs, err := h.scope().SandboxMessagesAfter(h.ctx, box.ID, 0, 10)
			if err != nil || len(msgs) != 1 || msgs[0].MessageID != jobs[0].MessageID {
				t.Fatalf("the message that went out is not the job's: %v %v", msgs, err)
			}
			// The daily count holds exactly one send.
			i, _ := h.scope().Mailbox(h.ctx, box.ID)
			if i.SentToday != 1 {
				t.Errorf("mailbox counts %d sends today, want 1", i.SentToday)
			}
		})
	}
}

// Provider failures: a transient one after the provider accepted is
// resolved by FindSent on retry (one message); a permanent one fails the
// lead with the provider's answer; an auth one holds the work and marks the
// mailbox disconnected until it is reconnected; a rate limit waits at least
// as long as asked.
func TestProviderFailures(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

	t.Run("transient after accept", func(t *testing.T) {
		h := newHarness(t, start)
		box := h.mailbox("t@sender.test", 10, 0, 0, 0)
		leads := h.leads(1)
		id := h.campaignWith(allWeek("T", box.ID), oneStep(), leads)
		h.launch(id)
		h.wrap = func(mb provider.Mailbox) provider.Mailbox {
			return hookBox{Mailbox: mb, after: func(provider.OutgoingMessage) error {
				return &provider.Error{Kind: provider.Transient, Code: "504", Message: "gateway timeout"}
			}}
		}
		if res := h.tick(); res.Failed != 1 || res.Sent != 0 {
			t.Fatalf("tick with a timeout: %+v", res)
		}
		j := h.jobs(id, leads[0])[0]
		if j.Status != store.JobScheduled || j.Attempts != 1 || !j.RunAt.Equal(start.Add(time.Minute)) ||
			!strings.Contains(j.LastError, "gateway timeout") {
			t.Fatalf("job after a transient failure: %+v", j)
		}
		h.wrap = nil
		h.clock.Set(start.Add(time.Minute))
		if res := h.tick(); res.Sent != 1 {
			t.Fatalf("retry: %+v", res)
		}
		h.assertOnceEach(box.ID, 1)
	})

	t.Run("permanent", func(t *testing.T) {
		h := newHarness(t, start)
		box := h.mailbox("p@sender.test", 10, 0, 0, 0)
		leads := h.leads(1)
		id := h.campaignWith(allWeek("P", box.ID), twoSteps(), leads)
		h.launch(id)
		h.wrap = func(mb provider.Mailbox) provider.Mailbox {
			return hookBox{Mailbox: mb, before: func(provider.OutgoingMessage) error {
				return &provider.Error{Kind: provider.Permanent, Code: "550", Message: "5.1.1 user unknown"}
			}}
		}
		h.tick()
		cl := h.campaignLead(id, leads[0])
		if cl.Status != store.CampaignLeadFailed || !strings.Contains(cl.StatusReason, "5.1.1 user unknown") {
			t.Fatalf("lead after a permanent failure: %s %q", cl.Status, cl.StatusReason)
		}
		if jobs := h.jobs(id, leads[0]); len(jobs) != 1 || jobs[0].Status != store.JobFailed {
			t.Fatalf("jobs after a permanent failure: %+v", jobs)
		}
		if c, _ := h.camps.Get(h.ctx, h.p.WorkspaceID, id); c.Status != store.CampaignCompleted || c.Stats.Failed != 1 {
			t.Fatalf("campaign whose only lead failed: %s %+v", c.Status, c.Stats)
		}
	})

	t.Run("auth holds until reconnected", func(t *testing.T) {
		h := newHarness(t, start)
		box := h.mailbox("a@sender.test", 10, 0, 0, 0)
		leads := h.leads(2)
		id := h.campaignWith(allWeek("A", box.ID), oneStep(), leads)
		h.launch(id)
		h.wrap = func(mb provider.Mailbox) provider.Mailbox {
			return hookBox{Mailbox: mb, before: func(provider.OutgoingMessage) error {
				return &provider.Error{Kind: provider.Auth, Code: "invalid_grant", Message: "Token has been revoked."}
			}}
		}
		h.tick()
		i, _ := h.scope().Mailbox(h.ctx, box.ID)
		if i.Status != store.MailboxDisconnected || !strings.Contains(i.StatusReason, "revoked") || i.SentToday != 0 {
			t.Fatalf("mailbox after an auth error: %s %q sent %d", i.Status, i.StatusReason, i.SentToday)
		}
		for _, l := range leads {
			if j := h.jobs(id, l)[0]; j.Status != store.JobHeld {
				t.Fatalf("job after an auth error: %s %s", j.Status, j.DeferReason)
			}
		}
		h.wrap = nil
		if _, err := mailbox.New(h.st, env.New(nil, h.clock.Now)).Update(h.ctx, h.p, box.ID, mailbox.Patch{Status: ptr("active")}, account.Meta{}); err != nil {
			t.Fatal(err)
		}
		if res := h.tick(); res.Sent != 2 {
			t.Fatalf("after reconnecting: %+v", res)
		}
	})

	t.Run("rate limited waits as asked", func(t *testing.T) {
		h := newHarness(t, start)
		box := h.mailbox("r@sender.test", 10, 0, 0, 0)
		leads := h.leads(1)
		id := h.campaignWith(allWeek("R", box.ID), oneStep(), leads)
		h.launch(id)
		h.wrap = func(mb provider.Mailbox) provider.Mailbox {
			return hookBox{Mailbox: mb, before: func(provider.OutgoingMessage) error {
				return &provider.Error{Kind: provider.RateLimited, Code: "429", RetryAfter: 30 * time.Minute}
			}}
		}
		h.tick()
		if j := h.jobs(id, leads[0])[0]; j.Status != store.JobScheduled || j.RunAt.Before(start.Add(30*time.Minute)) {
			t.Fatalf("job after a 429 asking for 30m: %s at %v", j.Status, j.RunAt)
		}
	})
}

// Ticks racing with everything a person or the reply loop does to the same
// campaign — stops, pause and resume, mailbox edits, mailbox changes — end
// without a deadlock or an error, and no job goes out twice.
func TestTicksRaceWithStopsAndEdits(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, start)
	b1 := h.mailbox("x1@sender.test", 1000, 0, 0, 0)
	b2 := h.mailbox("x2@sender.test", 1000, 0, 0, 0)
	leads := h.leads(60)
	id := h.campaignWith(allWeek("Race", b1.ID, b2.ID), zeroDelayTwoSteps(), leads)
	h.launch(id)
	var cls []string
	for _, l := range leads {
		cls = append(cls, h.campaignLead(id, l).ID)
	}
	mailboxes := mailbox.New(h.st, env.New(nil, h.clock.Now))
	ctx := h.ctx
	errs := make(chan error, 64)
	var wg sync.WaitGroup
	for g := range 4 {
		e := h.newEngine(sending.Config{BatchSize: 4 + g, Workers: 2, Parallel: 1 + g%2})
		wg.Go(func() {
			for range 25 {
				if _, err := e.Tick(ctx); err != nil {
					errs <- fmt.Errorf("tick: %w", err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 20 {
			var err error
			switch i % 5 {
			case 0:
				err = h.st.InTx(ctx, func(tx *store.Tx) error {
					return enrollment.StopLead(ctx, tx, h.p.WorkspaceID, cls[i], store.CampaignLeadReplied, "race", h.clock.Now())
				})
			case 1:
				if _, err = h.camps.Pause(ctx, h.p, id, account.Meta{}); err == nil {
					_, err = h.camps.Resume(ctx, h.p, id, account.Meta{})
				}
			case 2:
				_, err = mailboxes.Update(ctx, h.p, b1.ID, mailbox.Patch{DailyCap: ptr(999 - i)}, account.Meta{})
			case 3:
				ids := []string{b2.ID}
				if i%2 == 0 {
					ids = []string{b1.ID, b2.ID}
				}
				_, err = h.camps.Update(ctx, h.p, id, campaign.Input{MailboxIDs: &ids}, account.Meta{})
			case 4:
				_, err = h.unsub.Apply(ctx, h.st, h.unsub.Token(cls[30+i]), "", "")
			}
			// A state conflict (the campaign finished meanwhile) is a fair
			// answer in a race; anything else is not.
			if p, ok := problem.As(err); err != nil && (!ok || p.Kind != problem.Conflict) {
				errs <- fmt.Errorf("step %d: %w", i, err)
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := 0
	for _, b := range []string{b1.ID, b2.ID} {
		msgs := h.sentBy(b)
		total += len(msgs)
		h.assertOnceEach(b, len(msgs))
	}
	if total == 0 {
		t.Fatal("nothing was sent")
	}
}
