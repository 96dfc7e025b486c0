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

// syncMailboxes is `leadbitz sync`: one inbox sync pass over every active
// mailbox (and one attempt for replies waiting to go) for an external
// scheduler when LEADBITZ_SCHEDULER=off. It prints {inboxes, failed,
// messages, replies} as JSON.
func syncMailboxes(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	a, err := app.New(ctx, cfg, env.New(log, time.Now), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	t, err := a.Replies.SyncAll(ctx)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(map[string]int{"inboxes": t.Mailboxes, "failed": t.Failed,
		"messages": t.Messages, "replies": t.Replies})
}
