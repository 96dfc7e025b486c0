package store

import (
	"context"
	"fmt"
	"time"
)

// SendBench sizes the synthetic data of `leadbitz bench tick`.
type SendBench struct {
	WorkspaceID      string
	Campaigns        int // active, UTC, open every day all day, two steps
	Mailboxes        int // a multiple of Campaigns: each campaign gets Inboxes/Campaigns of them
	LeadsPerCampaign int
	Now              time.Time // jobs are not due: run_at is Now + 30 days
}

// SeedSendBench writes the bench's mailboxes, campaigns, sequences, leads,
// campaign leads and one scheduled step-1 job per campaign lead, generated
// inside the database (a recursive CTE) so a million rows take seconds.
// Campaign lead n belongs to campaign n % Campaigns and to that campaign's
// mailbox number (n / Campaigns) % (Inboxes / Campaigns), so consecutive
// leads spread over every mailbox. For benchmarks only.
func (q Queries) SeedSendBench(ctx context.Context, b SendBench) error {
	if b.Campaigns <= 0 || b.Mailboxes%b.Campaigns != 0 || b.LeadsPerCampaign <= 0 {
		return fmt.Errorf("bench: Inboxes must be a positive multiple of Campaigns")
	}
	perCampaign := b.Mailboxes / b.Campaigns
	leads := b.Campaigns * b.LeadsPerCampaign
	future := b.Now.Add(30 * 24 * time.Hour)
	// n + 100000000000 is twelve digits: a UUID-shaped id that sorts like n.
	id := func(prefix, n string) string {
		return `'` + prefix + `-0000-7000-8000-' || CAST(` + n + ` + 100000000000 AS TEXT)`
	}
	series := `WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n + 1 < ?) `
	steps := []struct {
		what  string
		query string
		args  []any
	}{
		{"mailboxes", series + `INSERT INTO inbox_connections (id, workspace_id, provider, email, display_name, status,
			daily_cap, ramp_start, ramp_increment, min_gap_seconds, timezone, ramp_started_at, created_at, updated_at)
			SELECT ` + id("00000001", "n") + `, ?, 'sandbox', 'box' || CAST(n AS TEXT) || '@bench.test', 'Bench', 'active',
			30, 0, 0, 600, 'UTC', ?, ?, ? FROM s`, []any{b.Mailboxes, b.WorkspaceID, b.Now, b.Now, b.Now}},
		{"campaigns", series + `INSERT INTO campaigns (id, workspace_id, name, status, timezone, send_days,
			send_start_minute, send_end_minute, stop_on_reply, launched_at, created_at, updated_at)
			SELECT ` + id("00000002", "n") + `, ?, 'Bench ' || CAST(n AS TEXT), 'active', 'UTC', '1,2,3,4,5,6,7', 0, 1440,
			TRUE, ?, ?, ? FROM s`, []any{b.Campaigns, b.WorkspaceID, b.Now, b.Now, b.Now}},
		{"campaign mailboxes", series + `INSERT INTO campaign_inboxes (campaign_id, inbox_id, workspace_id)
			SELECT ` + id("00000002", fmt.Sprintf("(n %% %d)", b.Campaigns)) + `, ` + id("00000001", "n") + `, ? FROM s`,
			[]any{b.Mailboxes, b.WorkspaceID}},
		{"sequences", series + `INSERT INTO sequences (id, workspace_id, campaign_id, created_at, updated_at)
			SELECT ` + id("00000003", "n") + `, ?, ` + id("00000002", "n") + `, ?, ? FROM s`,
			[]any{b.Campaigns, b.WorkspaceID, b.Now, b.Now}},
		{"steps", series + `INSERT INTO sequence_steps (id, workspace_id, sequence_id, position, delay_days, delay_minutes,
			created_at) SELECT ` + id("00000004", "n") + `, ?, ` + id("00000003", "(n / 2)") + `,
			(n % 2) + 1, (n % 2) * 3, 0, ? FROM s`, []any{2 * b.Campaigns, b.WorkspaceID, b.Now}},
		{"templates", series + `INSERT INTO message_templates (id, workspace_id, step_id, variant, subject, body, created_at)
			SELECT ` + id("00000005", "n") + `, ?, ` + id("00000004", "n") + `, 'A',
			CASE WHEN n % 2 = 0 THEN 'Quick question, {{firstName | "there"}}' ELSE '' END,
			'Hi {{firstName | "there"}}, {Quick|A short} note about {{company}}.', ? FROM s`,
			[]any{2 * b.Campaigns, b.WorkspaceID, b.Now}},
		{"leads", series + `INSERT INTO leads (id, workspace_id, email, first_name, company, created_at, updated_at)
			SELECT ` + id("00000006", "n") + `, ?, 'lead' || CAST(n AS TEXT) || '@co' || CAST(n % 5000 AS TEXT) || '.test',
			'Lead' || CAST(n AS TEXT), 'Co ' || CAST(n % 5000 AS TEXT), ?, ? FROM s`,
			[]any{leads, b.WorkspaceID, b.Now, b.Now}},
		{"campaign leads", series + `INSERT INTO campaign_leads (id, workspace_id, campaign_id, lead_id, inbox_id, status,
			created_at, updated_at)
			SELECT ` + id("00000007", "n") + `, ?, ` + id("00000002", fmt.Sprintf("(n %% %d)", b.Campaigns)) + `,
			` + id("00000006", "n") + `, ` + id("00000001", fmt.Sprintf("(n %% %d + %d * ((n / %d) %% %d))", b.Campaigns,
			b.Campaigns, b.Campaigns, perCampaign)) + `, 'active', ?, ? FROM s`,
			[]any{leads, b.WorkspaceID, b.Now, b.Now}},
		{"jobs", series + `INSERT INTO send_jobs (id, workspace_id, campaign_id, campaign_lead_id, lead_id, inbox_id,
			step_position, variant, idempotency_key, status, due_at, run_at, created_at, updated_at)
			SELECT ` + id("00000008", "n") + `, ?, ` + id("00000002", fmt.Sprintf("(n %% %d)", b.Campaigns)) + `,
			` + id("00000007", "n") + `, ` + id("00000006", "n") + `,
			` + id("00000001", fmt.Sprintf("(n %% %d + %d * ((n / %d) %% %d))", b.Campaigns, b.Campaigns, b.Campaigns,
			perCampaign)) + `, 1, 'A', ` + id("00000007", "n") + ` || ':1', 'scheduled', ?, ?, ?, ? FROM s`,
			[]any{leads, b.WorkspaceID, future, future, b.Now, b.Now}},
	}
	for _, st := range steps {
		if _, err := q.exec(ctx, st.query, st.args...); err != nil {
			return fmt.Errorf("seed %s: %w", st.what, err)
		}
	}
	// Fresh statistics, as a database that grew to this size would have.
	for _, table := range []string{"inbox_connections", "campaigns", "leads", "campaign_leads", "send_jobs"} {
		if stmt := q.d.analyze(table); stmt != "" {
			if _, err := q.exec(ctx, stmt); err != nil {
				return err
			}
		}
	}
	return nil
}

