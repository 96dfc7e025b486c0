package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Batched lead writes for imports. Each call sends one statement for many
// rows instead of one per lead: that is what lets an import write tens of
// thousands of leads a second. On Postgres the statement takes one array per
// column (Dialect.unnest), so its size and parameter count do not grow with
// the batch and pgx sends each column in binary; on SQLite it is a multi-row
// VALUES list per chunk of rows. Callers run them inside one transaction per
// batch, so a batch is written whole or not at all.

// batchChunk bounds the rows of one statement: 17 columns × 1000 rows stays
// under both SQLite's 32,766 and Postgres' 65,535 bound parameters.
const batchChunk = 1000

// valuesList returns "(?, ?), (?, ?)…" for rows rows of cols columns.
func valuesList(rows, cols int) string {
	return repeatRow("("+marks(cols)+")", rows)
}

// repeatRow returns row n times, comma-separated: the VALUES list of a
// multi-row INSERT whose row is more than plain placeholders.
func repeatRow(row string, n int) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// chunks calls fn with consecutive slices of at most size items: the one
// chunker of the store.
func chunks[T any](items []T, size int, fn func([]T) error) error {
	for len(items) > 0 {
		n := min(len(items), size)
		if err := fn(items[:n]); err != nil {
			return err
		}
		items = items[n:]
	}
	return nil
}

// LeadsByEmails returns the workspace's leads with these normalised emails,
// by email. On Postgres the rows stay locked until the transaction ends, so a
// concurrent edit cannot slip between an import's read and its write.
func (s Scope) LeadsByEmails(ctx context.Context, emails []string) (map[string]Lead, error) {
	return s.leadsWithEmails(ctx, emails, ` ORDER BY email`+s.d.forUpdate())
}

// LeadsWithEmails is LeadsByEmails without locking the leads.
func (s Scope) LeadsWithEmails(ctx context.Context, emails []string) (map[string]Lead, error) {
	return s.leadsWithEmails(ctx, emails, "")
}

