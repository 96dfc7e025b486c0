package store

import (
	"context"
	"database/sql"
	"time"
)

// BounceStats is the hard-bounce record of a campaign or a mailbox: how many
// leads it contacted (their first step went out), how many of those are now
// bounced, and how many bounces the guard counted when it last paused it.
type BounceStats struct {
	WorkspaceID  string
	ID           string
	Contacted    int
	Bounced      int
	GuardBounces int
}

// CampaignBounceStats returns the stats of every active campaign that has
// at least one bounced lead, across workspaces: the bounce guard's pass.
func (q Queries) CampaignBounceStats(ctx context.Context) ([]BounceStats, error) {
	return q.bounceStats(ctx, `SELECT c.workspace_id, c.id, COUNT(*),
		SUM(CASE WHEN cl.status = 'bounced' THEN 1 ELSE 0 END), c.bounce_guard_bounces
		FROM campaigns c
		JOIN send_jobs j ON j.campaign_id = c.id AND j.step_position = 1 AND j.status = 'sent'
		JOIN campaign_leads cl ON cl.id = j.campaign_lead_id
		WHERE c.status = 'active'
		GROUP BY c.workspace_id, c.id, c.bounce_guard_bounces
		HAVING SUM(CASE WHEN cl.status = 'bounced' THEN 1 ELSE 0 END) > 0`)
}

// MailboxBounceStats returns the stats of every active mailbox over the
// first steps it sent since `since`, for those with at least one bounced
// lead, across workspaces.
func (q Queries) MailboxBounceStats(ctx context.Context, since time.Time) ([]BounceStats, error) {
	return q.bounceStats(ctx, `SELECT i.workspace_id, i.id, COUNT(*),
		SUM(CASE WHEN cl.status = 'bounced' THEN 1 ELSE 0 END), i.bounce_guard_bounces
		FROM inbox_connections i
		JOIN send_jobs j ON j.inbox_id = i.id AND j.step_position = 1 AND j.status = 'sent' AND j.sent_at >= ?
		JOIN campaign_leads cl ON cl.id = j.campaign_lead_id
		WHERE i.status = 'active'
		GROUP BY i.workspace_id, i.id, i.bounce_guard_bounces
		HAVING SUM(CASE WHEN cl.status = 'bounced' THEN 1 ELSE 0 END) > 0`, since)
}

func (q Queries) bounceStats(ctx context.Context, query string, args ...any) ([]BounceStats, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (BounceStats, error) {
		var b BounceStats
		err := r.Scan(&b.WorkspaceID, &b.ID, &b.Contacted, &b.Bounced, &b.GuardBounces)
		return b, err
	})
}

// PauseCampaignForBounces pauses an active campaign with a reason and
// remembers the bounce count; false when it was no longer active.
func (s Scope) PauseCampaignForBounces(ctx context.Context, id, reason string, bounces int, at time.Time) (bool, error) {
	return rowChanged(s.exec(ctx, `UPDATE campaigns SET status = 'paused', status_reason = ?, bounce_guard_bounces = ?,
		updated_at = ? WHERE id = ? AND workspace_id = ? AND status = 'active'`, reason, bounces, at, id, s.ws))
}

// PauseMailboxForBounces pauses an active mailbox with a reason and remembers
// the bounce count; false when it was no longer active.
func (s Scope) PauseMailboxForBounces(ctx context.Context, id, reason string, bounces int, at time.Time) (bool, error) {
	return rowChanged(s.exec(ctx, `UPDATE inbox_connections SET status = 'paused', status_reason = ?,
		bounce_guard_bounces = ?, updated_at = ? WHERE id = ? AND workspace_id = ? AND status = 'active'`,
		reason, bounces, at, id, s.ws))
}

// rowChanged reports whether an UPDATE of one row matched it.
func rowChanged(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
