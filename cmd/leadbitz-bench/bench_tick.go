package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() { benches["tick"] = benchTick }

// noopMailbox accepts every message at once: the bench measures the engine
// and the database, not a provider.
type noopMailbox struct{}

func (noopMailbox) Send(_ context.Context, m provider.OutgoingMessage) (provider.SentMessage, error) {
	return provider.SentMessage{ProviderID: "noop", ThreadID: "noop-thread", MessageID: m.MessageID}, nil
}
func (noopMailbox) FindSent(context.Context, string) (provider.SentMessage, bool, error) {
	return provider.SentMessage{}, false, nil
}
func (noopMailbox) Fetch(context.Context, string) (provider.Page, error) { return provider.Page{}, nil }
func (noopMailbox) Close() error                                         { return nil }

// benchTick is `leadbitz-bench tick`: it seeds campaigns × leads-per-campaign
// campaign leads (each with a scheduled step 1 and a lead row) over
// `inboxes` mailboxes and active campaigns, then times
//
//  1. ticks with nothing due (the cost must follow due work, not data size);
//
//  2. one tick that sends `due` jobs (one per mailbox) through a no-op
//     provider: claim, rules, render, MIME, record, next step scheduled;
//
//  3. ticks with nothing due again, now with the follow-ups scheduled.
//
//     leadbitz-bench tick                                   # SQLite in a temp dir
//     leadbitz-bench tick --db postgres://…/empty_db        # Postgres
func benchTick(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench tick", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	campaigns := fs.Int("campaigns", 100, "active campaigns")
	mailboxes := fs.Int("inboxes", 10_000, "mailboxes (a multiple of campaigns)")
	perCampaign := fs.Int("leads-per-campaign", 10_000, "campaign leads per campaign")
	due := fs.Int("due", 5_000, "jobs made due for the sending tick (at most one per mailbox)")
	idle := fs.Int("idle-ticks", 20, "ticks timed with nothing due")
	batches := fs.String("batch", "200", "claim batch sizes to time, comma-separated: one sending tick each, on fresh due jobs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, cleanup, err := benchStore(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	_, ws, err := benchWorkspace(ctx, st)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	start := time.Now()
	if err := st.SeedSendBench(ctx, store.SendBench{WorkspaceID: ws.ID, Campaigns: *campaigns, Mailboxes: *mailboxes,
		LeadsPerCampaign: *perCampaign, Now: now}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: seeded %d campaign leads (and leads, step-1 jobs) over %d mailboxes and %d active campaigns in %s\n",
		st.Dialect(), *campaigns**perCampaign, *mailboxes, *campaigns, time.Since(start).Round(time.Millisecond))

	key := make([]byte, 32)
	_, _ = rand.Read(key)
	newEngine := func(batch int) (*sending.Engine, error) {
		return sending.New(sending.Config{Store: st, Env: env.New(nil, nil), Unsubscribe: sending.NewUnsubscribe(key, "https://bench.example"),
			Metrics: sending.NewMetrics(prometheus.NewRegistry()), BatchSize: batch,
			Providers: map[string]provider.Opener{store.ProviderSandbox: func(context.Context, string, store.Mailbox) (provider.Mailbox, error) {
				return noopMailbox{}, nil
			}}})
	}
	engine, err := newEngine(0)
	if err != nil {
		return err
	}
	idleTicks := func(label string) error {
		var took []time.Duration
		for range *idle {
			t0 := time.Now()
			res, err := engine.Tick(ctx)
			if err != nil {
				return err
			}
			took = append(took, time.Since(t0))
			if res.Processed != 0 {
				return fmt.Errorf("an idle tick processed %d jobs", res.Processed)
			}
		}
		slices.Sort(took)
		fmt.Fprintf(stdout, "tick with nothing due (%s): median %s, max %s over %d ticks\n", label,
			took[len(took)/2].Round(time.Microsecond), took[len(took)-1].Round(time.Microsecond), len(took))
		return nil
	}
	if err := idleTicks("before"); err != nil {
		return err
	}
	for round, b := range strings.Split(*batches, ",") {
		batch, err := strconv.Atoi(strings.TrimSpace(b))
		if err != nil || batch <= 0 {
			return fmt.Errorf("--batch: %q is not a positive number", b)
		}
		if engine, err = newEngine(batch); err != nil {
			return err
		}
		if err := st.ResetBenchUsage(ctx, ws.ID); err != nil {
			return err
		}
		n, err := st.MakeBenchJobsDueRange(ctx, round**due, (round+1)**due, time.Now().UTC().Add(-time.Minute))
		if err != nil {
			return err
		}
		t0 := time.Now()
		res, err := engine.Tick(ctx)
		if err != nil {
			return err
		}
		took := time.Since(t0)
		fmt.Fprintf(stdout, "tick sending %d due jobs, batches of %d: %s (processed %d, sent %d, deferred %d, failed %d; %.0f sends/s)\n",
			n, batch, took.Round(time.Millisecond), res.Processed, res.Sent, res.Deferred, res.Failed, float64(res.Sent)/took.Seconds())
		if res.Sent != n {
			return fmt.Errorf("sent %d of %d due jobs", res.Sent, n)
		}
	}
	return idleTicks("after, with the follow-ups scheduled")
}
