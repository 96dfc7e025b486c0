package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// A batch's provenance reads back as written, on both dialects: no row and
// no source become NULL, times keep their instant.
func TestAddProvenanceRoundTrip(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sc := workspace(t, st)
	src := store.LeadSource{Kind: store.SourceImport, Name: "f", FileName: "f.csv", Status: store.ImportRunning}
	if err := sc.CreateLeadSource(ctx, &src); err != nil {
		t.Fatal(err)
	}
	batch := []store.Lead{{Email: "a@example.com", FirstName: "Ada", SourceID: src.ID}, {Email: "b@example.com"}}
	if _, err := sc.InsertLeads(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if got, _ := sc.Lead(ctx, batch[1].ID); got.SourceID != "" || got.Status != store.LeadActive {
		t.Fatalf("lead without a source: %+v", got)
	}
	at := time.Date(2030, 1, 2, 3, 4, 5, 123456789, time.FixedZone("X", 3600))
	events := []store.Provenance{
		{LeadID: batch[0].ID, SourceKind: store.ProvenanceImport, SourceID: src.ID, SourceRow: 7,
			Fields: map[string]string{"email": "a@example.com", "firstName": "Ada", "company": `"Q" & <Co>`}, CreatedAt: at},
		{LeadID: batch[0].ID, SourceKind: store.ProvenanceManual, Fields: map[string]string{"title": "Élue"}},
	}
	if err := sc.AddProvenance(ctx, events); err != nil {
		t.Fatal(err)
	}
	if err := sc.AddProvenance(ctx, nil); err != nil {
		t.Fatalf("no events: %v", err)
	}
	got, err := sc.LeadProvenance(ctx, batch[0].ID)
	if err != nil || len(got) != 2 {
		t.Fatalf("provenance: %+v %v", got, err)
	}
	manual, imported := got[0], got[1]
	if manual.SourceKind != store.ProvenanceManual {
		manual, imported = imported, manual
	}
	if imported.SourceID != src.ID || imported.SourceRow != 7 || imported.FileName != "f.csv" ||
		!imported.CreatedAt.Equal(at.Truncate(time.Microsecond)) || imported.Fields["company"] != `"Q" & <Co>` {
		t.Errorf("import event: %+v", imported)
	}
	if manual.SourceID != "" || manual.SourceRow != 0 || manual.Fields["title"] != "Élue" || manual.CreatedAt.IsZero() {
		t.Errorf("manual event: %+v", manual)
	}
}

// AdvanceImport adds a batch only to an import at the expected row: batches
// commit their progress in file order, and one after a batch that did not
// commit cannot.
func TestAdvanceImportInFileOrder(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sc := workspace(t, st)
	src := store.LeadSource{Kind: store.SourceImport, Status: store.ImportRunning}
	if err := sc.CreateLeadSource(ctx, &src); err != nil {
		t.Fatal(err)
	}
	first := store.ImportCounts{RowsDone: 10, Created: 6, Updated: 1, Skipped: 2, Invalid: 1, Suppressed: 1, Duplicates: 1}
	if err := sc.AdvanceImport(ctx, src.ID, 10, first); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second batch before the first: %v", err)
	}
	if err := sc.AdvanceImport(ctx, src.ID, 0, first); err != nil {
		t.Fatal(err)
	}
	if err := sc.AdvanceImport(ctx, src.ID, 0, first); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the first batch twice: %v", err)
	}
	if err := sc.AdvanceImport(ctx, src.ID, 10, store.ImportCounts{RowsDone: 5, Created: 5}); err != nil {
		t.Fatal(err)
	}
	got, err := sc.LeadSource(ctx, src.ID)
	want := store.ImportCounts{RowsDone: 15, Created: 11, Updated: 1, Skipped: 2, Invalid: 1, Suppressed: 1, Duplicates: 1}
	if err != nil || got.ImportCounts != want {
		t.Fatalf("totals %+v, want %+v (%v)", got.ImportCounts, want, err)
	}
	if err := workspace(t, st).AdvanceImport(ctx, src.ID, 15, first); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another workspace advanced the import: %v", err)
	}
	if err := sc.FinishImport(ctx, src.ID, store.ImportDone, ""); err != nil {
		t.Fatal(err)
	}
	if err := sc.AdvanceImport(ctx, src.ID, 15, first); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("advancing a finished import: %v", err)
	}
}

// Inside a transaction InsertLeads first tries a plain insert; an email that
// is a lead already sends it back, whole, to the ON CONFLICT insert, and the
// transaction goes on.
func TestInsertLeadsInTxWithExistingEmails(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sc := workspace(t, st)
	old := store.Lead{Email: "old@example.com", Company: "Old"}
	if err := sc.CreateLead(ctx, &old); err != nil {
		t.Fatal(err)
	}
	var fresh, mixed []store.Lead
	err := st.InTx(ctx, func(tx *store.Tx) error {
		txs := tx.InWorkspace(sc.WorkspaceID())
		if got, err := txs.InsertLeads(ctx, nil); err != nil || len(got) != 0 {
			t.Errorf("empty batch: %v %v", got, err)
		}
		fresh = []store.Lead{{Email: "a@example.com"}, {Email: "b@example.com"}}
		got, err := txs.InsertLeads(ctx, fresh)
		if err != nil || len(got) != 2 {
			t.Errorf("fresh batch: %v %v", got, err)
		}
		mixed = []store.Lead{{Email: "c@example.com"}, {Email: "old@example.com", Company: "New"}, {Email: "a@example.com"}, {Email: "d@example.com"}}
		got, err = txs.InsertLeads(ctx, mixed)
		if err != nil || len(got) != 2 || !got[mixed[0].ID] || !got[mixed[3].ID] {
			t.Errorf("mixed batch: %v %v", got, err)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct{ email, id, company string }{
		{"a@example.com", fresh[0].ID, ""}, {"b@example.com", fresh[1].ID, ""}, {"c@example.com", mixed[0].ID, ""},
		{"d@example.com", mixed[3].ID, ""}, {"old@example.com", old.ID, "Old"},
	} {
		l, err := sc.LeadByEmail(ctx, want.email)
		if err != nil || l.ID != want.id || l.Company != want.company {
			t.Errorf("%s: %+v %v", want.email, l, err)
		}
	}
}
