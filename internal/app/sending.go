package app

import (
	"context"
	"fmt"
	"time"

	"github.com/leadbitz/leadbitz/internal/api"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/mailbox"
	"github.com/leadbitz/leadbitz/internal/ops"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/scheduler"
	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/store"
)

// TickEvery is how often the built-in scheduler runs the send tick. The
// default gap between two sends of a mailbox is ten minutes, so a tick
// every 15 seconds sends every job within seconds of its time.
const TickEvery = 15 * time.Second

// Sending is the send engine and what it serves: campaigns, mailboxes,
// unsubscribe links, the tick and its periodic scheduler.
type Sending struct {
	Campaigns   *campaign.Service
	Mailboxes   *mailbox.Service
	Unsubscribe *sending.Unsubscribe
	Engine      *sending.Engine
	Metrics     *sending.Metrics
	TestSends   *sending.TestSender // POST /api/campaigns/{id}/test and the editor's "Send test to me"
	scheduler   *scheduler.Scheduler
}

// initSending builds the send engine and its services; it needs the store
// and the metrics registry.
func (a *App) initSending(ctx context.Context) error {
	unsub, err := sending.LoadUnsubscribe(ctx, a.Store, a.Config.BaseURL)
	if err != nil {
		return err
	}
	s := &Sending{
		Campaigns:   campaign.New(a.Store, a.Env),
		Mailboxes:   mailbox.New(a.Store, a.Env),
		Unsubscribe: unsub,
		Metrics:     sending.NewMetrics(a.Registry),
	}
	s.Mailboxes.OnDelete(a.Connect.Forget) // close the deleted mailbox's connection now, not at the next prune
	s.Engine, err = sending.New(sending.Config{Store: a.Store, Providers: a.mailboxProviders(), Unsubscribe: unsub,
		Env: a.Env, Metrics: s.Metrics})
	if err != nil {
		return err
	}
	s.TestSends = s.Engine.TestSender(a.Limiter)
	a.Sending = s
	return nil
}

// mailboxProviders are the provider kinds this build can send through:
// the sandbox, and the real ones (Gmail, Microsoft, SMTP) from the
// connect registry, which decrypts their credentials and reuses one
// mailbox per inbox.
func (a *App) mailboxProviders() map[string]provider.Opener {
	openers := map[string]provider.Opener{
		store.ProviderSandbox: sandbox.Opener(a.Store),
	}
	for kind, open := range a.Connect.Openers() {
		openers[kind] = open
	}
	return openers
}

// cronRunner is the engine behind POST /api/cron/*.
type cronRunner struct {
	engine  *sending.Engine
	replies *replies.Service
	app     *App // records the runs (task_runs) and has the upkeep tasks
}

func (c cronRunner) Tick(ctx context.Context) (api.TickResult, error) {
	var r sending.Result
	err := c.app.recordRun(ctx, ops.TaskSendTick, func(ctx context.Context) (err error) {
		r, err = c.engine.Tick(ctx)
		return err
	})
	return api.TickResult{Processed: r.Processed, Sent: r.Sent, Deferred: r.Deferred, Failed: r.Failed}, err
}

func (c cronRunner) SyncMailboxes(ctx context.Context) (api.SyncResult, error) {
	var t replies.Totals
	err := c.app.recordRun(ctx, ops.TaskMailboxSync, func(ctx context.Context) (err error) {
		t, err = c.replies.SyncAll(ctx)
		return err
	})
	return api.SyncResult{Mailboxes: t.Mailboxes, Messages: t.Messages}, err
}

// startScheduler starts River's periodic tick when LEADBITZ_SCHEDULER is
// on (the default); it returns the function that stops it, letting an
// in-flight tick finish its sends for up to LEADBITZ_SHUTDOWN_TIMEOUT,
// then cancelling it (a send cut short is resolved by the next tick's
// crash recovery).
func (a *App) startScheduler(ctx context.Context) (stop func(), err error) {
	if !a.Config.Scheduler {
		a.Env.Log().Info("built-in scheduler off: run `leadbitz tick` or POST /api/cron/tick from outside")
		return func() {}, nil
	}
	tick := scheduler.Task{Name: ops.TaskSendTick, Every: TickEvery, Timeout: 5 * time.Minute,
		Run: func(ctx context.Context) error {
			if a.beforeTick != nil {
				a.beforeTick(ctx)
			}
			_, err := a.Sending.Engine.Tick(ctx)
			return err
		}}
	sch, err := scheduler.New(ctx, a.Store, a.Env, a.recorded(tick, a.syncTask(), a.guardTask(), a.accountUpkeepTask(), a.eventUpkeepTask()))
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	if err := sch.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("start scheduler: %w", err)
	}
	a.Sending.scheduler = sch
	return func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
		defer cancel()
		if err := sch.Stop(stopCtx); err != nil {
			a.Env.Log().Warn("scheduler stop", "err", err)
		}
	}, nil
}
