// Package store is the only place that speaks SQL. It runs one set of queries
// on both SQLite (the embedded default) and Postgres; the few places where the
// two dialects differ live in dialect.go.
//
// Workspace-owned tables are reachable only through a Scope, which carries the
// workspace id: there is no method that reads or writes such a row without it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Sentinel errors callers map to HTTP status codes at the edge.
var (
	ErrNotFound  = errors.New("not found")
	ErrDuplicate = errors.New("already exists")
)

// Store is the database handle. It is safe for concurrent use.
type Store struct {
	Queries
	db *sql.DB
}

// Open connects to the database named by url: "postgres://…" (or
// "postgresql://…") for Postgres, "sqlite://path" or a plain file path for
// SQLite. It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*Store, error) {
	d, dsn, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(d.driverName(), dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", d, err)
	}
	d.configurePool(db)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", d, err)
	}
	return &Store{Queries: Queries{run: db, d: d}, db: db}, nil
}

// parseURL picks the dialect and builds the driver's DSN.
func parseURL(url string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return Postgres, url, nil
	case url == "":
		return 0, "", errors.New("empty database url")
	default:
		path := strings.TrimPrefix(url, "sqlite://")
		path = strings.TrimPrefix(path, "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return 0, "", fmt.Errorf("create database directory: %w", err)
			}
		}
		if err := privateSQLiteFiles(path); err != nil {
			return 0, "", err
		}
		return SQLite, sqliteDSN(path), nil
	}
}

// privateSQLiteFiles creates the database file readable by its owner only
// (0600), before SQLite would create it under the umask (often 0644), and
// tightens existing ones. SQLite gives the -wal and -shm files it creates
// the database file's mode, so they follow.
func privateSQLiteFiles(path string) error {
	if path == "" || strings.HasPrefix(path, ":") {
		return nil // in memory
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("make database file private: %w", err)
		}
	}
	return nil
}

// WithClock returns a store on the same connections whose writes read their
// created_at and updated_at from now: the app gives it the clock of its
// environment, and a test one it moves.
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.clock = now
	return &c
}

// DB exposes the underlying handle for River, which runs its own queries on
// the same database and inserts jobs inside our transactions.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect reports which database this store talks to.
func (s *Store) Dialect() Dialect { return s.d }

// Close closes the connection pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Tx is a transaction; it has every query method a Store has, so the audit
// event of a change is written in the same transaction as the change.
type Tx struct {
	Queries
	tx *sql.Tx
}

// InTx runs fn in a transaction, committing when it returns nil.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(&Tx{Queries: Queries{run: tx, d: s.d, clock: s.clock}, tx: tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// runner is what *sql.DB and *sql.Tx have in common.
type runner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Queries holds the methods shared by Store and Tx. Queries are written once
// with "?" placeholders; exec/query/queryRow adapt them to the dialect.
type Queries struct {
	run   runner
	d     Dialect
	clock func() time.Time // nil: the wall clock
}

func (q Queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return q.run.ExecContext(ctx, q.d.rebind(query), q.d.args(args)...)
}

func (q Queries) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.run.QueryContext(ctx, q.d.rebind(query), q.d.args(args)...)
}

func (q Queries) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return q.run.QueryRowContext(ctx, q.d.rebind(query), q.d.args(args)...)
}

// execOne runs a statement that must touch exactly one row; zero rows means
// the target does not exist (or belongs to another workspace).
func (q Queries) execOne(ctx context.Context, query string, args ...any) error {
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return q.d.translate(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Scope is the only way to reach workspace-owned tables: every query it runs
// filters on its workspace id.
type Scope struct {
	Queries
	ws string
}

// InWorkspace returns the queries for one workspace's data.
func (q Queries) InWorkspace(workspaceID string) Scope {
	if workspaceID == "" {
		// A programming error, not user input: an empty id would match nothing
		// and hide the bug.
		panic("store: InWorkspace called without a workspace id")
	}
	return Scope{Queries: q, ws: workspaceID}
}

// WorkspaceID is the workspace this scope reads and writes.
func (s Scope) WorkspaceID() string { return s.ws }

// notFound turns sql.ErrNoRows into ErrNotFound and passes other errors on.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// rowScanner is what the scanXxx functions read from: a *sql.Row or *sql.Rows.
// An alias, so those functions keep their plain signatures.
type rowScanner = interface{ Scan(...any) error }

// collectRows scans every row with scan and closes rows: the one
// rows-into-a-slice loop of the store.
func collectRows[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var list []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// keysetPage completes a list query whose text ends in its WHERE clause into
// one keyset page, the one pagination of the store: rows with an id below
// cursor when given (ids are time-ordered, so newest first), at most n rows.
// List functions pass limit+1 so the caller knows whether there is a next page.
func keysetPage(q string, args []any, cursor string, n int) (string, []any) {
	if cursor != "" {
		q += ` AND id < ?`
		args = append(args, cursor)
	}
	return q + ` ORDER BY id DESC LIMIT ?`, append(args, n)
}
