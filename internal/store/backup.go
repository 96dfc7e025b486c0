package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Backups (`leadbitz backup` / `restore`, internal/backup) need the SQL below:
// a consistent copy of the whole database while the server runs, and putting
// one back. SQLite copies itself (VACUUM INTO); Postgres is dumped table by
// table with COPY, in one snapshot, in the order its foreign keys need.
//
// River's tables (river_*) are left out: their rows are the periodic tasks'
// jobs, which the leader enqueues again at start. A job copied while it ran
// would come back "running" and, being unique per task among running jobs,
// block that task (the send tick) until River's rescuer gave up on it.

// DumpTable is one table of a dump: the columns copied and how many rows.
type DumpTable struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns,omitempty"`
	Rows    int64    `json:"rows"`
}

// isRiverTable reports whether River owns the table (see above).
func isRiverTable(name string) bool { return strings.HasPrefix(name, "river_") }

// HasAccounts reports whether anyone signed up: a database with a user or a
// workspace is one a restore must not replace without being told to. A
// database without our tables has none.
func (q Queries) HasAccounts(ctx context.Context) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM workspaces)`).Scan(&n)
	if err != nil {
		if q.tableMissing(ctx, "users") {
			return false, nil
		}
		return false, err
	}
	return n > 0, nil
}

// tableMissing reports whether the table does not exist.
func (q Queries) tableMissing(ctx context.Context, table string) bool {
	var n int
	var err error
	if q.d == Postgres {
		err = q.queryRow(ctx, `SELECT COUNT(*) FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_name = ?`, table).Scan(&n)
	} else {
		err = q.queryRow(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&n)
	}
	return err == nil && n == 0
}

// SQLitePath is the database file of a SQLite DATABASE_URL; ok is false for
// Postgres and in-memory databases.
func SQLitePath(url string) (path string, ok bool) {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") || url == "" {
		return "", false
	}
	path = strings.TrimPrefix(url, "sqlite://")
	path = strings.TrimPrefix(path, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" || strings.HasPrefix(path, ":") {
		return "", false
	}
	return path, true
}

// SQLiteSnapshot writes a consistent copy of a SQLite database to path
// (VACUUM INTO: an online copy, readers and the writer carry on), without
// River's job rows, and returns its schema version and its tables.
func (s *Store) SQLiteSnapshot(ctx context.Context, path string) (version int, tables []DumpTable, err error) {
	if s.d != SQLite {
		return 0, nil, errors.New("store: SQLiteSnapshot needs a SQLite database")
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return 0, nil, fmt.Errorf("copy database: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return 0, nil, err
	}
	copyDB, err := sql.Open(SQLite.driverName(), sqliteDSN(path))
	if err != nil {
		return 0, nil, err
	}
	defer copyDB.Close()
	for _, t := range []string{"river_job", "river_leader"} {
		if _, err := copyDB.ExecContext(ctx, `DELETE FROM `+t); err != nil && !strings.Contains(err.Error(), "no such table") {
			return 0, nil, fmt.Errorf("clear %s in the copy: %w", t, err)
		}
	}
	return describeSQLite(ctx, copyDB)
}

// CheckSQLiteFile opens a SQLite file from a backup and returns its schema
// version and tables, after SQLite's own consistency check.
func CheckSQLiteFile(ctx context.Context, path string) (version int, tables []DumpTable, err error) {
	db, err := sql.Open(SQLite.driverName(), sqliteDSN(path))
	if err != nil {
		return 0, nil, err
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&check); err != nil {
		return 0, nil, fmt.Errorf("the database in the backup cannot be read: %w", err)
	}
	if check != "ok" {
		return 0, nil, fmt.Errorf("the database in the backup is damaged: %s", check)
	}
	return describeSQLite(ctx, db)
}

func describeSQLite(ctx context.Context, db *sql.DB) (int, []DumpTable, error) {
	var version int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return 0, nil, fmt.Errorf("not a Leadbitz database (no schema_migrations): %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return 0, nil, err
	}
	names, err := collectRows(rows, func(r rowScanner) (string, error) {
		var n string
		err := r.Scan(&n)
		return n, err
	})
	if err != nil {
		return 0, nil, err
	}
	var tables []DumpTable
	for _, n := range names {
		if isRiverTable(n) {
			continue
		}
		t := DumpTable{Name: n}
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+n+`"`).Scan(&t.Rows); err != nil {
			return 0, nil, err
		}
		tables = append(tables, t)
	}
	return version, tables, nil
}

// pgConn runs fn on one pgx connection of the pool, for COPY.
func (s *Store) pgConn(ctx context.Context, fn func(c *pgx.Conn) error) error {
	if s.d != Postgres {
		return errors.New("store: a Postgres database is needed")
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: unexpected Postgres driver connection %T", dc)
		}
		return fn(c.Conn())
	})
}

