package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// TestPendingMembersBecomeInvitations replays migration 0012's move of the
// members added by address (pending_members, migration 0010) into
// invitations: same workspace, address and role, the adder when the account
// still exists, 7 days from when they were added, and no link anyone holds.
func TestPendingMembersBecomeInvitations(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	owner := store.User{Email: "owner@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &owner); err != nil {
		t.Fatal(err)
	}
	ws := store.Workspace{Name: "W"}
	if err := st.CreateWorkspace(ctx, &ws, owner.ID); err != nil {
		t.Fatal(err)
	}
	added := time.Date(2026, 11, 30, 23, 15, 7, 123456000, time.UTC)
	if _, err := st.DB().Exec(`CREATE TABLE pending_members (workspace_id TEXT NOT NULL, email TEXT NOT NULL, role TEXT NOT NULL,
		added_by TEXT, created_at TIMESTAMP NOT NULL, PRIMARY KEY (workspace_id, email))`); err != nil {
		t.Fatal(err)
	}
	at := any(added)
	if st.Dialect() == store.SQLite {
		at = added.Format("2006-01-02 15:04:05.000000+00:00")
	}
	for _, row := range [][]any{{ws.ID, "ann@example.com", "admin", owner.ID, at}, {ws.ID, "bob@example.com", "member", "a-deleted-user", at}} {
		if _, err := st.DB().Exec(rebind(st, `INSERT INTO pending_members VALUES (?, ?, ?, ?, ?)`), row...); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.ExecMigrationFile(ctx, "0012_account_lifecycle."+st.Dialect().String()+".sql"); err != nil {
		t.Fatal(err)
	}
	list, err := st.InWorkspace(ws.ID).WaitingInvitations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("invitations: %+v", list)
	}
	if list[0].Email > list[1].Email {
		list[0], list[1] = list[1], list[0] // same time, random ids
	}
	for i, want := range []struct{ email, role, by string }{{"ann@example.com", "admin", owner.ID}, {"bob@example.com", "member", ""}} {
		got := list[i]
		if got.Email != want.email || got.Role != want.role || got.InvitedBy != want.by || !got.CreatedAt.Equal(added) ||
			!got.ExpiresAt.Equal(added.Add(7*24*time.Hour)) || len(got.TokenHash) == 64 || got.ID == "" {
			t.Errorf("invitation %d: %+v", i, got)
		}
	}
	if _, err := st.DB().Exec(`SELECT 1 FROM pending_members`); err == nil {
		t.Error("pending_members is still there")
	}
}
