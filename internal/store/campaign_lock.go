package store

import "context"

// CampaignForUpdate is Campaign with the row locked until the transaction
// ends (Postgres), so two launches or a launch and a pause serialise.
func (s Scope) CampaignForUpdate(ctx context.Context, id string) (Campaign, error) {
	c, err := scanCampaign(s.queryRow(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE id = ? AND workspace_id = ?`+
		s.d.forUpdate(), id, s.ws))
	if err != nil {
		return c, err
	}
	c.InboxIDs, err = s.CampaignInboxIDs(ctx, id)
	return c, err
}
