package leadimport

import (
	"context"
	"fmt"
	"strings"

	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/leads"
	"github.com/leadbitz/leadbitz/internal/store"
)

// RowWarning marks a row that was imported without some invalid optional
// values; it is listed with the rows not imported but not counted as one.
const RowWarning = "warning"

// writeBatch writes one batch in one transaction: new and updated leads,
// their provenance, the rows not imported and the import's progress. On
// success it adds the batch's outcome to counts.
//
// New leads are inserted first (ON CONFLICT DO NOTHING), one per email, with
// the values of the email's first row; only the emails that turn out to be
// leads already are read back (and locked). A fresh import therefore never
// reads the leads table, whose planner statistics on Postgres may lag far
// behind an import that grows it by a million rows.
func (im *Importer) writeBatch(ctx context.Context, src store.LeadSource, mode lead.OnDuplicate, counts *store.ImportCounts, rows []parsedRow) error {
	var emails []string
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		if r.Err == nil && !seen[r.Fields.Email] {
			seen[r.Fields.Email] = true
			emails = append(emails, r.Fields.Email)
		}
	}
	var total store.ImportCounts
	err := im.store.InTx(ctx, func(tx *store.Tx) error {
		// The batch records the import's progress itself: if a crash loses
		// it, the import resumes before it.
		if err := tx.AsyncCommit(ctx); err != nil {
			return err
		}
		sc := tx.InWorkspace(src.WorkspaceID)
		suppressed, err := sc.SuppressedAmong(ctx, emails)
		if err != nil {
			return err
		}
		candidates := newLeads(src.ID, rows, suppressed)
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
		p := planBatch(src.ID, mode, rows, created, existing, suppressed)
		if err := sc.UpdateLeads(ctx, p.updates); err != nil {
			return err
		}
		if err := sc.AddProvenance(ctx, p.provenance); err != nil {
			return err
		}
		if err := sc.AddImportRowErrors(ctx, src.ID, p.rowErrors); err != nil {
			return err
		}
		total = add(*counts, p.counts)
		total.RowsDone += len(rows)
		return sc.SaveImportProgress(ctx, src.ID, total)
	})
	if err != nil {
		return err
	}
	*counts = total
	return nil
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
		leads.SetFields(&l, r.Fields)
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
	fields lead.Fields
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
//     (lead.MergeFields) and record the changed values, or skip the row when
//     nothing changes.
func planBatch(sourceID string, mode lead.OnDuplicate, rows []parsedRow, created, existing map[string]store.Lead, suppressed map[string]store.Suppression) plan {
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
			skip(r, store.RowSuppressed, "suppressed: "+leads.SuppressionReason(sup))
			continue
		}
		t := targets[email]
		if t == nil {
			if l, ok := created[email]; ok {
				// The first row of the email in this batch: it made the lead.
				t = &target{lead: l, fields: leads.FieldsOf(l)}
				targets[email] = t
				p.counts.Created++
				record(t, r, leads.AllValues(r.Fields))
				continue
			}
			l, ok := existing[email]
			if !ok {
				// Neither created nor found: only a concurrent erasure can do
				// that between the insert and the read.
				skip(r, store.RowExisting, "changed by another operation during the import; import the row again")
				continue
			}
			t = &target{lead: l, fields: leads.FieldsOf(l)}
			targets[email] = t
		}
		code, why := store.RowExisting, "already a lead"
		if r.firstRow != 0 {
			p.counts.Duplicates++
			code, why = store.RowDuplicate, fmt.Sprintf("same email as row %d", r.firstRow)
		}
		if mode != lead.DuplicateUpdate && mode != lead.DuplicateFill {
			skip(r, code, why+" (onDuplicate is skip)")
			continue
		}
		merged, changed := lead.MergeFields(t.fields, r.Fields, mode)
		if len(changed) == 0 {
			skip(r, code, why+"; nothing to "+string(mode))
			continue
		}
		if !t.dirty {
			dirtyOrder = append(dirtyOrder, t)
		}
		t.fields, t.dirty = merged, true
		p.counts.Updated++
		record(t, r, leads.ValuesOf(merged, changed))
	}
	for _, t := range dirtyOrder {
		leads.SetFields(&t.lead, t.fields)
		p.updates = append(p.updates, t.lead)
	}
	return p
}
