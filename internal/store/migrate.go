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
				m.version, m.name, s.now().Format(time.RFC3339))
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
	list, err := s.d.migrations()
	if err != nil {
		return err
	}
	known := map[int]bool{}
	for _, m := range list {
		known[m.version] = true
	}
	rows, err := s.query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("database has no schema: run `leadbitz migrate`")
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return err
		}
		if !known[v] {
			return fmt.Errorf("database has migration %d, which this binary does not know: upgrade leadbitz", v)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, m := range list {
		if !applied[m.version] {
			return fmt.Errorf("database lacks migration %04d_%s: run `leadbitz migrate`", m.version, m.name)
		}
	}
	return nil
}
