package store

import (
	"context"
	"time"
)

// CampaignCounts are the numbers of a campaign's list row and overview.
type CampaignCounts struct {
	LeadsByStatus map[string]int // campaign lead status → count
	JobsByStatus  map[string]int // send job status → count
}

// CampaignCounts counts leads and jobs by status for each campaign id.
func (s Scope) CampaignCounts(ctx context.Context, campaignIDs []string) (map[string]CampaignCounts, error) {
	out := make(map[string]CampaignCounts, len(campaignIDs))
	if len(campaignIDs) == 0 {
		return out, nil
	}
	for _, id := range campaignIDs {
		out[id] = CampaignCounts{LeadsByStatus: map[string]int{}, JobsByStatus: map[string]int{}}
	}
	args := []any{s.ws}
	args = append(args, anys(campaignIDs)...)
	in := marks(len(campaignIDs))
	scan := func(query string, into func(CampaignCounts) map[string]int) error {
		rows, err := s.query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, status string
			var n int
			if err := rows.Scan(&id, &status, &n); err != nil {
				return err
			}
			into(out[id])[status] = n
		}
		return rows.Err()
	}
	if err := scan(`SELECT campaign_id, status, COUNT(*) FROM campaign_leads WHERE workspace_id = ? AND campaign_id IN (`+
		in+`) GROUP BY campaign_id, status`, func(c CampaignCounts) map[string]int { return c.LeadsByStatus }); err != nil {
		return nil, err
	}
	if err := scan(`SELECT campaign_id, status, COUNT(*) FROM send_jobs WHERE workspace_id = ? AND campaign_id IN (`+
		in+`) GROUP BY campaign_id, status`, func(c CampaignCounts) map[string]int { return c.JobsByStatus }); err != nil {
		return nil, err
	}
	return out, nil
}

// VariantCount is one row of the per-step, per-variant table: messages sent
// with a variant, and the leads whose last message was that variant and who
// then replied, bounced or unsubscribed.
type VariantCount struct {
	Step         int
	Variant      string
	Sent         int
	Replied      int
	Bounced      int
	Unsubscribed int
}

// VariantCounts returns the campaign's sends and outcomes per step and
// variant, by step then variant.
func (s Scope) VariantCounts(ctx context.Context, campaignID string) ([]VariantCount, error) {
	rows, err := s.query(ctx, `SELECT j.step_position, j.variant, COUNT(*),
		SUM(CASE WHEN cl.status = 'replied' AND cl.last_step_sent = j.step_position THEN 1 ELSE 0 END),
		SUM(CASE WHEN cl.status = 'bounced' AND cl.last_step_sent = j.step_position THEN 1 ELSE 0 END),
		SUM(CASE WHEN cl.status = 'unsubscribed' AND cl.last_step_sent = j.step_position THEN 1 ELSE 0 END)
		FROM send_jobs j JOIN campaign_leads cl ON cl.id = j.campaign_lead_id
		WHERE j.campaign_id = ? AND j.workspace_id = ? AND j.status = 'sent'
		GROUP BY j.step_position, j.variant ORDER BY j.step_position, j.variant`, campaignID, s.ws)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (VariantCount, error) {
		var v VariantCount
		err := r.Scan(&v.Step, &v.Variant, &v.Sent, &v.Replied, &v.Bounced, &v.Unsubscribed)
		return v, err
	})
}

// NextRun is the campaign's earliest scheduled job: when the tick will next
// look at it and why it was last moved.
type NextRun struct {
	RunAt  time.Time
	Reason string
}

// CampaignNextRun returns the campaign's earliest scheduled job, or
// ErrNotFound when none is scheduled.
func (s Scope) CampaignNextRun(ctx context.Context, campaignID string) (NextRun, error) {
	var n NextRun
	err := s.queryRow(ctx, `SELECT run_at, defer_reason FROM send_jobs WHERE campaign_id = ? AND workspace_id = ?
		AND status = 'scheduled' ORDER BY run_at LIMIT 1`, campaignID, s.ws).Scan(&n.RunAt, &n.Reason)
	return n, notFound(err)
}

// HeldReasons counts a campaign's held jobs by reason.
func (s Scope) HeldReasons(ctx context.Context, campaignID string) (map[string]int, error) {
	rows, err := s.query(ctx, `SELECT defer_reason, COUNT(*) FROM send_jobs WHERE campaign_id = ? AND workspace_id = ?
		AND status = 'held' GROUP BY defer_reason`, campaignID, s.ws)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var r string
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			return nil, err
		}
		out[r] = n
	}
	return out, rows.Err()
}

// ScheduledJobs lists a campaign's scheduled jobs per mailbox (step and due
// time) for the forecast.
func (s Scope) ScheduledJobs(ctx context.Context, campaignID string) (map[string][]SendJob, error) {
	list, err := s.sendJobs(ctx, `SELECT `+sendJobColumns+` FROM send_jobs j WHERE j.campaign_id = ? AND j.workspace_id = ?
		AND j.status IN ('scheduled', 'claimed', 'sending')`, campaignID, s.ws)
	if err != nil {
		return nil, err
	}
	out := map[string][]SendJob{}
	for _, j := range list {
		out[j.MailboxID] = append(out[j.MailboxID], j)
	}
	return out, nil
}
