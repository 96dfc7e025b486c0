package scheduler_test

import (
	"context"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/scheduler"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}

// Two replicas share one database: River elects one leader, which enqueues
// the periodic task, and the task runs (on SQLite and on Postgres).
func TestPeriodicTaskRunsOnTheAppDatabase(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	var runs atomic.Int32
	task := scheduler.Task{Name: "count", Every: time.Hour, Run: func(context.Context) error {
		runs.Add(1)
		return nil
	}}
	log := slog.New(slog.DiscardHandler)
	var all []*scheduler.Scheduler
	for range 2 {
		s, err := scheduler.New(ctx, st, log, []scheduler.Task{task})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		all = append(all, s)
	}
	deadline := time.Now().Add(20 * time.Second)
	for runs.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	// Give a second replica time to (wrongly) run it too.
	time.Sleep(1500 * time.Millisecond)
	for _, s := range all {
		stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := s.Stop(stopCtx); err != nil {
			t.Error(err)
		}
		cancel()
	}
	if n := runs.Load(); n != 1 {
		t.Fatalf("an hourly task ran %d times on start with two replicas, want once", n)
	}
}

func TestTaskNeedsNamePeriodAndFunction(t *testing.T) {
	st := storetest.New(t)
	if _, err := scheduler.New(context.Background(), st, slog.New(slog.DiscardHandler),
		[]scheduler.Task{{Name: "x", Every: 0}}); err == nil {
		t.Fatal("a task without a period was accepted")
	}
}
