package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"time"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/env"
)

// tick is `leadbitz tick`: one pass of the send engine for an external
// scheduler (cron, a Kubernetes CronJob) when LEADBITZ_SCHEDULER=off. It
// prints {processed, sent, deferred, failed} as JSON.
func tick(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	a, err := app.New(ctx, cfg, env.New(log, time.Now), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.Sending.Engine.Tick(ctx)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(map[string]int{"processed": res.Processed, "sent": res.Sent,
		"deferred": res.Deferred, "failed": res.Failed})
}
