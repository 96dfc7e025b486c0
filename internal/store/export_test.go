package store

import (
	"context"
	"fmt"
	"sort"
)

// ExecMigrationFile runs one embedded migration file again, for tests of a
// data migration on a database that already has the rows it moves.
func (s *Store) ExecMigrationFile(ctx context.Context, name string) error {
	body, err := migrationFiles.ReadFile("migrations/" + name)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, string(body))
	return err
}

// AnalyticsCounters lists the workspace's non-zero analytics counters, one
// line per campaign or mailbox key and slot, sorted, for comparing the
// counters the writers kept with a recount.
func (s Scope) AnalyticsCounters(ctx context.Context) ([]string, error) {
	var out []string
	rows, err := s.query(ctx, `SELECT campaign_id, slot, step_position, variant, sent, replied, positive, bounced,
		unsubscribed, complained, replied_on, positive_on, bounced_on, unsubscribed_on, complained_on
		FROM analytics_counts WHERE workspace_id = ?`, s.ws)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func(r rowScanner) error {
		var c, v string
		var slot, step int64
		var n [11]int64
		if err := r.Scan(&c, &slot, &step, &v, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6], &n[7], &n[8], &n[9], &n[10]); err != nil {
			return err
		}
		if n != ([11]int64{}) {
			out = append(out, fmt.Sprint("campaign ", c, " slot ", slot, " step ", step, " ", v, " ", n))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, err = s.query(ctx, `SELECT inbox_id, slot, sent, replied, bounced, unsubscribed, complained
		FROM analytics_mailbox_counts WHERE workspace_id = ?`, s.ws)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func(r rowScanner) error {
		var m string
		var slot int64
		var n [5]int64
		if err := r.Scan(&m, &slot, &n[0], &n[1], &n[2], &n[3], &n[4]); err != nil {
			return err
		}
		if n != ([5]int64{}) {
			out = append(out, fmt.Sprint("mailbox ", m, " slot ", slot, " ", n))
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// ClearAnalytics deletes every analytics counter and credit, so that a test
// can run the migration's backfill again.
func (s *Store) ClearAnalytics(ctx context.Context) error {
	for _, t := range []string{"analytics_credits", "analytics_counts", "analytics_mailbox_counts"} {
		if _, err := s.exec(ctx, `DELETE FROM `+t); err != nil {
			return err
		}
	}
	return nil
}
