// Package storetest gives tests a fresh, migrated database of the dialect the
// test run asks for, so one integration suite runs on SQLite and on Postgres:
//
//	LEADBITZ_TEST_DB=sqlite   (default) a new SQLite file per test
//	LEADBITZ_TEST_DB=postgres a new Postgres database per test, cloned from a
//	                          migrated template (LEADBITZ_TEST_POSTGRES_URL,
//	                          default postgres://postgres@127.0.0.1:5432/test)
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/leadbitz/leadbitz/internal/store"
)

// Dialect is the database the current test run uses.
func Dialect() string {
	if os.Getenv("LEADBITZ_TEST_DB") == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

// PostgresURL is the server tests create their databases on.
func PostgresURL() string {
	if u := os.Getenv("LEADBITZ_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// RedisURL is the Redis server tests use.
func RedisURL() string {
	if u := os.Getenv("LEADBITZ_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// New returns a migrated, empty store that is closed (and, on Postgres,
// dropped) when the test ends.
func New(t testing.TB) *store.Store {
	t.Helper()
	u := URL(t)
	st, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Workspace creates a user and a workspace it owns in st, for tests that
// need a workspace to write in.
func Workspace(t testing.TB, st *store.Store) (store.User, store.Workspace) {
	t.Helper()
	ctx := context.Background()
	u := store.User{Email: "owner-" + store.NewID() + "@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	w := store.Workspace{Name: "W", FooterAddress: "1 Main St, Springfield"}
	if err := st.CreateWorkspace(ctx, &w, u.ID); err != nil {
		t.Fatal(err)
	}
	return u, w
}

// URL creates a fresh database and returns its URL, without opening it, for
// tests that start the whole server from a DATABASE_URL.
func URL(t testing.TB) string {
	t.Helper()
	if Dialect() == "sqlite" {
		return "sqlite://" + filepath.Join(t.TempDir(), "leadbitz.db")
	}
	name := "lbz_test_" + randomSuffix()
	if err := adminExec(fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, template(t))); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		_ = adminExec(fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	return withDatabase(PostgresURL(), name)
}

// EmptyURL creates a database with no schema at all and returns its URL, for
// tests of migrating itself.
func EmptyURL(t testing.TB) string {
	t.Helper()
	if Dialect() == "sqlite" {
		return "sqlite://" + filepath.Join(t.TempDir(), "leadbitz.db")
	}
	name := "lbz_test_" + randomSuffix()
	if err := adminExec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		_ = adminExec(fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	return withDatabase(PostgresURL(), name)
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// template migrates one database per test process; each test clones it,
// which is much faster than migrating every time.
func template(t testing.TB) string {
	templateOnce.Do(func() {
		templateName = "lbz_tmpl_" + randomSuffix()
		if templateErr = adminExec(`CREATE DATABASE ` + templateName); templateErr != nil {
			return
		}
		st, err := store.Open(context.Background(), withDatabase(PostgresURL(), templateName))
		if err != nil {
			templateErr = err
			return
		}
		defer st.Close()
		_, templateErr = st.Migrate(context.Background())
	})
	if templateErr != nil {
		t.Fatalf("prepare template database: %v", templateErr)
	}
	return templateName
}

// DropTemplate removes this process's template database; call it from
// TestMain after m.Run.
func DropTemplate() {
	if templateName != "" {
		_ = adminExec(`DROP DATABASE IF EXISTS ` + templateName + ` WITH (FORCE)`)
	}
}

func adminExec(stmt string) error {
	db, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(stmt)
	return err
}

func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