// leadsWithEmails reads the leads with these emails, by email; tail ends
// each chunk's query (an order and a row lock, or nothing).
func (s Scope) leadsWithEmails(ctx context.Context, emails []string, tail string) (map[string]Lead, error) {
	found := make(map[string]Lead, len(emails))
	err := paddedChunks(emails, func(part []string) error {
		rows, err := s.query(ctx, `SELECT `+leadColumns+` FROM leads WHERE workspace_id = ? AND email IN (`+
			marks(len(part))+`)`+tail, append([]any{s.ws}, anys(part)...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			l, err := scanLead(rows)
			if err != nil {
				return err
			}
			found[l.Email] = l
		}
		return rows.Err()
	})
	return found, err
}

// InsertLeads inserts new leads (IDs, status and times filled in when
// empty) and returns the IDs it inserted. A lead whose email the workspace
// already has is left out (ON CONFLICT DO NOTHING), which is how an import
// learns, without reading first, which of its emails are new. Inside a
// transaction on Postgres it first tries the cheaper plain insert
// (insertFresh).
func (s Scope) InsertLeads(ctx context.Context, leads []Lead) (map[string]bool, error) {
	inserted := make(map[string]bool, len(leads))
	t := s.now()
	var cols leadColumnsBatch
	for i := range leads {
		l := &leads[i]
		if l.ID == "" {
			l.ID = NewID()
		}
		if l.Status == "" {
			l.Status = LeadActive
		}
		l.CreatedAt, l.UpdatedAt = t, t
	}
	if s.d.arrayBatches() {
		if len(leads) == 0 {
			return inserted, nil
		}
		if err := cols.fill(leads, true); err != nil {
			return nil, err
		}
		args := append([]any{s.ws, t, t}, cols.args(true)...)
		insert := `INSERT INTO leads (id, workspace_id, email, first_name, last_name, company, title, website,
				linkedin_url, phone, timezone, country, custom, status, source_id, created_at, updated_at)
			SELECT v.id, ?, v.email, v.first_name, v.last_name, v.company, v.title, v.website, v.linkedin_url,
				v.phone, v.timezone, v.country, v.custom, v.status, NULLIF(v.source_id, ''), ` +
			s.d.timeParam() + `, ` + s.d.timeParam() + `
			FROM ` + s.d.unnest("v", leadBatchColumns(true)...)
		if _, inTx := s.run.(*sql.Tx); inTx {
			fresh, err := s.insertFresh(ctx, inserted, insert, args)
			if fresh || err != nil {
				return inserted, err
			}
		}
		err := s.insertedIDs(ctx, inserted, insert+` ON CONFLICT (workspace_id, email) DO NOTHING RETURNING id`,
			args...)
		return inserted, err
	}
	err := chunks(leads, batchChunk, func(part []Lead) error {
		args := make([]any, 0, len(part)*17)
		for i := range part {
			l := &part[i]
			custom, err := customJSON(l.Custom)
			if err != nil {
				return err
			}
			args = append(args, l.ID, s.ws, l.Email, l.FirstName, l.LastName, l.Company, l.Title, l.Website,
				l.LinkedinURL, l.Phone, l.Timezone, l.Country, custom, l.Status, nullString(l.SourceID), t, t)
		}
		return s.insertedIDs(ctx, inserted, `INSERT INTO leads (id, workspace_id, email, first_name, last_name,
			company, title, website, linkedin_url, phone, timezone, country, custom, status, source_id, created_at,
			updated_at) VALUES `+valuesList(len(part), 17)+` ON CONFLICT (workspace_id, email) DO NOTHING RETURNING id`,
			args...)
	})
	return inserted, err
}

// insertFresh tries the insert as if no email were a lead yet, which is
// what most batches of an import of new people are. A plain INSERT is
// cheaper than INSERT … ON CONFLICT, which first probes the unique index
// for every row and then inserts speculatively (about a tenth of the
// server's time per imported lead, measured). When an email is a lead after
// all, the insert fails on the unique index, is rolled back to a savepoint
// and fresh is false: the caller inserts again with ON CONFLICT. The work
// wasted is the rows before the first existing one, usually a few.
func (s Scope) insertFresh(ctx context.Context, into map[string]bool, insert string, args []any) (fresh bool, err error) {
	if _, err := s.exec(ctx, `SAVEPOINT insert_leads`); err != nil {
		return false, err
	}
	err = s.insertedIDs(ctx, into, insert+` RETURNING id`, args...)
	if err == nil {
		_, err = s.exec(ctx, `RELEASE SAVEPOINT insert_leads`)
		return err == nil, err
	}
	if !errors.Is(err, ErrDuplicate) {
		return false, err
	}
	clear(into)
	_, err = s.exec(ctx, `ROLLBACK TO SAVEPOINT insert_leads`)
	return false, err
}

// insertedIDs runs an INSERT … RETURNING id and adds the ids to into.
func (s Scope) insertedIDs(ctx context.Context, into map[string]bool, query string, args ...any) error {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return s.d.translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		into[id] = true
	}
	return s.d.translate(rows.Err())
}

// UpdateLeads writes the fields of existing leads (email and status
// excepted) in one statement (per chunk on SQLite).
func (s Scope) UpdateLeads(ctx context.Context, leads []Lead) error {
	t := s.now()
	for i := range leads {
		leads[i].UpdatedAt = t
	}
	const set = `first_name = v.first_name, last_name = v.last_name, company = v.company, title = v.title,
		website = v.website, linkedin_url = v.linkedin_url, phone = v.phone, timezone = v.timezone,
		country = v.country, custom = v.custom, updated_at = ?`
	if s.d.arrayBatches() {
		if len(leads) == 0 {
			return nil
		}
		var cols leadColumnsBatch
		if err := cols.fill(leads, false); err != nil {
			return err
		}
		args := append([]any{t}, cols.args(false)...)
		args = append(args, s.ws)
		_, err := s.exec(ctx, `UPDATE leads SET `+set+` FROM `+s.d.unnest("v", leadBatchColumns(false)...)+`
			WHERE leads.id = v.id AND leads.workspace_id = ?`, args...)
		return err
	}
	return chunks(leads, batchChunk, func(part []Lead) error {
		args := make([]any, 0, len(part)*11+2)
		for i := range part {
			l := &part[i]
			custom, err := customJSON(l.Custom)
			if err != nil {
				return err
			}
			args = append(args, l.ID, l.FirstName, l.LastName, l.Company, l.Title, l.Website, l.LinkedinURL,
				l.Phone, l.Timezone, l.Country, custom)
		}
		args = append(args, t, s.ws)
		_, err := s.exec(ctx, `WITH v (id, first_name, last_name, company, title, website, linkedin_url, phone,
			timezone, country, custom) AS (VALUES `+valuesList(len(part), 11)+`)
			UPDATE leads SET `+set+` FROM v WHERE leads.id = v.id AND leads.workspace_id = ?`, args...)
		return err
	})
}

