package app

import (
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/ops"
	"github.com/leadbitz/leadbitz/internal/scheduler"
)

// EventUpkeepEvery is how often the events older than
// LEADBITZ_EVENT_RETENTION are removed.
const EventUpkeepEvery = time.Hour

// WebhookPollEvery is how often each replica looks for new events and due
// webhook deliveries.
const WebhookPollEvery = time.Second

// eventDeleteBatch bounds one delete, so that the upkeep never holds a
// long transaction.
const eventDeleteBatch = 5000

// eventUpkeepTask removes events older than the retention (and their
// finished webhook deliveries).
func (a *App) eventUpkeepTask() scheduler.Task {
	return scheduler.Task{Name: ops.TaskEventUpkeep, Every: EventUpkeepEvery, Run: a.PurgeEvents}
}

// PurgeEvents removes the events older than LEADBITZ_EVENT_RETENTION, a
// batch at a time.
func (a *App) PurgeEvents(ctx context.Context) error {
	before := a.Env.Now().Add(-a.Config.EventRetention)
	for {
		n, err := a.Store.DeleteEventsBefore(ctx, before, eventDeleteBatch)
		if err != nil || n < eventDeleteBatch {
			return err
		}
	}
}
