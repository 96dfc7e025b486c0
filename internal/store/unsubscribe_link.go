package store

import (
	"context"
	"time"
)

// UnsubscribeLink is what an unsubscribe token resolves to on its own
// (migration 0011): the workspace and the address a message went to. Its id
// is the campaign lead's id the token signs; the row outlives the campaign
// lead, the lead and the mailbox. After the lead's erasure Email is blank
// and EmailHash (EmailHash of the address) is all that is left.
type UnsubscribeLink struct {
	ID          string
	WorkspaceID string
	Email       string
	EmailHash   string
}

// SaveUnsubscribeLinks records the links of messages about to be sent, in
// the transaction that claims them, so a link exists before any message
// carrying it leaves. A link already saved is left as it is (DO NOTHING takes
// no row lock, so a claim never waits on an erasure blanking the row).
func (q Queries) SaveUnsubscribeLinks(ctx context.Context, links []UnsubscribeLink, at time.Time) error {
	return eachChunk(len(links), func(lo, hi int) error {
		args := make([]any, 0, 4*(hi-lo))
		for _, l := range links[lo:hi] {
			args = append(args, l.ID, l.WorkspaceID, l.Email, at)
		}
		_, err := q.exec(ctx, `INSERT INTO unsubscribe_links (id, workspace_id, email, created_at) VALUES `+
			rowsOf("(?, ?, ?, ?)", hi-lo)+` ON CONFLICT (id) DO NOTHING`, args...)
		return err
	})
}

// UnsubscribeLinkByID reads the link an unsubscribe token names. It is a
// cross-workspace read on purpose: the signed token is the only credential
// of a public one-click unsubscribe, and the row says which workspace it
// belongs to.
func (q Queries) UnsubscribeLinkByID(ctx context.Context, id string) (UnsubscribeLink, error) {
	l := UnsubscribeLink{ID: id}
	err := q.queryRow(ctx, `SELECT workspace_id, email, email_hash FROM unsubscribe_links WHERE id = ?`, id).
		Scan(&l.WorkspaceID, &l.Email, &l.EmailHash)
	return l, notFound(err)
}

// forgetUnsubscribeAddresses blanks the addresses of an erased lead's links
// (those with its address, and those of its campaign leads, which may carry
// an address it had before an edit), keeping each one's hash, so the links
// still suppress the person without naming them.
func (s Scope) forgetUnsubscribeAddresses(ctx context.Context, leadID, email string) error {
	emails, err := s.queryStrings(ctx, `SELECT DISTINCT email FROM unsubscribe_links WHERE workspace_id = ? AND email <> ''
		AND (email = ? OR id IN (SELECT id FROM campaign_leads WHERE lead_id = ? AND workspace_id = ?))`,
		s.ws, email, leadID, s.ws)
	if err != nil {
		return err
	}
	for _, e := range emails {
		if _, err := s.exec(ctx, `UPDATE unsubscribe_links SET email = '', email_hash = ? WHERE workspace_id = ? AND email = ?`,
			EmailHash(e), s.ws, e); err != nil {
			return err
		}
	}
	return nil
}
