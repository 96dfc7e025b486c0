package store

import "context"

// MarkConversationUnread puts the unread mark back on a conversation (the
// Replies page's "Mark unread"); opening the thread clears it again.
func (s Scope) MarkConversationUnread(ctx context.Context, id string) error {
	return s.execOne(ctx, `UPDATE conversations SET unread = TRUE WHERE id = ? AND workspace_id = ?`, id, s.ws)
}

// CountUnreadConversations counts the workspace's unread conversations,
// stopping at max: the nav badge shows "99+" rather than paying for an
// exact count of a flooded inbox. It reads the conversations_unread
// partial index, whose predicate the query repeats.
func (s Scope) CountUnreadConversations(ctx context.Context, max int) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM conversations WHERE workspace_id = ? AND unread LIMIT ?) u`,
		s.ws, max).Scan(&n)
	return n, err
}

// CampaignLeadSteps returns how many steps each campaign lead was sent, by
// id, for the step column of the Replies list; unknown ids are absent.
func (s Scope) CampaignLeadSteps(ctx context.Context, ids []string) (map[string]int, error) {
	out := map[string]int{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{s.ws}
	args = append(args, anys(ids)...)
	rows, err := s.query(ctx, `SELECT id, last_step_sent FROM campaign_leads WHERE workspace_id = ? AND id IN (`+marks(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
