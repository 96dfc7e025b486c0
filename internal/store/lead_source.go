package store

import (
	"context"
	"time"
)

// Lead source kinds and import statuses.
const (
	SourceImport = "import"

	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// Row outcome codes of an import, stored with each row that was not
// written.
const (
	RowInvalid    = "invalid"    // rejected: the row cannot be a lead
	RowDuplicate  = "duplicate"  // the same email earlier in the file
	RowSuppressed = "suppressed" // the address is on the suppression list
	RowExisting   = "existing"   // already a lead, left as it was
)

// ImportCounts are an import's running totals. RowsDone counts the data
// rows handled so far; each is created, updated, skipped (duplicate,
// suppressed, or an existing lead left alone) or invalid.
type ImportCounts struct {
	RowsDone   int `json:"rowsDone"`
	Created    int `json:"created"`
	Updated    int `json:"updated"`
	Skipped    int `json:"skipped"`
	Invalid    int `json:"invalid"`
	Suppressed int `json:"suppressed"`
	Duplicates int `json:"duplicates"`
}

// LeadSource is one way leads arrived; for a CSV import it is the import
// itself, with its progress and outcome.
type LeadSource struct {
	ID          string
	WorkspaceID string
	Kind        string
	Name        string
	FileName    string
	Status      string
	Options     string // JSON, owned by the importer
	RowsTotal   int
	ImportCounts
	Error       string
	CreatedBy   string
	CreatedAt   time.Time
	FinishedAt  *time.Time
	HeartbeatAt *time.Time
}

const leadSourceColumns = `id, workspace_id, kind, name, file_name, status, options, rows_total, rows_done, created,
	updated, skipped, invalid, suppressed, duplicates, error, COALESCE(created_by, ''), created_at, finished_at, heartbeat_at`

func scanLeadSource(row interface{ Scan(...any) error }) (LeadSource, error) {
	var s LeadSource
	err := row.Scan(&s.ID, &s.WorkspaceID, &s.Kind, &s.Name, &s.FileName, &s.Status, &s.Options, &s.RowsTotal,
		&s.RowsDone, &s.Created, &s.Updated, &s.Skipped, &s.Invalid, &s.Suppressed, &s.Duplicates, &s.Error,
		&s.CreatedBy, &s.CreatedAt, &s.FinishedAt, &s.HeartbeatAt)
	return s, notFound(err)
}

// CreateLeadSource records a new source; an import starts running with a
// fresh heartbeat.
func (s Scope) CreateLeadSource(ctx context.Context, src *LeadSource) error {
	if src.ID == "" {
		src.ID = NewID()
	}
	if src.Options == "" {
		src.Options = "{}"
	}
	src.WorkspaceID = s.ws
	src.CreatedAt = s.now()
	hb := src.CreatedAt
	src.HeartbeatAt = &hb
	_, err := s.exec(ctx, `INSERT INTO lead_sources (id, workspace_id, kind, name, file_name, status, options,
		rows_total, created_by, created_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		src.ID, s.ws, src.Kind, src.Name, src.FileName, src.Status, src.Options, src.RowsTotal,
		nullString(src.CreatedBy), src.CreatedAt, hb)
	return s.d.translate(err)
}

// LeadSource returns one source (an import and its progress).
func (s Scope) LeadSource(ctx context.Context, id string) (LeadSource, error) {
	return scanLeadSource(s.queryRow(ctx, `SELECT `+leadSourceColumns+` FROM lead_sources WHERE id = ? AND workspace_id = ?`, id, s.ws))
}

// AdvanceImport adds one batch's outcome (rows handled and counts) to a
// running import's totals and refreshes its heartbeat, provided the import
// has done exactly from rows: batches therefore record their progress in file
// order even when several run at once, and a batch whose predecessor did not
// commit cannot commit either. On Postgres a concurrent batch's uncommitted
// advance is waited for, then the condition is checked again. ErrNotFound
// when the import is no longer running or is not at from.
func (s Scope) AdvanceImport(ctx context.Context, id string, from int, batch ImportCounts) error {
	return s.execOne(ctx, `UPDATE lead_sources SET rows_done = rows_done + ?, created = created + ?,
		updated = updated + ?, skipped = skipped + ?, invalid = invalid + ?, suppressed = suppressed + ?,
		duplicates = duplicates + ?, heartbeat_at = ?
		WHERE id = ? AND workspace_id = ? AND status = 'running' AND rows_done = ?`,
		batch.RowsDone, batch.Created, batch.Updated, batch.Skipped, batch.Invalid, batch.Suppressed, batch.Duplicates,
		s.now(), id, s.ws, from)
}

// SetImportTotal records how many data rows the file holds.
func (s Scope) SetImportTotal(ctx context.Context, id string, total int) error {
	return s.execOne(ctx, `UPDATE lead_sources SET rows_total = ? WHERE id = ? AND workspace_id = ?`, total, id, s.ws)
}

// FinishImport ends a running import as done or failed (with a reason).
// ErrNotFound when it had already ended.
func (s Scope) FinishImport(ctx context.Context, id, status, reason string) error {
	return s.execOne(ctx, `UPDATE lead_sources SET status = ?, error = ?, finished_at = ?, heartbeat_at = NULL
		WHERE id = ? AND workspace_id = ? AND status = 'running'`, status, reason, s.now(), id, s.ws)
}

// RowError is a data row an import did not write, and why.
type RowError struct {
	Row    int    `json:"row"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// AddImportRowErrors records rows an import did not write.
func (s Scope) AddImportRowErrors(ctx context.Context, sourceID string, errs []RowError) error {
	return chunks(errs, batchChunk, func(part []RowError) error {
		args := make([]any, 0, len(part)*5)
		for _, e := range part {
			args = append(args, sourceID, s.ws, e.Row, e.Code, e.Reason)
		}
		_, err := s.exec(ctx, `INSERT INTO lead_source_errors (source_id, workspace_id, row_number, code, reason)
			VALUES `+valuesList(len(part), 5)+` ON CONFLICT (source_id, row_number) DO NOTHING`, args...)
		return err
	})
}

// ImportRowErrors lists an import's unwritten rows in file order after row
// afterRow, up to limit+1 of them (the extra one says there is more).
func (s Scope) ImportRowErrors(ctx context.Context, sourceID string, afterRow, limit int) ([]RowError, error) {
	rows, err := s.query(ctx, `SELECT row_number, code, reason FROM lead_source_errors
		WHERE source_id = ? AND workspace_id = ? AND row_number > ? ORDER BY row_number LIMIT ?`,
		sourceID, s.ws, afterRow, limit+1)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (RowError, error) {
		var e RowError
		err := r.Scan(&e.Row, &e.Code, &e.Reason)
		return e, err
	})
}

// StaleImports returns, across all workspaces, the imports still marked
// running whose heartbeat is older than before: the importer that ran them
// stopped (a restart, a crash). The importer recovers them at start.
func (q Queries) StaleImports(ctx context.Context, before time.Time) ([]LeadSource, error) {
	rows, err := q.query(ctx, `SELECT `+leadSourceColumns+` FROM lead_sources
		WHERE status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < ?) ORDER BY id`, before)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanLeadSource)
}

// ClaimImport takes over a stale import: it refreshes the heartbeat only if
// it is still the one seen (nil for none), so of several replicas that saw
// the same stale import exactly one claims it.
func (q Queries) ClaimImport(ctx context.Context, id string, seen *time.Time) (bool, error) {
	var res interface{ RowsAffected() (int64, error) }
	var err error
	if seen == nil {
		res, err = q.exec(ctx, `UPDATE lead_sources SET heartbeat_at = ? WHERE id = ? AND status = 'running'
			AND heartbeat_at IS NULL`, q.now(), id)
	} else {
		res, err = q.exec(ctx, `UPDATE lead_sources SET heartbeat_at = ? WHERE id = ? AND status = 'running'
			AND heartbeat_at = ?`, q.now(), id, *seen)
	}
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TouchImports refreshes the heartbeat of imports an importer holds (queued
// or running), so no other replica mistakes them for interrupted ones.
func (q Queries) TouchImports(ctx context.Context, ids []string) error {
	return chunks(ids, batchChunk, func(part []string) error {
		args := make([]any, 0, len(part)+1)
		args = append(args, q.now())
		args = append(args, anys(part)...)
		_, err := q.exec(ctx, `UPDATE lead_sources SET heartbeat_at = ? WHERE status = 'running' AND id IN (`+
			marks(len(part))+`)`, args...)
		return err
	})
}

// ReleaseImports clears the heartbeat of imports an importer held when it
// stopped, so the next importer to look resumes them without waiting for them
// to age.
func (q Queries) ReleaseImports(ctx context.Context, ids []string) error {
	return chunks(ids, batchChunk, func(part []string) error {
		args := make([]any, 0, len(part))
		args = append(args, anys(part)...)
		_, err := q.exec(ctx, `UPDATE lead_sources SET heartbeat_at = NULL WHERE status = 'running' AND id IN (`+
			marks(len(part))+`)`, args...)
		return err
	})
}
