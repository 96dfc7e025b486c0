package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/webhook"
)

func init() { benches["webhooks"] = benchWebhooks }

// benchWebhooks is `leadbitz-bench webhooks`: it times
//
//  1. what recording an event adds to the transaction that writes it: `tx`
//     transactions writing an audit row, alone and then with an
//     email.sent event (event.Record), one at a time;
//
//  2. delivering `events` events to a receiver on loopback that answers
//     204 at once: fan-out, claims, signing, HTTP, records.
//
//     leadbitz-bench webhooks                                  # SQLite in a temp dir
//     leadbitz-bench webhooks --db postgres://…/empty_db       # Postgres
func benchWebhooks(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("webhooks", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	events := fs.Int("events", 10_000, "events to deliver")
	txs := fs.Int("tx", 2000, "transactions for the per-event cost")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, cleanup, err := benchStore(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	u, ws, err := benchWorkspace(ctx, st)
	if err != nil {
		return err
	}

	// 1. The cost an event adds to its transaction.
	sent := event.Sent{Campaign: event.Ref{ID: store.NewID(), Name: "Bench campaign"}, Step: 1, Variant: "A",
		Mailbox: event.Ref{ID: store.NewID(), Name: "sales@bench.test"}, Lead: event.Lead{ID: store.NewID(), Email: "lead@bench.test"},
		FirstInSequence: true, MessageID: "<bench@bench.test>", Subject: "Hello"}
	run := func(withEvent bool) (time.Duration, error) {
		start := time.Now()
		for range *txs {
			err := st.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.InsertAudit(ctx, store.AuditEvent{WorkspaceID: ws.ID, Action: "bench.change"}); err != nil {
					return err
				}
				if withEvent {
					return event.Record(ctx, tx.Queries, ws.ID, sent)
				}
				return nil
			})
			if err != nil {
				return 0, err
			}
		}
		return time.Since(start) / time.Duration(*txs), nil
	}
	base, err := run(false)
	if err != nil {
		return err
	}
	with, err := run(true)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "transaction alone %v, with an event %v: an event adds %v\n", base, with, with-base)

	// Mark those events fanned out, so the delivery below times its own.
	for {
		var n int
		err := st.InTx(ctx, func(tx *store.Tx) error {
			pending, err := tx.LockPendingEvents(ctx, 1000)
			ids := make([]string, len(pending))
			for i, e := range pending {
				ids[i] = e.ID
			}
			n = len(ids)
			if err != nil || n == 0 {
				return err
			}
			return tx.MarkEventsFannedOut(ctx, ids)
		})
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}

	// 2. Delivery to a local receiver.
	var received atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		received.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	keys, err := secrets.NewKeyRing(key)
	if err != nil {
		return err
	}
	e := env.New(nil, time.Now)
	svc := webhook.New(st.WithClock(time.Now), e, webhook.Options{Keys: keys, Allow: netguard.Loopback, BaseURL: "http://bench.test"})
	url := "http://" + ln.Addr().String() + "/hook"
	if _, err := svc.Create(ctx, account.Principal{User: u, WorkspaceID: ws.ID, Role: "owner"}, webhook.Input{URL: &url}, account.Meta{}); err != nil {
		return err
	}
	// Each event about a lead of its own (a lead's deliveries to an
	// endpoint go one after the other within a batch: webhook.leadQueues).
	rows := make([]store.Event, *events)
	for i := range rows {
		sent.Lead = event.Lead{ID: store.NewID(), Email: fmt.Sprintf("lead%d@bench.test", i)}
		if rows[i], err = event.New(ws.ID, sent); err != nil {
			return err
		}
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertEvents(ctx, rows) }); err != nil {
		return err
	}
	start := time.Now()
	for received.Load() < int64(*events) {
		n, err := svc.RunOnce(ctx)
		if err != nil {
			return err
		}
		if n == 0 && received.Load() < int64(*events) {
			return fmt.Errorf("nothing left to deliver after %d of %d", received.Load(), *events)
		}
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "%d events delivered in %v (%.0f/s), %s\n", *events, took.Round(time.Millisecond),
		float64(*events)/took.Seconds(), st.Dialect())
	return nil
}
