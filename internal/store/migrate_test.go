package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// Replicas starting together on an empty database: each runs Migrate at
// once (on Postgres over its own pool, as separate processes would); the
// schema is applied once, and every one of them starts.
func TestConcurrentMigrateAppliesOnce(t *testing.T) {
	url := storetest.EmptyURL(t)
	ctx := context.Background()
	const replicas = 4
	stores := make([]*store.Store, replicas)
	for i := range stores {
		st, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores[i] = st
	}
	applied := make([]int, replicas)
	errs := make([]error, replicas)
	var start, done sync.WaitGroup
	start.Add(1)
	for i, st := range stores {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			applied[i], errs[i] = st.Migrate(ctx)
		}()
	}
	start.Done()
	done.Wait()
	total := 0
	for i := range stores {
		if errs[i] != nil {
			t.Errorf("replica %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	states, err := stores[0].MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(states) {
		t.Errorf("the replicas applied %d migrations between them (%v), want each of the %d once", total, applied, len(states))
	}
	for _, st := range stores {
		if err := st.CheckSchema(ctx); err != nil {
			t.Errorf("CheckSchema after concurrent migrations: %v", err)
		}
	}
}

// While one process holds the migration lock, another's Migrate waits for
// it (Postgres; SQLite's single writer needs no lock).
func TestMigrationLockIsExclusive(t *testing.T) {
	if storetest.Dialect() != "postgres" {
		t.Skip("SQLite has a single writer; WithMigrationLock takes no lock there")
	}
	url := storetest.EmptyURL(t)
	ctx := context.Background()
	a, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	holding, release := make(chan struct{}), make(chan struct{})
	lockDone := make(chan error, 1)
	go func() {
		lockDone <- a.WithMigrationLock(ctx, func(context.Context) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	migrated := make(chan error, 1)
	go func() { _, err := b.Migrate(ctx); migrated <- err }()
	// b must be waiting on the lock, not migrating: its schema_migrations
	// table cannot exist while a holds the lock.
	if err := waitForLockWaiter(ctx, a); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-migrated:
		t.Fatalf("Migrate returned (%v) while another process held the lock", err)
	default:
	}
	if states, err := a.MigrationStatus(ctx); err != nil || anyApplied(states) {
		t.Fatalf("migrations applied while the lock was held: %v %v", states, err)
	}
	close(release)
	if err := <-lockDone; err != nil {
		t.Fatal(err)
	}
	if err := <-migrated; err != nil {
		t.Fatal(err)
	}
	if err := b.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
}

// waitForLockWaiter polls pg_locks until a session waits on an advisory
// lock (the deadline is ctx's, or the test's timeout).
func waitForLockWaiter(ctx context.Context, st *store.Store) error {
	for {
		var n int
		err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_locks
			WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n)
		if err != nil || n > 0 {
			return err
		}
	}
}

func anyApplied(states []store.MigrationState) bool {
	for _, s := range states {
		if s.Applied {
			return true
		}
	}
	return false
}

// A database a newer leadbitz migrated: Migrate and CheckSchema refuse it,
// naming the unknown migration, before changing anything.
func TestNewerSchemaIsRefused(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	if _, err := st.DB().ExecContext(ctx, rebind(st, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		9999, "from_the_future", "2030-01-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"Migrate":     func() error { _, err := st.Migrate(ctx); return err },
		"CheckSchema": func() error { return st.CheckSchema(ctx) },
	} {
		err := call()
		if err == nil || !strings.Contains(err.Error(), "9999_from_the_future") || !strings.Contains(err.Error(), "newer than this binary") {
			t.Errorf("%s on a newer schema: %v", name, err)
		}
	}
	states, err := st.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last := states[len(states)-1]
	if last.Version != 9999 || last.Known || !last.Applied {
		t.Errorf("status of the unknown migration: %+v", last)
	}
}

// Status on a database never migrated: everything pending, nothing
// created.
func TestMigrationStatusOfAnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.EmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	states, err := st.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := store.LatestSchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	if len(states) == 0 || anyApplied(states) || states[len(states)-1].Version != latest {
		t.Fatalf("status of an empty database: %+v (latest %d)", states, latest)
	}
	if _, _, err := st.SchemaVersion(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.CheckSchema(ctx); err == nil || !strings.Contains(err.Error(), "leadbitz migrate") {
		t.Fatalf("CheckSchema on an empty database: %v", err)
	}
	again, err := st.MigrationStatus(ctx)
	if err != nil || len(again) != len(states) || anyApplied(again) {
		t.Fatalf("status changed the database: %+v %v", again, err)
	}
}

func rebind(st *store.Store, q string) string {
	if st.Dialect() != store.Postgres {
		return q
	}
	for i := 1; strings.Contains(q, "?"); i++ {
		q = strings.Replace(q, "?", "$"+string(rune('0'+i)), 1)
	}
	return q
}
