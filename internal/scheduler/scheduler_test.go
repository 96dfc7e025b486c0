package scheduler_test

import (
	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/env"
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
	ran := make(chan struct{}, 8)
	task := scheduler.Task{Name: "count", Every: time.Hour, Run: func(context.Context) error {
		runs.Add(1)
		ran <- struct{}{}
		return nil
	}}
	var all []*scheduler.Scheduler
	for range 2 {
		s, err := scheduler.New(ctx, st, env.New(nil, nil), []scheduler.Task{task})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(ctx); err != nil {
			t.Fatal(err)
		}
		all = append(all, s)
	}
	select {
	case <-ran:
	case <-time.After(30 * time.Second):
		t.Fatal("the periodic task did not run on start")
	}
	// Both replicas stop (a stop waits for work in flight); what they did is
	// then in the database: the leader inserted the hourly job once, and
	// the other replica, never leader, inserted none.
	for _, s := range all {
		stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := s.Stop(stopCtx); err != nil {
			t.Error(err)
		}
		cancel()
	}
	var jobs int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'leadbitz_periodic_task'`).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if n := runs.Load(); n != 1 || jobs != 1 {
		t.Fatalf("an hourly task ran %d times from %d jobs on start with two replicas, want once from one", n, jobs)
	}
}

func TestTaskNeedsNamePeriodAndFunction(t *testing.T) {
	st := storetest.New(t)
	if _, err := scheduler.New(context.Background(), st, env.New(nil, nil),
		[]scheduler.Task{{Name: "x", Every: 0}}); err == nil {
		t.Fatal("a task without a period was accepted")
	}
}
