package store_test

import (
	"context"
	"testing"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestLeadSourcesPagesNewestFirstInTheirWorkspace(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sc, other := workspace(t, st), workspace(t, st)
	var ids []string
	for _, name := range []string{"a.csv", "b.csv", "c.csv"} {
		src := store.LeadSource{Kind: store.SourceImport, Name: name, FileName: name, Status: store.ImportRunning}
		if err := sc.CreateLeadSource(ctx, &src); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, src.ID)
	}
	if err := other.CreateLeadSource(ctx, &store.LeadSource{Kind: store.SourceImport, Name: "theirs.csv", Status: store.ImportRunning}); err != nil {
		t.Fatal(err)
	}
	page, err := sc.LeadSources(ctx, "", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 3 || page[0].ID != ids[2] || page[1].ID != ids[1] {
		t.Fatalf("first page (limit 2, one extra): %v", names(page))
	}
	page, err = sc.LeadSources(ctx, page[1].ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 1 || page[0].ID != ids[0] || page[0].FileName != "a.csv" {
		t.Fatalf("second page: %v", names(page))
	}
}

func names(list []store.LeadSource) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.Name)
	}
	return out
}
