package store_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}

func TestMigrateIsIdempotentAndSchemaChecked(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	n, err := st.Migrate(ctx)
	if err != nil || n != 0 {
		t.Fatalf("second migrate applied %d, err %v; want 0, nil", n, err)
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Fatalf("CheckSchema on a migrated db: %v", err)
	}
}

func TestUniqueViolationIsErrDuplicate(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	u := store.User{Email: "a@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	dup := store.User{Email: "a@example.com", PasswordHash: "y"}
	if err := st.CreateUser(ctx, &dup); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("second user with same email: %v, want ErrDuplicate", err)
	}
	if _, err := st.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing user: %v, want ErrNotFound", err)
	}
}

// Times must round-trip at microsecond precision and compare in SQL as
// instants, on both dialects (SQLite stores them as text).
func TestTimesRoundTripAndCompare(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	u := store.User{Email: "t@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 3, 29, 0, 59, 59, 999_999_000, time.UTC)
	for i, exp := range []time.Time{base, base.Add(time.Microsecond), base.Add(time.Second)} {
		s := store.Session{TokenHash: string(rune('a' + i)), UserID: u.ID, CreatedAt: exp, LastSeenAt: exp, ExpiresAt: exp}
		if err := st.CreateSession(ctx, &s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.SessionByTokenHash(ctx, "b", base)
	if err != nil {
		t.Fatalf("session expiring 1µs after now must be live: %v", err)
	}
	if !got.ExpiresAt.Equal(base.Add(time.Microsecond)) {
		t.Fatalf("expires_at = %v, want %v", got.ExpiresAt, base.Add(time.Microsecond))
	}
	if _, err := st.SessionByTokenHash(ctx, "a", base); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session expiring exactly now must be gone: %v", err)
	}
	n, err := st.DeleteExpiredSessions(ctx, base.Add(time.Microsecond))
	if err != nil || n != 2 {
		t.Fatalf("deleted %d (err %v), want 2", n, err)
	}
}

func TestInTxRollsBackOnError(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := st.InTx(ctx, func(tx *store.Tx) error {
		u := store.User{Email: "r@example.com", PasswordHash: "x"}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx returned %v", err)
	}
	if _, err := st.UserByEmail(ctx, "r@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("user survived a rolled-back transaction: %v", err)
	}
}
