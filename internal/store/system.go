package store

import (
	"context"
	"time"
)

// What the System page (internal/ops) reads about the server as a whole.

// TaskRun is the last run of a background task.
type TaskRun struct {
	Name       string
	StartedAt  time.Time
	FinishedAt time.Time
	Error      string // "" when it succeeded
	Runs       int64
}

// RecordTaskRun stores a task's latest run.
func (q Queries) RecordTaskRun(ctx context.Context, r TaskRun) error {
	_, err := q.exec(ctx, `INSERT INTO task_runs (name, started_at, finished_at, error, runs) VALUES (?, ?, ?, ?, 1)
		ON CONFLICT (name) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at,
		error = excluded.error, runs = task_runs.runs + 1`, r.Name, r.StartedAt.UTC(), r.FinishedAt.UTC(), r.Error)
	return err
}

// TaskRuns lists the tasks' last runs by name.
func (q Queries) TaskRuns(ctx context.Context) ([]TaskRun, error) {
	rows, err := q.query(ctx, `SELECT name, started_at, finished_at, error, runs FROM task_runs ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (TaskRun, error) {
		var t TaskRun
		err := r.Scan(&t.Name, &t.StartedAt, &t.FinishedAt, &t.Error, &t.Runs)
		return t, err
	})
}

// DatabaseSize is the database's size in bytes (SQLite: its pages, not
// counting the write-ahead log).
func (q Queries) DatabaseSize(ctx context.Context) (int64, error) {
	var n int64
	var err error
	if q.d == Postgres {
		err = q.queryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
	} else {
		err = q.queryRow(ctx, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&n)
	}
	return n, err
}

// QueueBacklog counts River's jobs waiting (available, scheduled,
// retryable) and running; zero when River's tables do not exist yet (the
// scheduler never ran on this database).
type QueueBacklog struct {
	Waiting int64 `json:"waiting"`
	Running int64 `json:"running"`
}

// RiverBacklog reads River's job table.
func (q Queries) RiverBacklog(ctx context.Context) (QueueBacklog, error) {
	var b QueueBacklog
	if q.tableMissing(ctx, "river_job") {
		return b, nil
	}
	err := q.queryRow(ctx, `SELECT
		COALESCE(SUM(CASE WHEN state IN ('available', 'scheduled', 'retryable', 'pending') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN state = 'running' THEN 1 ELSE 0 END), 0) FROM river_job`).Scan(&b.Waiting, &b.Running)
	return b, err
}

// SendsDue counts scheduled sends whose time has come, across workspaces:
// the send tick's backlog.
func (q Queries) SendsDue(ctx context.Context, at time.Time) (int64, error) {
	var n int64
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM send_jobs WHERE status = 'scheduled' AND run_at <= ?`, at).Scan(&n)
	return n, err
}

// FailingInboxes lists the workspace's mailboxes that need a person: in
// error or disconnected (needs reconnecting).
func (s Scope) FailingMailboxes(ctx context.Context) ([]Mailbox, error) {
	return s.mailboxes(ctx, `SELECT `+mailboxColumns+` FROM inbox_connections WHERE workspace_id = ? AND status IN (?, ?) ORDER BY email, id`,
		s.ws, MailboxError, MailboxDisconnected)
}