// leadBatchColumns are the columns of an array batch of leads: all of a new
// lead's values, or (update) the id and the fields an import may change.
func leadBatchColumns(insert bool) []string {
	cols := []string{"id text"}
	if insert {
		cols = append(cols, "email text")
	}
	cols = append(cols, "first_name text", "last_name text", "company text", "title text", "website text",
		"linkedin_url text", "phone text", "timezone text", "country text", "custom text")
	if insert {
		cols = append(cols, "status text", "source_id text")
	}
	return cols
}

// leadColumnsBatch holds a batch of leads column by column, in the order of
// leadBatchColumns.
type leadColumnsBatch struct {
	id, email, first, last, company, title, website, linkedin, phone, timezone, country, custom,
	status, source []string
}

func (c *leadColumnsBatch) fill(leads []Lead, insert bool) error {
	n := len(leads)
	for _, col := range []*[]string{&c.id, &c.first, &c.last, &c.company, &c.title, &c.website, &c.linkedin,
		&c.phone, &c.timezone, &c.country, &c.custom} {
		*col = make([]string, n)
	}
	if insert {
		c.email, c.status, c.source = make([]string, n), make([]string, n), make([]string, n)
	}
	for i := range leads {
		l := &leads[i]
		custom, err := customJSON(l.Custom)
		if err != nil {
			return err
		}
		c.id[i], c.first[i], c.last[i], c.company[i], c.title[i] = l.ID, l.FirstName, l.LastName, l.Company, l.Title
		c.website[i], c.linkedin[i], c.phone[i], c.timezone[i] = l.Website, l.LinkedinURL, l.Phone, l.Timezone
		c.country[i], c.custom[i] = l.Country, custom
		if insert {
			c.email[i], c.status[i], c.source[i] = l.Email, l.Status, l.SourceID
		}
	}
	return nil
}

func (c *leadColumnsBatch) args(insert bool) []any {
	if insert {
		return []any{c.id, c.email, c.first, c.last, c.company, c.title, c.website, c.linkedin, c.phone, c.timezone,
			c.country, c.custom, c.status, c.source}
	}
	return []any{c.id, c.first, c.last, c.company, c.title, c.website, c.linkedin, c.phone, c.timezone, c.country,
		c.custom}
}

// RefreshLeadStats updates the planner statistics of the lead tables after a
// bulk write (a no-op on SQLite), so later imports and searches are planned
// for the tables' new size.
func (q Queries) RefreshLeadStats(ctx context.Context) error {
	for _, table := range []string{"leads", "lead_field_provenance"} {
		if stmt := q.d.analyze(table); stmt != "" {
			if _, err := q.exec(ctx, stmt); err != nil {
				return err
			}
		}
	}
	return nil
}

// AsyncCommit lets this transaction's commit return before it is on disk. A
// crash may then lose it — whole, never in part — so it suits work that
// records its own progress in the same transaction and resumes from there,
// like an import batch; a later ordinary commit makes it durable too.
func (t *Tx) AsyncCommit(ctx context.Context) error {
	if stmt := t.d.asyncCommit(); stmt != "" {
		_, err := t.exec(ctx, stmt)
		return err
	}
	return nil
}
