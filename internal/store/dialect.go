package store

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names a supported database. Every difference between SQLite and
// Postgres that the queries need is a method here, so there is one place to
// read them all:
//
//   - placeholders: queries use "?", Postgres gets "$1, $2…" (rebind);
//   - times: Postgres stores timestamptz; SQLite stores text in one fixed-width
//     UTC format so that text comparison orders like time (args);
//   - connections: SQLite has a single writer (one connection, WAL, busy
//     timeout, BEGIN IMMEDIATE), Postgres a pool (configurePool);
//   - row locks: "FOR UPDATE SKIP LOCKED" exists only on Postgres; on SQLite
//     the single writer already serialises claims (skipLocked);
//   - unique-violation errors differ by driver (translate).
type Dialect int

const (
	SQLite Dialect = iota + 1
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

func (d Dialect) driverName() string {
	if d == Postgres {
		return "pgx"
	}
	return "sqlite"
}

// sqliteTimeFormat is fixed width (always six fractional digits) so that
// comparing the text compares the instants. The driver parses it back into
// time.Time for columns declared TIMESTAMP.
const sqliteTimeFormat = "2006-01-02 15:04:05.000000+00:00"

// sqliteDSN opens the database in WAL mode with the one connection's page
// cache at 32 MiB (SQLite's default is 2 MiB, too small to keep the indexes
// of a workspace with a million leads: every import batch and search re-read
// them through pread) and a checkpoint every 16,384 WAL pages instead of
// 1,000, so a page that several consecutive commits change is copied back to
// the database file once. Measured on a 300,000-row import: 10.8k -> 13.8-15.7k
// rows/s, a third fewer write and two thirds fewer read system calls.
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32768)" +
		"&_pragma=wal_autocheckpoint(16384)&_txlock=immediate"
}

func (d Dialect) configurePool(db *sql.DB) {
	if d == SQLite {
		// One connection is SQLite's single writer: transactions never fight
		// over the write lock and never see SQLITE_BUSY.
		db.SetMaxOpenConns(1)
		db.SetConnMaxIdleTime(0)
		return
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
}

// rebind turns "?" placeholders into "$n" for Postgres. Queries never contain
// a literal "?" in a string.
func (d Dialect) rebind(q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// args converts Go values to what the dialect stores.
func (d Dialect) args(args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = d.timeArg(v)
		case *time.Time:
			if v == nil {
				args[i] = nil
			} else {
				args[i] = d.timeArg(*v)
			}
		case sql.NullTime:
			if !v.Valid {
				args[i] = nil
			} else {
				args[i] = d.timeArg(v.Time)
			}
		}
	}
	return args
}

func (d Dialect) timeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if d == SQLite {
		return t.Format(sqliteTimeFormat)
	}
	return t
}

// translate maps driver errors to the store's sentinels.
func (d Dialect) translate(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return errors.Join(ErrDuplicate, err)
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		code := sqErr.Code()
		if code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
			return errors.Join(ErrDuplicate, err)
		}
	}
	return err
}

// skipLocked locks the selected rows and skips rows another transaction
// holds, so concurrent ticks claim disjoint jobs. On SQLite the single writer
// already serialises claims. (NO KEY: see lockRows.)
func (d Dialect) skipLocked() string {
	if d == Postgres {
		return " FOR NO KEY UPDATE SKIP LOCKED"
	}
	return ""
}

// lockRows locks the selected rows for an update that keeps their keys
// (FOR NO KEY UPDATE). Unlike FOR UPDATE it does not block the key-share
// locks that inserting a referencing row takes (a job naming its mailbox
// and campaign), so the send engine's locks on mailboxes and campaigns never
// stall an insert elsewhere. SQLite's single writer needs none.
func (d Dialect) lockRows() string {
	if d == Postgres {
		return " FOR NO KEY UPDATE"
	}
	return ""
}

// forUpdate locks the selected rows until the transaction ends. SQLite has no
// row locks and needs none: its single writer holds the whole database.
func (d Dialect) forUpdate() string {
	if d == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// notIndexed keeps a condition on col from choosing the index. SQLite plans
// without statistics and, given "inbox_id = ? AND campaign_lead_id IN
// (…100 ids)", walks every row of the mailbox instead of looking the ids
// up; its unary + (a no-op on any value) takes col out of the running.
// Postgres plans from statistics and gets the column as it is.
func (d Dialect) notIndexed(col string) string {
	if d == SQLite {
		return "+" + col
	}
	return col
}

// analyze refreshes a table's planner statistics after a bulk write.
// Postgres plans from them (and autovacuum may lag far behind an import of a
// million rows); SQLite's planner picks our indexes without them, and its
// ANALYZE reads whole indexes, so there it is skipped.
func (d Dialect) analyze(table string) string {
	if d == Postgres {
		return "ANALYZE " + table
	}
	return ""
}

// asyncCommit lets the current transaction's commit return before its WAL is
// flushed. SQLite in WAL mode with synchronous=NORMAL already commits without
// waiting for the disk.
func (d Dialect) asyncCommit() string {
	if d == Postgres {
		return "SET LOCAL synchronous_commit TO OFF"
	}
	return ""
}

// timeParam is a placeholder for a time inside a VALUES list, where
// Postgres cannot infer a parameter's type from a column (it would take it as
// text); SQLite keeps times as text anyway.
func (d Dialect) timeParam() string {
	if d == Postgres {
		return "CAST(? AS TIMESTAMPTZ)"
	}
	return "?"
}

// arrayBatches reports whether a batch of rows is written as one array
// parameter per column, zipped back into rows by unnest: one short
// statement whatever the batch size, each column encoded in binary. Postgres
// has arrays; SQLite gets a multi-row VALUES list instead (valuesList).
func (d Dialect) arrayBatches() bool { return d == Postgres }

// unnest is the row source of an array batch: one array parameter per
// column, given as "name type" ("email text"), read as the columns of alias.
// Only for dialects with arrayBatches.
func (d Dialect) unnest(alias string, cols ...string) string {
	var args, names strings.Builder
	for i, c := range cols {
		name, typ, _ := strings.Cut(c, " ")
		if i > 0 {
			args.WriteString(", ")
			names.WriteString(", ")
		}
		args.WriteString("CAST(? AS " + typ + "[])")
		names.WriteString(name)
	}
	return "unnest(" + args.String() + ") AS " + alias + " (" + names.String() + ")"
}

// idTimes is the FROM item "v (row_id, at)" of n (id, time) pairs, for an
// UPDATE … FROM that gives each row its own time (Scope.eachIDTime fills
// it): on Postgres an unnest of two arrays, one statement text whatever n;
// on SQLite n VALUES rows, renamed by a SELECT because SQLite cannot name
// the columns of a derived table. (Not "id": RETURNING id names the updated
// table's, and SQLite's RETURNING cannot qualify it.)
func (d Dialect) idTimes(n int) string {
	if d.arrayBatches() {
		return d.unnest("v", "row_id text", "at timestamptz")
	}
	return "(SELECT column1 AS row_id, column2 AS at FROM (VALUES " + rowsOf("(?, ?)", n) + ")) AS v"
}
