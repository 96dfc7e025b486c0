package app

import (
	"context"
	"fmt"
	"time"

	"github.com/leadbitz/leadbitz/internal/ops"
	"github.com/leadbitz/leadbitz/internal/scheduler"
	"github.com/leadbitz/leadbitz/internal/store"
)

// recorded wraps each task so its runs are written to task_runs (the
// System page's "last tick" and "last sync"), as the cron routes' runs are.
func (a *App) recorded(tasks ...scheduler.Task) []scheduler.Task {
	for i := range tasks {
		run, name := tasks[i].Run, tasks[i].Name
		tasks[i].Run = func(ctx context.Context) error { return a.recordRun(ctx, name, run) }
	}
	return tasks
}

// recordRun runs fn and records the run, failed or not. A failure to
// record is logged, never returned: the task's own result is what counts.
func (a *App) recordRun(ctx context.Context, name string, fn func(context.Context) error) error {
	started := time.Now()
	err := fn(ctx)
	run := store.TaskRun{Name: name, StartedAt: started, FinishedAt: time.Now()}
	if err != nil {
		run.Error = err.Error()
	}
	if rerr := a.Store.RecordTaskRun(context.WithoutCancel(ctx), run); rerr != nil {
		a.Env.Log().Warn("record task run", "task", name, "err", rerr)
	}
	return err
}

// upkeepTasks are the hourly tasks POST /api/cron/{task} runs when the
// built-in scheduler is off, by the name in the path.
func (a *App) upkeepTasks() map[string]scheduler.Task {
	return map[string]scheduler.Task{
		"bounce-guard":   a.guardTask(),
		"account-upkeep": a.accountUpkeepTask(),
		"event-upkeep":   a.eventUpkeepTask(),
	}
}

// Upkeep runs one upkeep task now (POST /api/cron/bounce-guard,
// /api/cron/account-upkeep).
func (c cronRunner) Upkeep(ctx context.Context, task string) error {
	t, ok := c.app.upkeepTasks()[task]
	if !ok {
		return fmt.Errorf("no upkeep task %q", task)
	}
	return c.app.recordRun(ctx, t.Name, t.Run)
}

// newOps is the System page's service.
func (a *App) newOps() *ops.Service {
	return &ops.Service{Store: a.Store, DataDir: a.Config.DataDir, Scheduler: a.Config.Scheduler,
		SMTPProbe: a.Verify.ProbeStatus}
}
