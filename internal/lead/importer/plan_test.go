package importer

import (
	"errors"
	"reflect"
	"testing"

	"github.com/leadbitz/leadbitz/internal/lead/csv"
	"github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/store"
)

func row(n int, email, company string) parsedRow {
	return parsedRow{Row: csv.Row{Number: n, Fields: field.Fields{Email: email, Company: company}}}
}

func TestPlanBatch(t *testing.T) {
	created := map[string]store.Lead{"new@x.example": {ID: "L-new", Email: "new@x.example", Company: "First"}}
	existing := map[string]store.Lead{"old@x.example": {ID: "L-old", Email: "old@x.example", Company: "Old", Title: "CEO"}}
	suppressed := map[string]store.Suppression{"gone@x.example": {Kind: store.SuppressEmail, Reason: store.ReasonUnsubscribe}}
	bad := parsedRow{Row: csv.Row{Number: 3, Err: errors.New("email: missing @")}}
	dupOfNew := row(5, "new@x.example", "Second")
	dupOfNew.firstRow = 2
	rows := []parsedRow{row(2, "new@x.example", "First"), bad, row(4, "old@x.example", "New Co"), dupOfNew, row(6, "gone@x.example", "Z")}

	for _, tc := range []struct {
		mode      field.OnDuplicate
		counts    store.ImportCounts
		codes     map[int]string
		companies map[string]string // updated lead → company
		events    int               // provenance records
	}{
		{field.DuplicateSkip, store.ImportCounts{Created: 1, Skipped: 3, Invalid: 1, Suppressed: 1, Duplicates: 1},
			map[int]string{3: "invalid", 4: "existing", 5: "duplicate", 6: "suppressed"}, map[string]string{}, 1},
		{field.DuplicateUpdate, store.ImportCounts{Created: 1, Updated: 2, Skipped: 1, Invalid: 1, Suppressed: 1, Duplicates: 1},
			map[int]string{3: "invalid", 6: "suppressed"}, map[string]string{"L-old": "New Co", "L-new": "Second"}, 3},
		{field.DuplicateFill, store.ImportCounts{Created: 1, Skipped: 3, Invalid: 1, Suppressed: 1, Duplicates: 1},
			map[int]string{3: "invalid", 4: "existing", 5: "duplicate", 6: "suppressed"}, map[string]string{}, 1},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			p := planBatch("S", tc.mode, rows, created, existing, suppressed)
			if p.counts != tc.counts {
				t.Errorf("counts %+v, want %+v", p.counts, tc.counts)
			}
			codes := map[int]string{}
			for _, e := range p.rowErrors {
				codes[e.Row] = e.Code
			}
			if !reflect.DeepEqual(codes, tc.codes) {
				t.Errorf("row codes %v, want %v", codes, tc.codes)
			}
			companies := map[string]string{}
			for _, l := range p.updates {
				companies[l.ID] = l.Company
			}
			if !reflect.DeepEqual(companies, tc.companies) {
				t.Errorf("updates %v, want %v", companies, tc.companies)
			}
			if len(p.provenance) != tc.events {
				t.Fatalf("%d provenance records, want %d", len(p.provenance), tc.events)
			}
			first := p.provenance[0]
			if first.LeadID != "L-new" || first.SourceRow != 2 || first.SourceID != "S" || first.SourceKind != store.ProvenanceImport ||
				first.Fields["company"] != "First" || first.Fields["email"] != "new@x.example" {
				t.Errorf("creation record %+v", first)
			}
			if tc.mode == field.DuplicateUpdate {
				old := p.provenance[1]
				if old.LeadID != "L-old" || !reflect.DeepEqual(old.Fields, map[string]string{"company": "New Co"}) {
					t.Errorf("update record %+v: only the changed value belongs in it", old)
				}
			}
		})
	}
}

func TestPlanBatchWarningsAndVanishedLeads(t *testing.T) {
	warned := row(2, "a@x.example", "A")
	warned.Warnings = []*field.Error{{Field: "phone", Message: "has letters"}}
	gone := row(3, "b@x.example", "B") // neither created nor found
	p := planBatch("S", field.DuplicateSkip, []parsedRow{warned, gone},
		map[string]store.Lead{"a@x.example": {ID: "L-a", Email: "a@x.example"}}, nil, nil)
	if p.counts.Created != 1 || p.counts.Skipped != 1 || len(p.rowErrors) != 2 {
		t.Fatalf("plan %+v", p)
	}
	if e := p.rowErrors[0]; e.Row != 2 || e.Code != RowWarning || e.Reason != "imported without these values: phone: has letters" {
		t.Errorf("warning %+v", e)
	}
	if e := p.rowErrors[1]; e.Row != 3 || e.Code != store.RowExisting {
		t.Errorf("vanished %+v", e)
	}
}
