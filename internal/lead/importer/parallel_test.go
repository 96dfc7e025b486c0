package importer

import (
	"context"
	"fmt"
	"testing"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// Batches written at the same time end exactly as batches written one
// after the other: same counts, same rows not imported, same leads, same
// provenance, whatever onDuplicate says, with duplicates inside and across
// batches, leads that already exist and suppressed addresses.
func TestParallelBatchesEndAsSequentialOnes(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	file := messyFile(600)
	prepare := func(t *testing.T) account.Principal {
		p := newOwner(t, st)
		sc := st.InWorkspace(p.WorkspaceID)
		for _, i := range []int{3, 40, 41, 299} {
			l := store.Lead{Email: fmt.Sprintf("p%d@example.com", i), FirstName: "Before", Title: "Kept"}
			if err := sc.CreateLead(ctx, &l); err != nil {
				t.Fatal(err)
			}
		}
		sup := store.Suppression{Kind: store.SuppressEmail, Value: "p100@example.com", Reason: store.ReasonUnsubscribe}
		if _, err := sc.AddSuppression(ctx, &sup); err != nil {
			t.Fatal(err)
		}
		return p
	}
	run := func(t *testing.T, parallel int, mode string) (store.ImportCounts, string, string, string) {
		p := prepare(t)
		im := New(st, env.New(nil, nil), Config{Dir: t.TempDir(), Workers: 1, BatchSize: 7, Parallel: parallel})
		if err := im.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer im.Stop()
		src := wait(t, im, st, p, submit(t, im, p, file, mode).ID)
		if src.Status != store.ImportDone {
			t.Fatalf("parallel %d: %+v", parallel, src)
		}
		counts, errs, leads := outcome(t, st, p, src.ID)
		// Provenance, by email: which rows set which values.
		sc := st.InWorkspace(p.WorkspaceID)
		prov := map[string][]string{}
		err := sc.EachLead(ctx, store.LeadQuery{}, func(l store.Lead) error {
			events, err := sc.LeadProvenance(ctx, l.ID)
			for _, e := range events {
				prov[l.Email] = append(prov[l.Email], fmt.Sprint(e.SourceRow, e.Fields))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return counts, fmt.Sprint(errs), fmt.Sprint(leads), fmt.Sprint(prov)
	}
	for _, mode := range []string{"skip", "update", "fill"} {
		t.Run(mode, func(t *testing.T) {
			wantCounts, wantErrs, wantLeads, wantProv := run(t, 1, mode)
			if wantCounts.RowsDone != 600 || wantCounts.Duplicates == 0 || wantCounts.Suppressed != 1 {
				t.Fatalf("reference import: %+v", wantCounts)
			}
			for _, parallel := range []int{2, 3} {
				counts, errs, leads, prov := run(t, parallel, mode)
				if counts != wantCounts {
					t.Errorf("parallel %d: counts %+v, want %+v", parallel, counts, wantCounts)
				}
				if errs != wantErrs {
					t.Errorf("parallel %d: rows not imported differ", parallel)
				}
				if leads != wantLeads {
					t.Errorf("parallel %d: leads differ", parallel)
				}
				if prov != wantProv {
					t.Errorf("parallel %d: provenance differs", parallel)
				}
			}
		})
	}
}
