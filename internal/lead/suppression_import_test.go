package lead_test

import (
	"context"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// TestImportSuppressionsReadsLikeTheLeadImport feeds the bulk add files the
// shared CSV reader handles: a byte order mark and Excel's "sep=" line, a
// first row that is data, blank rows counted in row numbers as a
// spreadsheet shows them, a broken quote costing one row, and a file that
// stops being UTF-8 deep inside (refused with not_utf8 and its row, the
// rows before it added).
func TestImportSuppressionsReadsLikeTheLeadImport(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	owner := store.User{Email: "owner@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &owner); err != nil {
		t.Fatal(err)
	}
	w := store.Workspace{Name: "W"}
	if err := st.CreateWorkspace(ctx, &w, owner.ID); err != nil {
		t.Fatal(err)
	}
	p := account.Principal{User: owner, WorkspaceID: w.ID, Role: store.RoleOwner}
	svc := lead.New(st, env.New(nil, nil))

	in := "\xef\xbb\xbfsep=;\nada@x.example;Ada\n\nnot valid;x\nb.example;\"unclosed\nc.example;z\n"
	res, err := svc.ImportSuppressions(ctx, p, account.Meta{}, strings.NewReader(in), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 2 || res.Invalid != 2 || len(res.Errors) != 2 || res.Errors[0].Row != 3 || res.Errors[1].Row != 4 {
		t.Fatalf("result %+v", res)
	}

	var deep strings.Builder
	deep.WriteString("email\n")
	for deep.Len() < 100<<10 {
		deep.WriteString("someone.with.a.long.address@deep.example\n")
	}
	deep.WriteString("m\xfcller@deep.example\n")
	_, err = svc.ImportSuppressions(ctx, p, account.Meta{}, strings.NewReader(deep.String()), "", "")
	pr, ok := problem.As(err)
	if !ok || pr.Code != "not_utf8" || pr.Details["row"] == 0 {
		t.Fatalf("latin-1 deep in the file: %v", err)
	}
	if got, err := svc.Suppressions(ctx, p, lead.SuppressionQuery{Search: "deep.example"}, "", 10); err != nil || len(got) != 1 {
		t.Fatalf("the rows before the bad one are added: %v %v", got, err)
	}
}
