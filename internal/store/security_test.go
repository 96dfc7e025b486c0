package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestLoginFailuresCountAndRestartAfterAQuietSpell(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	base := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for i := 0; i < 3; i++ {
		at := base.Add(time.Duration(i) * time.Minute)
		if err := st.RecordLoginFailure(ctx, "pair", at, at.Add(-day)); err != nil {
			t.Fatal(err)
		}
	}
	if n, last, err := st.LoginFailures(ctx, "pair"); err != nil || n != 3 || !last.Equal(base.Add(2*time.Minute)) {
		t.Fatalf("after three: %d %v %v", n, last, err)
	}
	later := base.Add(2 * day)
	if err := st.RecordLoginFailure(ctx, "pair", later, later.Add(-day)); err != nil {
		t.Fatal(err)
	}
	if n, _, err := st.LoginFailures(ctx, "pair"); err != nil || n != 1 {
		t.Fatalf("after a quiet spell the count restarts: %d %v", n, err)
	}
	if n, _, err := st.LoginFailures(ctx, "other"); err != nil || n != 0 {
		t.Fatalf("an unknown pair: %d %v", n, err)
	}
	if n, err := st.DeleteLoginFailuresBefore(ctx, later.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("purged %d %v", n, err)
	}
}

func TestSecurityEventsPurge(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	u := store.User{Email: "p@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, e := range []store.SecurityEvent{
		{UserID: u.ID, Kind: store.SecurityLogin, CreatedAt: now.Add(-200 * 24 * time.Hour)}, // old: purged
		{UserID: u.ID, Kind: store.SecurityLogin, CreatedAt: now.Add(-2 * 24 * time.Hour)},   // kept
		{Kind: store.SecurityLoginFailed, CreatedAt: now.Add(-2 * 24 * time.Hour)},           // nobody's, old: purged
		{Kind: store.SecurityLoginFailed, CreatedAt: now.Add(-time.Hour)},                    // nobody's, recent: kept
	} {
		if err := st.InsertSecurityEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	n, err := st.DeleteSecurityEventsBefore(ctx, now.Add(-180*24*time.Hour), now.Add(-24*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("purged %d %v, want 2", n, err)
	}
	list, err := st.SecurityEvents(ctx, u.ID, "", 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("left in the user's log: %v %v", list, err)
	}
}
