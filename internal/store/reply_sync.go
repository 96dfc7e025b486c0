package store

import (
	"context"
	"database/sql"
	"time"
)

// SyncTarget is a mailbox as inbox sync sees it: where it belongs, where
// its last sync stopped, and how healthy syncing it has been.
type SyncTarget struct {
	Mailbox
	WorkspaceID         string
	Cursor              string
	LastSyncAt          *time.Time
	LastError           string
	ConsecutiveFailures int
}

const syncTargetColumns = mailboxColumns + `, workspace_id, sync_cursor, last_sync_at, last_error, consecutive_failures`

func scanSyncTarget(row interface{ Scan(...any) error }) (SyncTarget, error) {
	var t SyncTarget
	var synced sql.NullTime
	var err error
	t.Mailbox, err = scanMailbox(scanSuffix{row, []any{&t.WorkspaceID, &t.Cursor, &synced, &t.LastError, &t.ConsecutiveFailures}})
	t.LastSyncAt = timePtr(synced)
	return t, err
}

// MailboxesToSync lists, across workspaces, the mailboxes inbox sync reads:
// active ones (paused, disconnected and deleted mailboxes are left alone),
// least recently synced first so a pass cut short starts elsewhere next
// time.
func (q Queries) MailboxesToSync(ctx context.Context) ([]SyncTarget, error) {
	rows, err := q.query(ctx, `SELECT `+syncTargetColumns+` FROM inbox_connections WHERE status = 'active'
		AND deleted_at IS NULL ORDER BY last_sync_at IS NOT NULL, last_sync_at, id`)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanSyncTarget)
}

// MailboxToSync returns one mailbox for inbox sync by id alone: the
// scheduler and /api/cron name a mailbox without a workspace.
func (q Queries) MailboxToSync(ctx context.Context, id string) (SyncTarget, error) {
	return scanSyncTarget(q.queryRow(ctx, `SELECT `+syncTargetColumns+` FROM inbox_connections WHERE id = ?`, id))
}

// AdvanceSyncCursor moves a mailbox's cursor from `from` to `to` and
// records a healthy sync, only if the cursor is still `from`: called in the
// transaction that stores the page's messages, it reports false when
// another sync committed the page first, and that transaction rolls back.
func (s Scope) AdvanceSyncCursor(ctx context.Context, id, from, to string, at time.Time) (bool, error) {
	res, err := s.exec(ctx, `UPDATE inbox_connections SET sync_cursor = ?, last_sync_at = ?, last_error = '',
		consecutive_failures = 0 WHERE id = ? AND workspace_id = ? AND sync_cursor = ?`, to, at, id, s.ws, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RecordSyncFailure notes a failed sync of a mailbox (its provider's
// answer, never a credential) and counts it.
func (s Scope) RecordSyncFailure(ctx context.Context, id, lastError string) error {
	return s.execOne(ctx, `UPDATE inbox_connections SET last_error = ?, consecutive_failures = consecutive_failures + 1
		WHERE id = ? AND workspace_id = ?`, lastError, id, s.ws)
}

// RefreshReplyStats updates the planner statistics of the tables inbox sync
// reads and writes (a no-op on SQLite), as a database that grew to its size
// would have them; benchmarks call it after seeding. Seed every table it
// names first: statistics that say a table is empty make Postgres plan
// lookups in it (and foreign-key checks into it) as scans, plans it keeps
// while the run fills the table (measured on conversations: 0.5-0.8 ms per
// stored message by the end of 10,000).
func (q Queries) RefreshReplyStats(ctx context.Context) error {
	for _, table := range []string{"messages", "conversations", "campaign_leads", "send_jobs", "leads", "suppressions",
		"sandbox_messages"} {
		if stmt := q.d.analyze(table); stmt != "" {
			if _, err := q.exec(ctx, stmt); err != nil {
				return err
			}
		}
	}
	return nil
}
