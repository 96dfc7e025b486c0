package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/lead/csv"
	"github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/store"
)

// parsedRow is a row read from the file, with the row that first held its
// email when it repeats one (0 otherwise).
type parsedRow struct {
	csv.Row
	firstRow int
}

// run imports one file, from its last committed batch. It returns an error
// only for what the user cannot fix (the database); problems with the file
// fail the import with a message instead.
func (im *Importer) run(ctx context.Context, j job) error {
	if im.beforeRun != nil {
		if err := im.beforeRun(); err != nil {
			return err
		}
	}
	src, err := im.store.InWorkspace(j.workspaceID).LeadSource(ctx, j.id)
	if err != nil {
		return err
	}
	if src.Status != store.ImportRunning {
		return nil
	}
	var opts Options
	if err := json.Unmarshal([]byte(src.Options), &opts); err != nil {
		return fmt.Errorf("import options: %w", err)
	}
	ro := csv.Options{Mapping: opts.Effective}
	f, err := os.Open(im.path(src.ID))
	if err != nil {
		im.fail(ctx, src, "The uploaded file is no longer available; import it again.")
		return err
	}
	defer f.Close()

	ir, err := csv.NewReader(f, ro)
	if err != nil {
		im.fail(ctx, src, readProblem(err))
		return nil
	}

	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	batches := make(chan []parsedRow, 1)
	var readErr error
	go func() {
		defer close(batches)
		readErr = im.read(readCtx, ir, src.RowsDone, batches)
	}()
	counts, writeErr := im.writeBatches(ctx, src, opts.OnDuplicate, batches, stopReading)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case writeErr != nil:
		im.fail(ctx, src, "The import stopped on a database error after "+fmt.Sprint(counts.RowsDone)+
			" rows; the rows before it are imported. Import the file again to finish (onDuplicate skip leaves them as they are).")
		return writeErr
	case readErr != nil:
		im.fail(ctx, src, readProblem(readErr))
		return nil
	}
	return im.finish(ctx, src, counts)
}

// writeBatches writes the batches as the reader sends them, up to
// Config.Parallel at once, each in its own transaction (writeBatch orders
// their commits). It returns the import's totals after the batches that
// committed and the first error; after an error it stops the reader and
// drains what it already sent.
func (im *Importer) writeBatches(ctx context.Context, src store.LeadSource, mode field.OnDuplicate, in <-chan []parsedRow, stopReading func()) (store.ImportCounts, error) {
	counts := src.ImportCounts
	var err error
	var running []*batch // oldest first
	settle := func() {
		b := running[0]
		running = running[1:]
		<-b.done
		b.prev, b.after, b.rows = nil, nil, nil // read only by b's own goroutine: keeps no chain of batches
		if err != nil {
			return
		}
		if b.err != nil {
			err = b.err
			stopReading()
			return
		}
		counts = add(counts, b.counts)
		counts.RowsDone += b.counts.RowsDone
		if im.afterBatch != nil {
			im.afterBatch()
		}
	}
	from := src.RowsDone
	for rows := range in {
		if err == nil && len(running) == im.cfg.Parallel {
			settle()
		}
		if err != nil {
			continue
		}
		b := newBatch(rows, from, running)
		from += len(rows)
		running = append(running, b)
		go im.writeBatch(ctx, src, mode, b)
	}
	for len(running) > 0 {
		settle()
	}
	return counts, err
}

// read sends the file's rows in batches, skipping (but remembering, for the
// duplicate check) the rows a previous run already imported.
func (im *Importer) read(ctx context.Context, ir *csv.Reader, skip int, out chan<- []parsedRow) error {
	seen := field.NewDedupeSet()
	batch := make([]parsedRow, 0, im.cfg.BatchSize)
	send := func() error {
		select {
		case out <- batch:
			batch = make([]parsedRow, 0, im.cfg.BatchSize)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for n := 1; ; n++ {
		row, err := ir.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		first := 0
		if row.Err == nil {
			first = seen.See(row.Fields.Email, row.Number)
		}
		if n <= skip {
			continue
		}
		batch = append(batch, parsedRow{Row: row, firstRow: first})
		if len(batch) == im.cfg.BatchSize {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if len(batch) > 0 {
		return send()
	}
	return nil
}

// readProblem is the message an import fails with when its file cannot be
// read further.
func readProblem(err error) string {
	var enc *csv.EncodingError
	if errors.As(err, &enc) {
		return enc.Error()
	}
	if p := fileProblem(err); p != err {
		return p.Error()
	}
	return "The file could not be read to the end; upload it again."
}

// owner is the principal an import's own audit events name: who started it.
func owner(src store.LeadSource) account.Principal {
	return account.Principal{User: store.User{ID: src.CreatedBy}, WorkspaceID: src.WorkspaceID}
}

// finish marks an import done, records its totals and removes its file. A
// big import first refreshes the lead tables' planner statistics, so that
// searches are well planned as soon as the import shows done.
func (im *Importer) finish(ctx context.Context, src store.LeadSource, c store.ImportCounts) error {
	if im.cfg.Verify != nil {
		// A failed check leaves leads unchecked (the send gate sends to
		// them as unknown); it does not fail the import.
		if err := im.cfg.Verify(ctx, src.WorkspaceID); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			im.env.Log().WarnContext(ctx, "verify imported leads", "import_id", src.ID, "err", err)
		}
	}
	if c.Created+c.Updated >= statsAfterRows {
		if err := im.store.RefreshLeadStats(ctx); err != nil {
			im.env.Log().Warn("refresh lead statistics after import", "import_id", src.ID, "err", err)
		}
	}
	err := im.store.InTx(ctx, func(tx *store.Tx) error {
		sc := tx.InWorkspace(src.WorkspaceID)
		if err := sc.SetImportTotal(ctx, src.ID, c.RowsDone); err != nil {
			return err
		}
		if err := sc.FinishImport(ctx, src.ID, store.ImportDone, ""); err != nil {
			return err
		}
		if err := event.Record(ctx, tx.Queries, src.WorkspaceID, event.ImportDone{ImportID: src.ID, FileName: src.FileName,
			Status: store.ImportDone, Rows: c.RowsDone, Created: c.Created, Updated: c.Updated, Skipped: c.Skipped,
			Failed: c.Invalid}); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, lead.Audit(owner(src), account.Meta{}, "lead.import_finished", "import", src.ID,
			map[string]any{"status": store.ImportDone, "rows": c.RowsDone, "created": c.Created, "updated": c.Updated,
				"skipped": c.Skipped, "invalid": c.Invalid}))
	})
	if err != nil {
		return err
	}
	_ = os.Remove(im.path(src.ID))
	return nil
}

// statsAfterRows is the size of import after which the lead tables'
// planner statistics are refreshed.
const statsAfterRows = 10_000

// fail ends an import with a reason for the user, keeping what earlier
// batches wrote, and removes its file.
func (im *Importer) fail(ctx context.Context, src store.LeadSource, reason string) {
	ctx = context.WithoutCancel(ctx)
	err := im.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InWorkspace(src.WorkspaceID).FinishImport(ctx, src.ID, store.ImportFailed, reason); err != nil {
			return err
		}
		if err := event.Record(ctx, tx.Queries, src.WorkspaceID, event.ImportDone{ImportID: src.ID, FileName: src.FileName,
			Status: store.ImportFailed}); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, lead.Audit(owner(src), account.Meta{}, "lead.import_finished", "import", src.ID,
			map[string]any{"status": store.ImportFailed}))
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		im.env.Log().Error("mark import failed", "import_id", src.ID, "err", err)
	}
	_ = os.Remove(im.path(src.ID))
}
