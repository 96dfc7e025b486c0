// Package scheduler runs Leadbitz's periodic background work (the send
// tick, and later the inbox sync) with River, on the app's own database:
// riverdatabasesql on Postgres, riversqlite on SQLite, both over the
// store's *sql.DB. River elects one leader among all the processes sharing
// the database, and only the leader enqueues periodic jobs, so with any
// number of `serve`/`worker` replicas each task runs once per period; any
// replica may work the job.
//
// The tasks themselves are safe to run concurrently anyway (the tick claims
// with row locks); leader election keeps them from being run N times for
// nothing.
package scheduler

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Task is one piece of periodic work.
type Task struct {
	Name    string        // stable: it is the River job's argument
	Every   time.Duration // period between runs
	Timeout time.Duration // longest one run may take; default Every × 4, at least a minute
	Run     func(ctx context.Context) error
}

// Scheduler is a River client that works the tasks.
type Scheduler struct {
	client *river.Client[*sql.Tx]
}

// taskArgs names the task a periodic job runs.
type taskArgs struct {
	Name string `json:"name"`
}

func (taskArgs) Kind() string { return "leadbitz_periodic_task" }

type taskWorker struct {
	river.WorkerDefaults[taskArgs]
	tasks map[string]Task
	env   env.Env
}

func (w *taskWorker) Work(ctx context.Context, job *river.Job[taskArgs]) error {
	t, ok := w.tasks[job.Args.Name]
	if !ok {
		// A task removed in a newer build: nothing to do.
		return river.JobCancel(fmt.Errorf("no task %q in this build", job.Args.Name))
	}
	if err := t.Run(ctx); err != nil {
		w.env.Log().ErrorContext(ctx, "periodic task failed", "task", t.Name, "river_job_id", job.ID, "err", err)
		return err
	}
	return nil
}

func (w *taskWorker) Timeout(job *river.Job[taskArgs]) time.Duration {
	if t, ok := w.tasks[job.Args.Name]; ok {
		return timeoutOf(t)
	}
	return time.Minute
}

func timeoutOf(t Task) time.Duration {
	if t.Timeout > 0 {
		return t.Timeout
	}
	return max(4*t.Every, time.Minute)
}

// New migrates River's tables (idempotent, versioned by River itself) and
// builds the client. Call Start to begin.
func New(ctx context.Context, st *store.Store, e env.Env, tasks []Task) (*Scheduler, error) {
	log := e.Log()
	var driver riverdriver.Driver[*sql.Tx]
	if st.Dialect() == store.Postgres {
		driver = riverdatabasesql.New(st.DB())
	} else {
		driver = riversqlite.New(st.DB())
	}
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("river migrator: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("migrate river tables: %w", err)
	}
	w := &taskWorker{tasks: map[string]Task{}, env: e}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	var periodic []*river.PeriodicJob
	for _, t := range tasks {
		if t.Name == "" || t.Every <= 0 || t.Run == nil {
			return nil, errors.New("scheduler: a task needs a name, a period and a function")
		}
		w.tasks[t.Name] = t
		name := t.Name
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(t.Every),
			func() (river.JobArgs, *river.InsertOpts) {
				// Unique by task among waiting and running jobs: a slow run is
				// not joined by a pile of copies.
				return taskArgs{Name: name}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{
					ByArgs: true,
					ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
						rivertype.JobStateRunning, rivertype.JobStateScheduled},
				}}
			}, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	client, err := river.NewClient(driver, &river.Config{
		Logger:                      log,
		PollOnly:                    true, // database/sql has no LISTEN
		FetchPollInterval:           time.Second,
		Queues:                      map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: max(2, len(tasks))}},
		Workers:                     workers,
		PeriodicJobs:                periodic,
		CompletedJobRetentionPeriod: time.Hour,
		MaxAttempts:                 1,
	})
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return &Scheduler{client: client}, nil
}

// Start begins electing a leader, enqueuing periodic jobs and working them.
func (s *Scheduler) Start(ctx context.Context) error { return s.client.Start(ctx) }

// Stop lets running tasks finish (a tick finishes its in-flight sends)
// until ctx ends, then cancels them.
func (s *Scheduler) Stop(ctx context.Context) error {
	err := s.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return s.client.StopAndCancel(context.Background())
	}
	return err
}
