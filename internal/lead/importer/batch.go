package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/store"
)

// RowWarning marks a row that was imported without some invalid optional
// values; it is listed with the rows not imported but not counted as one.
const RowWarning = "warning"

// batch is one transaction's worth of rows on its way to the database.
// Batches of one import may run at the same time (see writeBatches); each
// knows the one before it, after which it must commit, and the running ones
// it shares an email with, which it must wait for before it starts.
type batch struct {
	rows   []parsedRow
	emails []string      // the valid rows' distinct emails, in file order
	from   int           // rows of the file done before this batch
	prev   *batch        // the batch before, nil for the first of a run
	after  []*batch      // earlier running batches with an email of this one
	began  chan struct{} // closed once the batch holds its transaction (or is done)
	begun  sync.Once
	done   chan struct{}      // closed when the batch committed or failed
	counts store.ImportCounts // the batch's own outcome, once done without err
	err    error
}

// newBatch prepares the batch of rows that follows the running ones (oldest
// first). A batch that shares an email with a running one starts only once
// that one is done: otherwise it could merge its rows into a lead before (or
// without) the earlier rows, and the two transactions could wait for each
// other, one in the database and the other here.
func newBatch(rows []parsedRow, from int, running []*batch) *batch {
	b := &batch{rows: rows, from: from, began: make(chan struct{}), done: make(chan struct{})}
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		if r.Err == nil && !seen[r.Fields.Email] {
			seen[r.Fields.Email] = true
			b.emails = append(b.emails, r.Fields.Email)
		}
	}
	if len(running) > 0 {
		b.prev = running[len(running)-1]
	}
	for _, r := range running {
		for _, e := range r.emails {
			if seen[e] {
				b.after = append(b.after, r)
				break
			}
		}
	}
	return b
}

// errPrevFailed stops a batch whose predecessor did not commit; the import
// reports the predecessor's error.
var errPrevFailed = errors.New("the batch before failed")

