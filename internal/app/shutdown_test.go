package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/ops"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// startWithTick serves the app with its scheduler on and returns when a
// send tick is in flight, held by hook; stop cancels Serve's context.
func startWithTick(t *testing.T, timeout string, hook func(ctx context.Context)) (a *app.App, stop context.CancelFunc, done chan error) {
	t.Helper()
	vars := map[string]string{
		"DATABASE_URL": storetest.URL(t), "LEADBITZ_DATA_DIR": t.TempDir(),
		"LEADBITZ_ADDR": "127.0.0.1:0", "LEADBITZ_SHUTDOWN_TIMEOUT": timeout,
	}
	cfg, err := config.FromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	inFlight := make(chan struct{}, 1)
	a, err = app.New(context.Background(), cfg, env.New(nil, nil), app.Options{BeforeTick: func(ctx context.Context) {
		select {
		case inFlight <- struct{}{}:
			hook(ctx)
		default: // a later tick: nothing to hold
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done = make(chan error, 1)
	go func() { done <- a.Serve(ctx, nil) }()
	select {
	case <-inFlight:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("no send tick started within a minute")
	}
	return a, cancel, done
}

// A stop lets the send tick in flight finish: Serve returns only once it
// has, and the tick ends as a success, not cancelled.
func TestShutdownFinishesTheTickInFlight(t *testing.T) {
	release := make(chan struct{})
	var tickCtxErr error
	a, stop, done := startWithTick(t, "1m", func(ctx context.Context) {
		<-release
		tickCtxErr = ctx.Err()
	})
	stop()
	select {
	case err := <-done:
		t.Fatalf("serve returned with a tick in flight: %v", err)
	default:
	}
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not return after the tick finished")
	}
	if tickCtxErr != nil {
		t.Fatalf("the tick's context was cancelled: %v", tickCtxErr)
	}
	rep, err := (&ops.Service{Store: a.Store, DataDir: a.Config.DataDir}).Report(context.Background(), "ws-none")
	if err != nil {
		t.Fatal(err)
	}
	if rep.LastTick == nil {
		t.Fatal("the tick in flight was not recorded as finished")
	}
	for _, task := range rep.Tasks {
		if task.Name == ops.TaskSendTick && !task.OK {
			t.Fatalf("the tick failed: %s", task.Error)
		}
	}
}

// Work that outlasts LEADBITZ_SHUTDOWN_TIMEOUT is cancelled, and Serve
// returns within about that bound.
func TestShutdownIsBounded(t *testing.T) {
	cancelled := make(chan struct{})
	_, stop, done := startWithTick(t, "500ms", func(ctx context.Context) {
		<-ctx.Done() // a send that never ends by itself
		close(cancelled)
	})
	began := time.Now()
	stop()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("serve did not return")
	}
	select {
	case <-cancelled:
	default:
		t.Fatal("serve returned with the tick still running")
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Fatalf("stop took %v with a 500ms bound", took)
	}
}
