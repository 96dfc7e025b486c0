package store

import "context"

// CampaignRef names a campaign next to something that uses it (a
// mailbox's campaigns on the Mailboxes page).
type CampaignRef struct {
	ID     string
	Name   string
	Status string
}

// MailboxCampaigns lists, in one query, the campaigns each of the
// workspace's mailboxes sends for, by mailbox id, campaigns by name.
// Mailboxes no campaign uses are absent from the map.
func (s Scope) MailboxCampaigns(ctx context.Context) (map[string][]CampaignRef, error) {
	rows, err := s.query(ctx, `SELECT ci.inbox_id, c.id, c.name, c.status FROM campaign_inboxes ci
		JOIN campaigns c ON c.id = ci.campaign_id AND c.workspace_id = ci.workspace_id
		WHERE ci.workspace_id = ? ORDER BY c.name, c.id`, s.ws)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]CampaignRef{}
	for rows.Next() {
		var mailboxID string
		var c CampaignRef
		if err := rows.Scan(&mailboxID, &c.ID, &c.Name, &c.Status); err != nil {
			return nil, err
		}
		out[mailboxID] = append(out[mailboxID], c)
	}
	return out, rows.Err()
}
