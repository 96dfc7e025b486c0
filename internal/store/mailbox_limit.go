package store

import "context"

// MarkMailboxLimitReached notes that a mailbox reached its sending limit on
// its local day day; false when that day was already noted, so the caller
// reports it once per mailbox per day.
func (s Scope) MarkMailboxLimitReached(ctx context.Context, mailboxID, day string) (bool, error) {
	return rowChanged(s.exec(ctx, `UPDATE inbox_connections SET limit_reached_date = ?
		WHERE id = ? AND workspace_id = ? AND limit_reached_date <> ?`, day, mailboxID, s.ws, day))
}