// MakeBenchJobsDue makes the step-1 jobs of campaign leads 0…n-1 (one per
// mailbox while n ≤ Inboxes) due at `at`. For benchmarks only.
func (q Queries) MakeBenchJobsDue(ctx context.Context, n int, at time.Time) (int, error) {
	return q.MakeBenchJobsDueRange(ctx, 0, n, at)
}

// MakeBenchJobsDueRange makes the step-1 jobs of campaign leads from…to-1
// due at `at`, so one seeded database serves several timed ticks. For
// benchmarks only.
func (q Queries) MakeBenchJobsDueRange(ctx context.Context, from, to int, at time.Time) (int, error) {
	res, err := q.exec(ctx, `UPDATE send_jobs SET run_at = ?, due_at = ? WHERE status = 'scheduled' AND step_position = 1
		AND id >= ? AND id < ?`, at, at, fmt.Sprintf("00000008-0000-7000-8000-%d", 100000000000+from),
		fmt.Sprintf("00000008-0000-7000-8000-%d", 100000000000+to))
	if err != nil {
		return 0, err
	}
	k, err := res.RowsAffected()
	return int(k), err
}

// ResetBenchUsage forgets every mailbox's sends of the day, so a bench can
// time another sending tick on mailboxes that already sent. For benchmarks
// only.
func (q Queries) ResetBenchUsage(ctx context.Context, workspaceID string) error {
	_, err := q.exec(ctx, `UPDATE inbox_connections SET sent_today = 0, sent_today_date = '', last_sent_at = NULL,
		next_send_at = NULL WHERE workspace_id = ?`, workspaceID)
	return err
}
