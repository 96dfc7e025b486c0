package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// TestEventsCommitWithTheirChange: an event written in a transaction that
// rolls back does not exist; the feed reads committed ones in id order,
// per workspace; the retention removes fanned-out old ones only.
func TestEventsCommitWithTheirChange(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	u := store.User{Email: "o@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	var wsA, wsB store.Workspace
	wsA.Name, wsB.Name = "A", "B"
	if err := st.CreateWorkspace(ctx, &wsA, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateWorkspace(ctx, &wsB, u.ID); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("the change failed")
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertEvents(ctx, []store.Event{{WorkspaceID: wsA.ID, Type: "email.sent", Data: "{}"}}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	old := time.Now().Add(-40 * 24 * time.Hour)
	err = st.InTx(ctx, func(tx *store.Tx) error {
		return tx.InsertEvents(ctx, []store.Event{
			{WorkspaceID: wsA.ID, Type: "email.sent", Data: `{"n":1}`, CreatedAt: old},
			{WorkspaceID: wsA.ID, Type: "reply.received", Data: `{"n":2}`},
			{WorkspaceID: wsB.ID, Type: "email.sent", Data: `{"n":3}`},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.InWorkspace(wsA.ID).EventsAfter(ctx, "", nil, 10)
	if err != nil || len(a) != 2 || a[0].ID >= a[1].ID || a[0].Data != `{"n":1}` {
		t.Fatalf("workspace A's feed: %+v, %v", a, err)
	}
	if only, _ := st.InWorkspace(wsA.ID).EventsAfter(ctx, "", []string{"reply.received"}, 10); len(only) != 1 {
		t.Fatalf("types filter: %+v", only)
	}
	if rest, _ := st.InWorkspace(wsA.ID).EventsAfter(ctx, a[0].ID, nil, 10); len(rest) != 1 || rest[0].ID != a[1].ID {
		t.Fatalf("after: %+v", rest)
	}
	// Not fanned out yet: kept whatever its age.
	before := time.Now().Add(-30 * 24 * time.Hour)
	if n, err := st.DeleteEventsBefore(ctx, before, 100); err != nil || n != 0 {
		t.Fatalf("delete before fan-out: %d, %v", n, err)
	}
	var ids []string
	err = st.InTx(ctx, func(tx *store.Tx) error {
		pending, err := tx.LockPendingEvents(ctx, 100)
		for _, e := range pending {
			ids = append(ids, e.ID)
		}
		if err != nil {
			return err
		}
		return tx.MarkEventsFannedOut(ctx, ids)
	})
	if err != nil || len(ids) != 3 {
		t.Fatalf("fan-out: %v, %v", ids, err)
	}
	if n, err := st.DeleteEventsBefore(ctx, before, 100); err != nil || n != 1 {
		t.Fatalf("retention: %d, %v", n, err)
	}
	if left, _ := st.InWorkspace(wsA.ID).EventsAfter(ctx, "", nil, 10); len(left) != 1 {
		t.Fatalf("after the retention: %+v", left)
	}
}
