package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// twoWorkspaces returns a store with two workspaces of one user.
func twoWorkspaces(t *testing.T) (*store.Store, string, store.Scope, store.Scope) {
	t.Helper()
	st := storetest.New(t)
	ctx := context.Background()
	u := store.User{Email: "icp@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	wsA, wsB := store.Workspace{Name: "A"}, store.Workspace{Name: "B"}
	for _, ws := range []*store.Workspace{&wsA, &wsB} {
		if err := st.CreateWorkspace(ctx, ws, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	return st, u.ID, st.InWorkspace(wsA.ID), st.InWorkspace(wsB.ID)
}

func TestICPProfilesArePagedScopedAndEditable(t *testing.T) {
	st, _, a, b := twoWorkspaces(t)
	ctx := context.Background()
	if _, err := a.LatestICPProfile(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("latest of an empty workspace: %v, want ErrNotFound", err)
	}
	var ids []string
	for _, name := range []string{"first", "second", "third"} {
		p := store.ICPProfile{Name: name, ProductDescription: "Payroll for restaurants.", ICP: `{"summary":"x"}`, Generator: "offline"}
		if err := a.CreateICPProfile(ctx, &p); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	page, err := a.ICPProfiles(ctx, "", 2)
	if err != nil || len(page) != 3 || page[0].Name != "third" || page[1].Name != "second" {
		t.Fatalf("first page %+v, %v; want third, second (+1 to know there is more)", page, err)
	}
	page, err = a.ICPProfiles(ctx, page[1].ID, 2)
	if err != nil || len(page) != 1 || page[0].Name != "first" {
		t.Fatalf("second page %+v, %v", page, err)
	}
	if latest, err := a.LatestICPProfile(ctx); err != nil || latest.ID != ids[2] {
		t.Fatalf("latest %+v, %v", latest, err)
	}

	// Another workspace sees nothing and changes nothing.
	if _, err := b.ICPProfile(ctx, ids[0]); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("B reads A's profile: %v", err)
	}
	if list, err := b.ICPProfiles(ctx, "", 10); err != nil || len(list) != 0 {
		t.Fatalf("B lists %+v, %v", list, err)
	}
	stolen := store.ICPProfile{ID: ids[0], Name: "mallory", ICP: "{}"}
	if err := b.UpdateICPProfile(ctx, &stolen); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("B updates A's profile: %v", err)
	}

	p, err := a.ICPProfile(ctx, ids[0])
	if err != nil || p.Name != "first" || p.Generator != "offline" || p.ICP != `{"summary":"x"}` {
		t.Fatalf("read back %+v, %v", p, err)
	}
	created := p.CreatedAt
	p.Name, p.ICP = "renamed", `{"summary":"y"}`
	later := func() time.Time { return created.Add(time.Minute) }
	if err := st.WithClock(later).InWorkspace(a.WorkspaceID()).UpdateICPProfile(ctx, &p); err != nil {
		t.Fatal(err)
	}
	p, err = a.ICPProfile(ctx, ids[0])
	if err != nil || p.Name != "renamed" || p.ICP != `{"summary":"y"}` || p.Generator != "offline" ||
		!p.CreatedAt.Equal(created) || !p.UpdatedAt.Equal(later()) {
		t.Fatalf("after update %+v, %v", p, err)
	}
}

func TestAIUsageTotalsPerTaskSinceAndPerWorkspace(t *testing.T) {
	_, userID, a, b := twoWorkspaces(t)
	ctx := context.Background()
	now := time.Now().UTC()
	for _, u := range []store.AIUsage{
		{UserID: userID, Task: "draft", Generator: "openai", Model: "m", PromptTokens: 100, CompletionTokens: 10, CreatedAt: now},
		{UserID: userID, Task: "draft", Generator: "openai", Model: "m", PromptTokens: 50, CompletionTokens: 5, CreatedAt: now.Add(-time.Hour)},
		{Task: "categorize", Generator: "rules", CreatedAt: now},
		{UserID: userID, Task: "draft", Generator: "offline", CreatedAt: now},
		{UserID: userID, Task: "draft", Generator: "openai", PromptTokens: 1000, CreatedAt: now.Add(-31 * 24 * time.Hour)},
	} {
		if err := a.InsertAIUsage(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.InsertAIUsage(ctx, &store.AIUsage{Task: "draft", Generator: "openai", PromptTokens: 7}); err != nil {
		t.Fatal(err)
	}
	got, err := a.AIUsageTotals(ctx, now.Add(-30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []store.AIUsageTotal{
		{Task: "categorize", Generator: "rules", Requests: 1},
		{Task: "draft", Generator: "offline", Requests: 1},
		{Task: "draft", Generator: "openai", Requests: 2, PromptTokens: 150, CompletionTokens: 15},
	}
	if len(got) != len(want) {
		t.Fatalf("totals %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if empty, err := a.AIUsageTotals(ctx, now.Add(time.Minute)); err != nil || len(empty) != 0 {
		t.Fatalf("nothing after now: %+v, %v", empty, err)
	}
}