// waitDone waits until batch a is done; it fails if a did not commit.
func waitDone(ctx context.Context, a *batch) error {
	if a == nil {
		return nil
	}
	select {
	case <-a.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if a.err != nil {
		return errPrevFailed
	}
	return nil
}

// waitPrevBegan waits until the batch before b holds its transaction. A
// batch waits for its predecessor while holding a connection, so it must not
// take one the predecessor still needs: on SQLite's single connection, or a
// busy Postgres pool, that would wait forever.
func (b *batch) waitPrevBegan(ctx context.Context) error {
	if b.prev == nil {
		return nil
	}
	select {
	case <-b.prev.began:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeBatch writes one batch in one transaction: new and updated leads,
// their provenance, the rows not imported and the import's progress, and
// closes b.done with the outcome in b.counts or b.err.
//
// New leads are inserted first (ON CONFLICT DO NOTHING), one per email, with
// the values of the email's first row; only the emails that turn out to be
// leads already are read back (and locked). A fresh import therefore never
// reads the leads table, whose planner statistics on Postgres may lag far
// behind an import that grows it by a million rows.
//
// A batch runs alongside the ones before it unless they share an email
// (newBatch), and records its progress only once that one committed
// (AdvanceImport from b.from), so the import's progress is always a prefix of
// the file and resuming stays exact.
func (im *Importer) writeBatch(ctx context.Context, src store.LeadSource, mode field.OnDuplicate, b *batch) {
	markBegun := func() { b.begun.Do(func() { close(b.began) }) }
	defer close(b.done)
	defer markBegun()
	for _, a := range b.after {
		if b.err = waitDone(ctx, a); b.err != nil {
			return
		}
	}
	if b.err = b.waitPrevBegan(ctx); b.err != nil {
		return
	}
	var outcome store.ImportCounts
	b.err = im.store.InTx(ctx, func(tx *store.Tx) error {
		markBegun()
		// The batch records the import's progress itself: if a crash loses
		// it, the import resumes before it.
		if err := tx.AsyncCommit(ctx); err != nil {
			return err
		}
		sc := tx.InWorkspace(src.WorkspaceID)
		suppressed, err := sc.SuppressedAmong(ctx, b.emails)
		if err != nil {
			return err
		}
		candidates := newLeads(src.ID, b.rows, suppressed)
		inserted, err := sc.InsertLeads(ctx, candidates)
		if err != nil {
			return err
		}
		created := make(map[string]store.Lead, len(inserted))
		var others []string
		for _, l := range candidates {
			if inserted[l.ID] {
				created[l.Email] = l
			} else {
				others = append(others, l.Email)
			}
		}
		existing, err := sc.LeadsByEmails(ctx, others)
		if err != nil {
			return err
		}
		p := planBatch(src.ID, mode, b.rows, created, existing, suppressed)
		if err := sc.UpdateLeads(ctx, p.updates); err != nil {
			return err
		}
		if err := sc.AddProvenance(ctx, p.provenance); err != nil {
			return err
		}
		if err := sc.AddImportRowErrors(ctx, src.ID, p.rowErrors); err != nil {
			return err
		}
		if err := waitDone(ctx, b.prev); err != nil {
			return err
		}
		outcome = p.counts
		outcome.RowsDone = len(b.rows)
		return sc.AdvanceImport(ctx, src.ID, b.from, outcome)
	})
	if b.err == nil {
		b.counts = outcome
	}
}

// newLeads returns the lead each email of the batch would create: the
// values of its first valid row, for the emails that are not suppressed.
func newLeads(sourceID string, rows []parsedRow, suppressed map[string]store.Suppression) []store.Lead {
	var list []store.Lead
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		if r.Err != nil || seen[r.Fields.Email] {
			continue
		}
		seen[r.Fields.Email] = true
		if _, ok := suppressed[r.Fields.Email]; ok {
			continue
		}
		l := store.Lead{ID: store.NewID(), SourceID: sourceID}
		lead.SetFields(&l, r.Fields)
		list = append(list, l)
	}
	return list
}

func add(a, b store.ImportCounts) store.ImportCounts {
	a.Created += b.Created
	a.Updated += b.Updated
	a.Skipped += b.Skipped
	a.Invalid += b.Invalid
	a.Suppressed += b.Suppressed
	a.Duplicates += b.Duplicates
	return a
}

// plan is what one batch writes besides the leads it created.
type plan struct {
	updates    []store.Lead
	provenance []store.Provenance
	rowErrors  []store.RowError
	counts     store.ImportCounts // RowsDone left to the caller
}

// target is a lead a batch writes to.
type target struct {
	lead   store.Lead
	fields field.Fields
	dirty  bool
}

// planBatch decides, row by row in file order, what a batch does: it is the
// import's rules, kept free of I/O. created holds the leads the batch has
// just inserted (each from the first row of its email), existing the leads
// that had the batch's other emails, suppressed the suppressed emails.
//
//   - A rejected row (bad email, broken quotes…) is invalid.
//   - A suppressed address is skipped ("suppressed"): suppressed people are
//     kept out, whether or not they are already leads.
//   - The row that created a lead has all its values recorded as coming from
//     this file and row.
//   - Any other row whose email is a lead (already, or since an earlier row
//     of the file) follows onDuplicate: skip leaves the lead alone (skipped,
//     "duplicate" or "existing"); update and fill merge the row into it
//     (field.MergeFields) and record the changed values, or skip the row when
//     nothing changes.
func planBatch(sourceID string, mode field.OnDuplicate, rows []parsedRow, created, existing map[string]store.Lead, suppressed map[string]store.Suppression) plan {
	var p plan
	targets := map[string]*target{}
	var dirtyOrder []*target
	skip := func(r parsedRow, code, reason string) {
		p.counts.Skipped++
		p.rowErrors = append(p.rowErrors, store.RowError{Row: r.Number, Code: code, Reason: reason})
	}
	record := func(t *target, r parsedRow, values map[string]string) {
		p.provenance = append(p.provenance, store.Provenance{LeadID: t.lead.ID, SourceKind: store.ProvenanceImport,
			SourceID: sourceID, SourceRow: r.Number, Fields: values})
		if len(r.Warnings) > 0 {
			msgs := make([]string, len(r.Warnings))
			for i, w := range r.Warnings {
				msgs[i] = w.Error()
			}
			p.rowErrors = append(p.rowErrors, store.RowError{Row: r.Number, Code: RowWarning,
				Reason: "imported without these values: " + strings.Join(msgs, "; ")})
		}
	}
	for _, r := range rows {
		if r.Err != nil {
			p.counts.Invalid++
			p.rowErrors = append(p.rowErrors, store.RowError{Row: r.Number, Code: store.RowInvalid, Reason: r.Err.Error()})
			continue
		}
		email := r.Fields.Email
		if sup, ok := suppressed[email]; ok {
			p.counts.Suppressed++
			skip(r, store.RowSuppressed, "suppressed: "+lead.SuppressionReason(sup))
			continue
		}
		t := targets[email]
		if t == nil {
			if l, ok := created[email]; ok {
				// The first row of the email in this batch: it made the lead.
				t = &target{lead: l, fields: lead.FieldsOf(l)}
				targets[email] = t
				p.counts.Created++
				record(t, r, lead.AllValues(r.Fields))
				continue
			}
			l, ok := existing[email]
			if !ok {
				// Neither created nor found: only a concurrent erasure can do
				// that between the insert and the read.
				skip(r, store.RowExisting, "changed by another operation during the import; import the row again")
				continue
			}
			t = &target{lead: l, fields: lead.FieldsOf(l)}
			targets[email] = t
		}
		code, why := store.RowExisting, "already a lead"
		if r.firstRow != 0 {
			p.counts.Duplicates++
			code, why = store.RowDuplicate, fmt.Sprintf("same email as row %d", r.firstRow)
		}
		if mode != field.DuplicateUpdate && mode != field.DuplicateFill {
			skip(r, code, why+" (onDuplicate is skip)")
			continue
		}
		merged, changed := field.MergeFields(t.fields, r.Fields, mode)
		if len(changed) == 0 {
			skip(r, code, why+"; nothing to "+string(mode))
			continue
		}
		if !t.dirty {
			dirtyOrder = append(dirtyOrder, t)
		}
		t.fields, t.dirty = merged, true
		p.counts.Updated++
		record(t, r, lead.ValuesOf(merged, changed))
	}
	for _, t := range dirtyOrder {
		lead.SetFields(&t.lead, t.fields)
		p.updates = append(p.updates, t.lead)
	}
	return p
}
