package store

import "context"

// CampaignForUpdate is Campaign with the row locked until the transaction
// ends (Postgres), so two launches or a launch and a pause serialise.
func (s Scope) CampaignForUpdate(ctx context.Context, id string) (Campaign, error) {
	c, err := scanCampaign(s.queryRow(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE id = ? AND workspace_id = ?`+
		s.d.lockRows(), id, s.ws))
	if err != nil {
		return c, err
	}
	c.MailboxIDs, err = s.CampaignMailboxIDs(ctx, id)
	return c, err
}

// LockCampaignJobs locks a campaign's unfinished jobs (Postgres). A change
// that moves or deletes them takes these locks before the campaign's row,
// in the order a tick takes them (jobs, then campaigns), so the two never
// wait on each other in a cycle.
func (s Scope) LockCampaignJobs(ctx context.Context, campaignID string) error {
	rows, err := s.query(ctx, `SELECT id FROM send_jobs WHERE campaign_id = ? AND workspace_id = ?
		AND status IN ('scheduled', 'held', 'claimed', 'sending')`+s.d.lockRows(), campaignID, s.ws)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}
