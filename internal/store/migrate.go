package store

import (
	"context"
	"database/sql/driver"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrations are embedded, numbered files: migrations/NNNN_name.sql runs on
// both databases; an optional NNNN_name.postgres.sql or NNNN_name.sqlite.sql
// beside it adds what only one dialect needs. Both dialects therefore always
// share one version sequence. Versions apply in order and are recorded one by
// one, so a gap (numbers reserved by work still in progress) is harmless.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

var timestampType = regexp.MustCompile(`\bTIMESTAMP\b`)

// portable rewrites the shared schema's types for the dialect: TIMESTAMP is
// stored as fixed-width UTC text on SQLite (which the driver parses back into
// time.Time) and as TIMESTAMPTZ on Postgres.
func (d Dialect) portable(sql string) string {
	if d == Postgres {
		return timestampType.ReplaceAllString(sql, "TIMESTAMPTZ")
	}
	return sql
}

func (d Dialect) migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*migration{}
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), ".sql")
		only := ""
		if i := strings.LastIndexByte(base, '.'); i >= 0 {
			base, only = base[:i], base[i+1:]
		}
		if only != "" && only != d.String() {
			continue
		}
		num, name, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %q is not named NNNN_name.sql", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		m := byVersion[version]
		if m == nil {
			m = &migration{version: version, name: name}
			byVersion[version] = m
		}
		if only == "" {
			m.sql = d.portable(string(body)) + "\n" + m.sql
		} else {
			m.sql += "\n" + string(body)
		}
	}
	var list []migration
	for _, m := range byVersion {
		list = append(list, *m)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	return list, nil
}

// migrationLockKey names the Postgres advisory lock that serialises schema
// changes (ours and River's) between processes.
const migrationLockKey = 7348201

// WithMigrationLock runs fn while holding the schema lock, so that replicas
// starting at once migrate one after the other: the first applies, the
// others wait, then find nothing to do. On Postgres it is a session advisory
// lock held on a connection of its own for the whole of fn (fn's statements
// run on other connections of the pool). SQLite needs none: one file has a
// single writer, every migration is a `BEGIN IMMEDIATE` transaction, and a
// second process waits on the busy timeout, then sees the version recorded.
func (s *Store) WithMigrationLock(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.d != Postgres {
		return fn(ctx)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
		return fmt.Errorf("take the migration lock: %w", err)
	}
	defer func() {
		// A fresh context: the lock must go even when ctx ended. Closing the
		// connection would release it too, but the pool may keep it.
		unlockCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(unlockCtx, `SELECT pg_advisory_unlock($1)`, migrationLockKey); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // drop the session, and the lock with it
		}
	}()
	return fn(ctx)
}

// Migrate applies every pending migration, each in its own transaction,
// under the migration lock. It refuses a database that has a migration this
// binary does not know (a newer leadbitz migrated it) before changing
// anything.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	list, err := s.d.migrations()
	if err != nil {
		return 0, err
	}
	err = s.WithMigrationLock(ctx, func(ctx context.Context) error {
		if _, err := s.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		states, err := s.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		if err := refuseNewer(states); err != nil {
			return err
		}
		for _, m := range list {
			err := s.InTx(ctx, func(tx *Tx) error {
				var n int
				if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
					return err
				}
				if n > 0 {
					return nil
				}
				if _, err := tx.exec(ctx, m.sql); err != nil {
					return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
				}
				applied++
				_, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
					m.version, m.name, s.now().Format(time.RFC3339))
				return err
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return applied, err
}

// MigrationState is one migration as `leadbitz migrate --status` lists it:
// known to this binary, applied to the database, or both.
type MigrationState struct {
	Version   int
	Name      string
	Known     bool   // this binary has it
	Applied   bool   // the database has it
	AppliedAt string // RFC 3339, when applied
}

// MigrationStatus lists every migration this binary knows for the
// database's dialect and every one the database has applied, by version. It
// changes nothing: a database never migrated lists everything pending.
func (s *Store) MigrationStatus(ctx context.Context) ([]MigrationState, error) {
	list, err := s.d.migrations()
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*MigrationState{}
	for _, m := range list {
		byVersion[m.version] = &MigrationState{Version: m.version, Name: m.name, Known: true}
	}
	exists, err := s.hasMigrationsTable(ctx)
	if err != nil {
		return nil, err
	}
	if exists {
		rows, err := s.query(ctx, `SELECT version, name, applied_at FROM schema_migrations`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			var name, at string
			if err := rows.Scan(&v, &name, &at); err != nil {
				return nil, err
			}
			st := byVersion[v]
			if st == nil {
				st = &MigrationState{Version: v, Name: name}
				byVersion[v] = st
			}
			st.Applied, st.AppliedAt = true, at
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	states := make([]MigrationState, 0, len(byVersion))
	for _, st := range byVersion {
		states = append(states, *st)
	}
	sort.Slice(states, func(i, j int) bool { return states[i].Version < states[j].Version })
	return states, nil
}

func (s *Store) hasMigrationsTable(ctx context.Context) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if s.d == Postgres {
		q = `SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations'`
	}
	var n int
	err := s.queryRow(ctx, q).Scan(&n)
	return n > 0, err
}

// refuseNewer is the error for a database a newer leadbitz has migrated:
// this binary would not know its tables, so it must not run on it.
func refuseNewer(states []MigrationState) error {
	var unknown []string
	known := 0
	for _, st := range states {
		switch {
		case st.Applied && !st.Known:
			unknown = append(unknown, fmt.Sprintf("%04d_%s", st.Version, st.Name))
		case st.Known:
			known = max(known, st.Version)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	return fmt.Errorf("the database schema is newer than this binary: it has migration %s, and this leadbitz knows up to %04d. "+
		"A newer leadbitz has run on this database; run that version (or newer), or restore the backup taken before the upgrade (docs/upgrading.md)",
		strings.Join(unknown, ", "), known)
}

// SchemaVersion returns the highest applied migration and the highest this
// binary knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	list, err := s.d.migrations()
	if err != nil {
		return 0, 0, err
	}
	if len(list) > 0 {
		latest = list[len(list)-1].version
	}
	err = s.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current)
	if err != nil {
		// No schema_migrations table: nothing was ever applied.
		return 0, latest, nil
	}
	return current, latest, nil
}

// CheckSchema refuses to run against a database that lacks a migration this
// binary has, or has one this binary does not know (a newer binary ran).
func (s *Store) CheckSchema(ctx context.Context) error {
	states, err := s.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	if err := refuseNewer(states); err != nil {
		return err
	}
	applied := 0
	for _, st := range states {
		if st.Applied {
			applied++
		}
	}
	if applied == 0 {
		return fmt.Errorf("database has no schema: run `leadbitz migrate`")
	}
	for _, st := range states {
		if st.Known && !st.Applied {
			return fmt.Errorf("database lacks migration %04d_%s: run `leadbitz migrate`", st.Version, st.Name)
		}
	}
	return nil
}

// LatestSchemaVersion is the highest migration version this binary knows,
// whichever the dialect: the schema a database must have for it to serve.
func LatestSchemaVersion() (int, error) {
	latest := 0
	for _, d := range []Dialect{SQLite, Postgres} {
		list, err := d.migrations()
		if err != nil {
			return 0, err
		}
		if n := len(list); n > 0 && list[n-1].version > latest {
			latest = list[n-1].version
		}
	}
	return latest, nil
}
