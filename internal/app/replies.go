package app

import (
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai/offline"
	"github.com/leadbitz/leadbitz/internal/ops"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/scheduler"
)

// SyncEvery is how often the built-in scheduler syncs every active mailbox
// (and retries replies waiting to go). Replies stop sequences, so a reply
// read within a minute keeps a follow-up from crossing it.
const SyncEvery = time.Minute

// initReplies builds the reply loop on the send engine's mailbox openers.
// Categories come from the AI service when a person asks; during sync a
// model is asked only when one is configured (the offline rules answer
// otherwise, without usage rows or rate limits).
func (a *App) initReplies() error {
	cfg := replies.Config{Store: a.Store, Providers: a.mailboxProviders(), Fallback: offline.Classify, Env: a.Env,
		Metrics: replies.NewMetrics(a.Registry), MaxInboundBytes: a.Config.MaxInboundBytes}
	if a.Assist != nil {
		cfg.Categorizer = a.Assist
		if a.Config.OpenAIAPIKey != "" {
			cfg.AutoCategorizer = a.Assist
		}
	}
	var err error
	a.Replies, err = replies.New(cfg)
	return err
}

// syncTask is the periodic inbox sync for the scheduler.
func (a *App) syncTask() scheduler.Task {
	return scheduler.Task{Name: ops.TaskMailboxSync, Every: SyncEvery, Timeout: 10 * time.Minute,
		Run: func(ctx context.Context) error {
			_, err := a.Replies.SyncAll(ctx)
			return err
		}}
}
