// Package ops gathers what an operator looks at on the System page
// (GET /api/system, /settings/system): the build, the schema, the
// database, the background work and its backlog, the workspace's failing
// mailboxes and the data directory's disk use.
package ops

import (
	"context"
	"io/fs"
	"path/filepath"
	"runtime"
	"time"

	"github.com/leadbitz/leadbitz/internal/buildinfo"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/verify"
)

// Report is the System page. Server-wide facts, but for the mailboxes,
// which are the workspace's own.
type Report struct {
	Version   string `json:"version"`
	GoVersion string `json:"goVersion"`
	Schema    struct {
		Current int `json:"current"`
		Latest  int `json:"latest"` // what this binary knows
	} `json:"schema"`
	Database struct {
		Dialect   string `json:"dialect"`
		SizeBytes int64  `json:"sizeBytes"`
	} `json:"database"`
	// Scheduler is whether this replica runs the background tasks itself
	// (LEADBITZ_SCHEDULER); when off, cron calls /api/cron/*.
	Scheduler bool       `json:"scheduler"`
	Queue     Queue      `json:"queue"`    // River's jobs
	SendsDue  int        `json:"sendsDue"` // sends whose time has come, waiting for a tick
	Tasks     []Task     `json:"tasks"`
	LastTick  *time.Time `json:"lastTickAt"` // the send tick's last finish
	LastSync  *time.Time `json:"lastSyncAt"` // the inbox sync's last finish
	// FailingMailboxes are the workspace's mailboxes in error or
	// disconnected (to reconnect).
	FailingMailboxes []Mailbox `json:"failingMailboxes"`
	DataDir          DiskUse   `json:"dataDir"`
	// SMTPProbe is the address verification's SMTP probe: on or off, and
	// whether outbound port 25 opened at its self-test.
	SMTPProbe verify.ProbeStatus `json:"smtpProbe"`
}

// Queue counts River's jobs waiting and running.
type Queue struct {
	Waiting int `json:"waiting"`
	Running int `json:"running"`
}

// Task is a background task's last run.
type Task struct {
	Name       string    `json:"name"`
	StartedAt  time.Time `json:"startedAt"`
	FinishedAt time.Time `json:"finishedAt"`
	OK         bool      `json:"ok"`
	Error      string    `json:"error,omitempty"`
	Runs       int       `json:"runs"`
}

// Mailbox is a failing mailbox.
type Mailbox struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	Provider string `json:"provider"`
	Status   string `json:"status"`
	Reason   string `json:"reason"`
}

// DiskUse is the data directory's size and its file system's free space.
type DiskUse struct {
	UsedBytes int64 `json:"usedBytes"`
	Files     int   `json:"files"`
	// FreeBytes is -1 where the platform does not say.
	FreeBytes int64 `json:"freeBytes"`
}

// Service builds reports.
type Service struct {
	Store     *store.Store
	DataDir   string
	Scheduler bool
	Now       func() time.Time
	// SMTPProbe reports the SMTP probe's state (nil: off).
	SMTPProbe func() verify.ProbeStatus
}

// Report gathers the System page for a workspace's admin.
func (s *Service) Report(ctx context.Context, workspaceID string) (Report, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	r := Report{Version: buildinfo.Get().String(), GoVersion: runtime.Version(), Scheduler: s.Scheduler,
		Tasks: []Task{}, FailingMailboxes: []Mailbox{}}
	r.SMTPProbe = verify.ProbeStatus{Port25: "untested"}
	if s.SMTPProbe != nil {
		r.SMTPProbe = s.SMTPProbe()
	}
	var err error
	if r.Schema.Current, r.Schema.Latest, err = s.Store.SchemaVersion(ctx); err != nil {
		return r, err
	}
	r.Database.Dialect = s.Store.Dialect().String()
	if r.Database.SizeBytes, err = s.Store.DatabaseSize(ctx); err != nil {
		return r, err
	}
	backlog, err := s.Store.RiverBacklog(ctx)
	if err != nil {
		return r, err
	}
	r.Queue = Queue{Waiting: int(backlog.Waiting), Running: int(backlog.Running)}
	due, err := s.Store.SendsDue(ctx, now())
	if err != nil {
		return r, err
	}
	r.SendsDue = int(due)
	runs, err := s.Store.TaskRuns(ctx)
	if err != nil {
		return r, err
	}
	for _, t := range runs {
		r.Tasks = append(r.Tasks, Task{Name: t.Name, StartedAt: t.StartedAt, FinishedAt: t.FinishedAt,
			OK: t.Error == "", Error: t.Error, Runs: int(t.Runs)})
		at := t.FinishedAt
		switch t.Name {
		case TaskSendTick:
			r.LastTick = &at
		case TaskMailboxSync:
			r.LastSync = &at
		}
	}
	failing, err := s.Store.InWorkspace(workspaceID).FailingMailboxes(ctx)
	if err != nil {
		return r, err
	}
	for _, m := range failing {
		r.FailingMailboxes = append(r.FailingMailboxes, Mailbox{ID: m.ID, Email: m.Email, Provider: m.Provider,
			Status: m.Status, Reason: m.StatusReason})
	}
	r.DataDir = diskUse(s.DataDir)
	return r, nil
}

// The background tasks' names, as the scheduler and task_runs know them.
const (
	TaskSendTick      = "send_tick"
	TaskMailboxSync   = "inbox_sync"
	TaskBounceGuard   = "bounce_guard"
	TaskAccountUpkeep = "account_upkeep"
	TaskEventUpkeep   = "event_upkeep"
)

// diskUse adds up the regular files under dir; files that vanish while it
// walks (an upload swept meanwhile) are skipped.
func diskUse(dir string) DiskUse {
	d := DiskUse{FreeBytes: freeBytes(dir)}
	_ = filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return nil
		}
		if info, err := e.Info(); err == nil {
			d.UsedBytes += info.Size()
			d.Files++
		}
		return nil
	})
	return d
}
