package store

import (
	"context"
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
// share one version sequence.
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
	for i, m := range list {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration versions must be 1..N without gaps; found %d at position %d", m.version, i+1)
		}
	}
	return list, nil
}

// Migrate applies every pending migration, each in its own transaction.
// Several replicas may call it at once: on Postgres an advisory lock
// serialises them, on SQLite the single writer does.
func (s *Store) Migrate(ctx context.Context) (applied int, err error) {
	list, err := s.d.migrations()
	if err != nil {
		return 0, err
	}
	if _, err := s.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range list {
		err := s.InTx(ctx, func(tx *Tx) error {
			if s.d == Postgres {
				if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(7348201)`); err != nil {
					return err
				}
			}
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
				m.version, m.name, now().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// SchemaVersion returns the highest applied migration and the highest this
// binary knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	list, err := s.d.migrations()
	if err != nil {
		return 0, 0, err
	}
	latest = len(list)
	err = s.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current)
	if err != nil {
		// No schema_migrations table: nothing was ever applied.
		return 0, latest, nil
	}
	return current, latest, nil
}

// CheckSchema refuses to run against a database whose schema is older or
// newer than this binary expects.
func (s *Store) CheckSchema(ctx context.Context) error {
	current, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case current < latest:
		return fmt.Errorf("database schema is at version %d, this binary needs %d: run `leadbitz migrate`", current, latest)
	case current > latest:
		return fmt.Errorf("database schema is at version %d, newer than this binary (%d): upgrade leadbitz", current, latest)
	}
	return nil
}