// PostgresDump copies every table but River's, in one read-only snapshot,
// parents before children, each as COPY text into the writer open gives it
// (the caller spools it: a table streams, it is never held in memory).
func (s *Store) PostgresDump(ctx context.Context, open func(table string) (io.WriteCloser, error)) (version int, tables []DumpTable, err error) {
	err = s.pgConn(ctx, func(c *pgx.Conn) error {
		tx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx) //nolint:errcheck // read-only
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
			return fmt.Errorf("not a Leadbitz database (no schema_migrations): %w", err)
		}
		if tables, err = pgTables(ctx, tx); err != nil {
			return err
		}
		for i := range tables {
			t := &tables[i]
			w, err := open(t.Name)
			if err != nil {
				return err
			}
			tag, err := c.PgConn().CopyTo(ctx, w, `COPY `+pgx.Identifier{t.Name}.Sanitize()+` (`+quoteColumns(t.Columns)+`) TO STDOUT`)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("dump %s: %w", t.Name, err)
			}
			t.Rows = tag.RowsAffected()
		}
		return tx.Commit(ctx)
	})
	return version, tables, err
}

func quoteColumns(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = pgx.Identifier{c}.Sanitize()
	}
	return strings.Join(q, ", ")
}

// pgTables lists our tables (not River's, not schema_migrations, which a
// restore rebuilds by migrating) with their stored columns, in foreign-key
// order.
func pgTables(ctx context.Context, tx pgx.Tx) ([]DumpTable, error) {
	rows, err := tx.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_generated = 'NEVER'
		AND table_name IN (SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE')
		ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	columns := map[string][]string{}
	var names []string
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			return nil, err
		}
		if isRiverTable(table) || table == "schema_migrations" {
			continue
		}
		if columns[table] == nil {
			names = append(names, table)
		}
		columns[table] = append(columns[table], col)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.Query(ctx, `SELECT c.relname, r.relname FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE k.contype = 'f' AND n.nspname = current_schema()`)
	if err != nil {
		return nil, err
	}
	parents := map[string][]string{}
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			return nil, err
		}
		parents[child] = append(parents[child], parent)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	order, err := parentsFirst(names, parents)
	if err != nil {
		return nil, err
	}
	tables := make([]DumpTable, len(order))
	for i, n := range order {
		tables[i] = DumpTable{Name: n, Columns: columns[n]}
	}
	return tables, nil
}

// parentsFirst orders tables so that every table comes after the tables its
// foreign keys reference (a reference to itself needs nothing: COPY checks
// foreign keys once the whole table is in). Ties go alphabetically, so a
// dump's order is stable.
func parentsFirst(names []string, parents map[string][]string) ([]string, error) {
	sort.Strings(names)
	done := map[string]bool{}
	var order []string
	for len(order) < len(names) {
		progress := false
		for _, n := range names {
			if done[n] {
				continue
			}
			ready := true
			for _, p := range parents[n] {
				if p != n && !done[p] && contains(names, p) {
					ready = false
					break
				}
			}
			if ready {
				done[n] = true
				order = append(order, n)
				progress = true
			}
		}
		if !progress {
			return nil, errors.New("store: the foreign keys between tables form a cycle; cannot order a dump")
		}
	}
	return order, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// PostgresRestore replaces this database's tables (River's excepted) with a
// dump, in one transaction: it drops them, migrates to the dump's schema
// version, then copies each table in from next, which yields them in the
// dump's order. The caller migrates the rest of the way afterwards.
func (s *Store) PostgresRestore(ctx context.Context, version int, tables []DumpTable, next func() (table string, r io.Reader, err error)) error {
	list, err := s.d.migrations()
	if err != nil {
		return err
	}
	if latest := list[len(list)-1].version; version > latest {
		return fmt.Errorf("the backup's schema (%d) is newer than this binary's (%d): restore with a newer leadbitz", version, latest)
	}
	return s.pgConn(ctx, func(c *pgx.Conn) error {
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx) //nolint:errcheck // after Commit it does nothing
		if err := dropOurTables(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
			return err
		}
		for _, m := range list {
			if m.version > version {
				break
			}
			if _, err := tx.Exec(ctx, s.d.rebind(m.sql)); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.version, m.name, s.now().Format("2006-01-02T15:04:05Z07:00")); err != nil {
				return err
			}
		}
		for _, t := range tables {
			name, r, err := next()
			if err != nil {
				return err
			}
			if name != t.Name {
				return fmt.Errorf("backup holds table %q where its manifest says %q", name, t.Name)
			}
			tag, err := tx.Conn().PgConn().CopyFrom(ctx, r, `COPY `+pgx.Identifier{t.Name}.Sanitize()+` (`+quoteColumns(t.Columns)+`) FROM STDIN`)
			if err != nil {
				return fmt.Errorf("restore %s: %w", t.Name, err)
			}
			if tag.RowsAffected() != t.Rows {
				return fmt.Errorf("restore %s: %d rows, the manifest says %d", t.Name, tag.RowsAffected(), t.Rows)
			}
		}
		return tx.Commit(ctx)
	})
}

// dropOurTables drops every table in the schema but River's.
func dropOurTables(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		return err
	}
	var drop []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		if !isRiverTable(n) {
			drop = append(drop, pgx.Identifier{n}.Sanitize())
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(drop) == 0 {
		return nil
	}
	_, err = tx.Exec(ctx, `DROP TABLE `+strings.Join(drop, ", ")+` CASCADE`)
	return err
}
