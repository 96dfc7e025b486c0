package sending_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// clock is a settable time shared by what the tests run (mailfake.Clock).
type clock = mailfake.Clock

// harness is one workspace with the campaign service and an engine on a
// fresh database of the dialect under test, all on a fake clock.
type harness struct {
	t       *testing.T
	ctx     context.Context
	st      *store.Store
	clock   *clock
	p       account.Principal
	camps   *campaign.Service
	engine  *sending.Engine
	unsub   *sending.Unsubscribe
	wrap    func(provider.Mailbox) provider.Mailbox // tests wrap the sandbox to inject failures
	workers int
}

func newHarness(t *testing.T, start time.Time) *harness {
	t.Helper()
	st := storetest.New(t)
	ctx := context.Background()
	u, w := storetest.Workspace(t, st)
	h := &harness{t: t, ctx: ctx, st: st, clock: mailfake.NewClock(start),
		p:     account.Principal{User: u, WorkspaceID: w.ID, Role: store.RoleOwner},
		unsub: sending.NewUnsubscribe([]byte("0123456789abcdef0123456789abcdef"), "https://app.example.com"), workers: 1}
	h.camps = campaign.New(st, env.New(nil, h.clock.Now))
	h.engine = h.newEngine(sending.Config{})
	return h
}

// newEngine builds an engine (a "restart" after a crash builds a new one).
func (h *harness) newEngine(cfg sending.Config) *sending.Engine {
	h.t.Helper()
	cfg.Store = h.st
	cfg.Unsubscribe = h.unsub
	cfg.Env = env.New(nil, h.clock.Now)
	cfg.Rand = rand.New(rand.NewPCG(1, 2))
	if cfg.Workers == 0 {
		cfg.Workers = h.workers
	}
	if cfg.Parallel == 0 {
		cfg.Parallel = 1 // crash tests need the tick in the test's goroutine
	}
	cfg.Providers = map[string]provider.Opener{
		store.ProviderSandbox: func(ctx context.Context, ws string, mailbox store.Mailbox) (provider.Mailbox, error) {
			var mb provider.Mailbox = sandbox.New(h.st, ws, mailbox.ID)
			if h.wrap != nil {
				mb = h.wrap(mb)
			}
			return mb, nil
		},
	}
	e, err := sending.New(cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	return e
}

func (h *harness) scope() store.Scope { return h.st.InWorkspace(h.p.WorkspaceID) }

// inbox creates a sandbox mailbox with the given limits.
func (h *harness) mailbox(email string, cap, rampStart, rampInc, gapSeconds int) store.Mailbox {
	h.t.Helper()
	i := store.Mailbox{Provider: store.ProviderSandbox, Email: email, DisplayName: "Sender", DailyCap: cap,
		RampStart: rampStart, RampIncrement: rampInc, MinGapSeconds: gapSeconds, RampStartedAt: h.clock.Now()}
	err := h.st.InTx(h.ctx, func(tx *store.Tx) error {
		s := tx.InWorkspace(h.p.WorkspaceID)
		if err := s.CreateMailbox(h.ctx, &i); err != nil {
			return err
		}
		return s.CreateSandboxMailbox(h.ctx, i.ID)
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return i
}

// leads creates n leads named lead0…, with first names except where noName.
func (h *harness) leads(n int, noName ...int) []string {
	h.t.Helper()
	var ids []string
	for i := range n {
		id := store.NewID()
		l := store.Lead{Email: fmt.Sprintf("lead%d-%s@acme%d.test", i, id[len(id)-8:], i), FirstName: fmt.Sprintf("Ann%d", i),
			Company: "Acme"}
		for _, k := range noName {
			if k == i {
				l.FirstName = ""
			}
		}
		if err := h.scope().CreateLead(h.ctx, &l); err != nil {
			h.t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	return ids
}

// campaignWith creates a campaign on the mailboxes with a sequence and the
// leads, not yet launched.
func (h *harness) campaignWith(in campaign.Input, seq campaign.SequenceInput, leadIDs []string) string {
	h.t.Helper()
	v, err := h.camps.Create(h.ctx, h.p, in, account.Meta{})
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.camps.PutSequence(h.ctx, h.p, v.ID, seq, account.Meta{}); err != nil {
		h.t.Fatal(err)
	}
	if len(leadIDs) > 0 {
		if _, err := h.camps.AddLeads(h.ctx, h.p, v.ID, leadIDs, account.Meta{}); err != nil {
			h.t.Fatal(err)
		}
	}
	return v.ID
}

func (h *harness) launch(id string) {
	h.t.Helper()
	if _, err := h.camps.Launch(h.ctx, h.p, id, account.Meta{}); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) tick() sending.Result {
	h.t.Helper()
	res, err := h.engine.Tick(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return res
}

// runUntil jumps the clock from one due job to the next and ticks, until
// `until` or no job is left: every send happens exactly when the engine
// said it could.
func (h *harness) runUntil(until time.Time) {
	h.t.Helper()
	for range 10000 {
		h.tick()
		next, err := h.st.NextDueAt(h.ctx)
		if err != nil {
			h.t.Fatal(err)
		}
		if next.IsZero() || next.After(until) {
			h.clock.Set(until)
			h.tick()
			return
		}
		if next.After(h.clock.Now()) {
			h.clock.Set(next)
		}
	}
	h.t.Fatal("runUntil did not settle")
}

// sent is one message found in a sandbox mailbox's sent folder.
type sent struct {
	at  time.Time
	msg *mailmsg.Inbound
	raw string
}

// sentBy lists what a sandbox mailbox sent, oldest first.
func (h *harness) sentBy(mailboxID string) []sent {
	h.t.Helper()
	list, err := h.scope().SandboxMessagesAfter(h.ctx, mailboxID, 0, 100000)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []sent
	for _, m := range list {
		if m.Folder != store.SandboxSent {
			continue
		}
		in, err := mailmsg.Parse(m.Raw)
		if err != nil {
			h.t.Fatal(err)
		}
		out = append(out, sent{at: m.CreatedAt, msg: in, raw: string(m.Raw)})
	}
	return out
}

func (h *harness) campaignLead(campaignID, leadID string) store.CampaignLead {
	h.t.Helper()
	cl, err := h.scope().CampaignLeadOf(h.ctx, campaignID, leadID)
	if err != nil {
		h.t.Fatal(err)
	}
	return cl
}

func (h *harness) jobs(campaignID, leadID string) []store.SendJob {
	h.t.Helper()
	jobs, err := h.scope().SendJobsOfCampaignLead(h.ctx, h.campaignLead(campaignID, leadID).ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return jobs
}

func ptr[T any](v T) *T { return &v }

// twoSteps is the sequence most tests use: a first message and a follow-up
// in the same thread two days later.
func twoSteps() campaign.SequenceInput {
	return campaign.SequenceInput{Steps: []campaign.StepInput{
		{Subject: `Hello {{firstName | "there"}}`, Body: "Hi {{firstName}}, a question about {{company}}."},
		{DelayDays: 2, Body: "Just bumping this, {{firstName}}."},
	}}
}
