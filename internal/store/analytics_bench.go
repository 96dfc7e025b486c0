package store

import (
	"context"
	"fmt"
	"time"
)

// SeedAnalyticsBench turns what SeedSendBench wrote into a sent history for
// `leadbitz-bench analytics`: every campaign lead's step 1 (variant A or B)
// sent on one of the Days days before b.Now, steps 2 and 3 sent three and
// six days later, so there are three sends per campaign lead; then 5 % of
// the leads replied (a third of them positively, with a conversation), and
// about 2 % bounced and 0.5 % unsubscribed. All in bulk SQL, then the
// analytics counters are filled from those rows as migration 0022 does
// (SeedAnalyticsBenchRows leaves that to the caller). For benchmarks only.
func (q Queries) SeedAnalyticsBench(ctx context.Context, b SendBench, days int) error {
	if err := q.SeedAnalyticsBenchRows(ctx, b, days); err != nil {
		return err
	}
	if err := q.InWorkspace(b.WorkspaceID).RebuildAnalytics(ctx); err != nil {
		return err
	}
	return q.AnalyzeAnalyticsBench(ctx)
}

// SeedAnalyticsBenchRows is SeedAnalyticsBench without the counters.
func (q Queries) SeedAnalyticsBenchRows(ctx context.Context, b SendBench, days int) error {
	first := b.Now.Add(-time.Duration(days) * 24 * time.Hour)
	// A time n seconds after first, in the dialect's own arithmetic.
	at := func(seconds string) string {
		if q.d == Postgres {
			return `(CAST(? AS TIMESTAMPTZ) + (` + seconds + `) * INTERVAL '1 second')`
		}
		return `strftime('%Y-%m-%d %H:%M:%f000+00:00', ?, '+' || CAST(` + seconds + ` AS TEXT) || ' seconds')`
	}
	span := int64(days-6) * 86400 // step 1 spread so that step 3 still lands before Now
	if span <= 0 {
		return fmt.Errorf("bench: need more than 6 days")
	}
	// n: the campaign lead's number, from its id (SeedSendBench's scheme).
	num := `(CAST(substr(cl.id, 25) AS BIGINT) - 100000000000)`
	jobNum := `(CAST(substr(j.id, 25) AS BIGINT) - 100000000000)`
	offset := func(n string) string { return fmt.Sprintf("((%s * 7919) %% %d)", n, span) }
	steps := []struct {
		what  string
		query string
		args  []any
	}{
		{"step 1 sent", `UPDATE send_jobs AS j SET status = 'sent', variant = CASE WHEN ` + jobNum + ` % 2 = 0 THEN 'A' ELSE 'B' END,
			sent_at = ` + at(offset(jobNum)) + ` WHERE j.workspace_id = ? AND j.step_position = 1`, []any{first, b.WorkspaceID}},
		{"steps 2 and 3 sent", `INSERT INTO send_jobs (id, workspace_id, campaign_id, campaign_lead_id, lead_id, inbox_id,
			step_position, variant, idempotency_key, status, due_at, run_at, sent_at, created_at, updated_at)
			SELECT 'x' || CAST(s.k AS TEXT) || '-' || j.id, j.workspace_id, j.campaign_id, j.campaign_lead_id, j.lead_id, j.inbox_id,
			s.k, 'A', j.campaign_lead_id || ':' || CAST(s.k AS TEXT), 'sent', j.due_at, j.run_at,
			` + at(offset(jobNum)+" + (s.k - 1) * 3 * 86400") + `, j.created_at, j.updated_at
			FROM send_jobs j CROSS JOIN (SELECT 2 AS k UNION ALL SELECT 3) s WHERE j.workspace_id = ? AND j.step_position = 1`,
			[]any{first, b.WorkspaceID}},
		{"outcomes", `UPDATE campaign_leads AS cl SET last_step_sent = 3,
			status = CASE WHEN ` + num + ` % 20 = 1 THEN 'replied' WHEN ` + num + ` % 50 = 2 THEN 'bounced'
				WHEN ` + num + ` % 200 = 3 THEN 'unsubscribed' ELSE 'completed' END,
			replied_at = CASE WHEN ` + num + ` % 20 = 1 THEN ` + at(offset(num)+" + 4 * 86400") + ` ELSE NULL END,
			updated_at = ` + at(offset(num)+" + 4 * 86400") + `
			WHERE cl.workspace_id = ?`, []any{first, first, b.WorkspaceID}},
		{"conversations", `INSERT INTO conversations (id, workspace_id, inbox_id, lead_id, campaign_id, campaign_lead_id,
			thread_id, subject, category, category_source, unread, last_message_at, created_at, updated_at)
			SELECT 'c-' || cl.id, cl.workspace_id, cl.inbox_id, cl.lead_id, cl.campaign_id, cl.id, '', 'Re: bench',
			CASE WHEN ` + num + ` % 3 = 0 THEN 'interested' WHEN ` + num + ` % 3 = 1 THEN 'not_interested' ELSE 'other' END,
			'rules', FALSE, cl.replied_at, cl.replied_at, cl.replied_at
			FROM campaign_leads cl WHERE cl.workspace_id = ? AND cl.status = 'replied'`, []any{b.WorkspaceID}},
	}
	for _, st := range steps {
		if _, err := q.exec(ctx, st.query, st.args...); err != nil {
			return fmt.Errorf("seed %s: %w", st.what, err)
		}
	}
	for _, table := range []string{"campaign_leads", "send_jobs", "conversations"} {
		// VACUUM too: the rewrite of step 1 left a dead version of every
		// job, and without a visibility map Postgres cannot answer from the
		// covering indexes (autovacuum would, some time later).
		if q.d == Postgres {
			if _, err := q.exec(ctx, "VACUUM ANALYZE "+table); err != nil {
				return err
			}
		}
	}
	return nil
}

// AnalyzeAnalyticsBench refreshes the planner's statistics of the counter
// tables after a bench's backfill (Postgres; SQLite plans without them).
func (q Queries) AnalyzeAnalyticsBench(ctx context.Context) error {
	if q.d != Postgres {
		return nil
	}
	for _, table := range []string{"analytics_counts", "analytics_mailbox_counts", "analytics_credits"} {
		if _, err := q.exec(ctx, "VACUUM ANALYZE "+table); err != nil {
			return err
		}
	}
	return nil
}

// AnalyticsBenchOwner returns the workspace of a seeded bench campaign and
// its owner, for `leadbitz-bench analytics --reuse`.
func (q Queries) AnalyticsBenchOwner(ctx context.Context, campaignID string) (workspaceID, userID string, err error) {
	err = q.queryRow(ctx, `SELECT c.workspace_id, m.user_id FROM campaigns c JOIN memberships m ON m.workspace_id = c.workspace_id
		WHERE c.id = ? ORDER BY m.created_at LIMIT 1`, campaignID).Scan(&workspaceID, &userID)
	return workspaceID, userID, err
}

// AnalyticsCounterRows counts the rows of the two counter tables: what a
// report reads grows with them, not with the sends.
func (q Queries) AnalyticsCounterRows(ctx context.Context) (campaign, mailbox int, err error) {
	err = q.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM analytics_counts), (SELECT COUNT(*) FROM analytics_mailbox_counts)`).
		Scan(&campaign, &mailbox)
	return campaign, mailbox, err
}
