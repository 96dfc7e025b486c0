package importer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// A batch the database refuses fails the import after the batches before
// it: nothing of it, nor of the batches running beside or after it, is
// written, and its progress stops at the last batch that committed.
func TestFailedBatchStopsTheImportWhole(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	// The database refuses one address: a fault injected for this test only.
	fault := `CREATE TRIGGER boom BEFORE INSERT ON leads WHEN NEW.email = 'boom@example.com'
		BEGIN SELECT RAISE(ABORT, 'boom'); END`
	if st.Dialect() == store.Postgres {
		fault = `ALTER TABLE leads ADD CONSTRAINT boom CHECK (email <> 'boom@example.com') NOT VALID`
	}
	if _, err := st.DB().ExecContext(ctx, fault); err != nil {
		t.Fatal(err)
	}
	var file strings.Builder
	file.WriteString("email,company\n")
	for i := 1; i <= 200; i++ {
		email := fmt.Sprintf("p%d@example.com", i)
		if i == 55 {
			email = "boom@example.com"
		}
		fmt.Fprintf(&file, "%s,Co %d\n", email, i)
	}
	for _, parallel := range []int{1, 2, 3} {
		t.Run(fmt.Sprint("parallel=", parallel), func(t *testing.T) {
			p := newOwner(t, st)
			im := New(st, env.New(nil, nil), Config{Dir: t.TempDir(), Workers: 1, BatchSize: 10, Parallel: parallel})
			if err := im.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer im.Stop()
			src := wait(t, im, st, p, submit(t, im, p, file.String(), "skip").ID)
			if src.Status != store.ImportFailed || src.RowsDone != 50 || src.Created != 50 ||
				!strings.Contains(src.Error, "after 50 rows") {
				t.Fatalf("import: %+v", src)
			}
			_, _, leads := outcome(t, st, p, src.ID)
			if len(leads) != 50 {
				t.Fatalf("%d leads written, want the 50 of the batches before the refused one", len(leads))
			}
			for i := 1; i <= 50; i++ {
				if _, ok := leads[fmt.Sprintf("p%d@example.com", i)]; !ok {
					t.Errorf("p%d missing", i)
				}
			}
		})
	}
}
