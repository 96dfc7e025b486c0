package replies

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// StopSequence ends, at once, the sequence of the lead of a conversation in
// the conversation's campaign: its pending steps are cancelled in the same
// transaction as the audit record. stopped is false when the sequence had
// already ended.
func (s *Service) StopSequence(ctx context.Context, p account.Principal, conversationID string, m account.Meta) (stopped bool, err error) {
	ws := p.WorkspaceID
	// In enrollment's lock order (StopLead takes the campaign lead, then
	// its jobs); a deadlock on Postgres runs it again from scratch.
	err = s.st.InTxRetry(ctx, func(tx *store.Tx) error {
		stopped = false
		q := tx.InWorkspace(ws)
		c, err := q.Conversation(ctx, conversationID)
		if err != nil {
			return err
		}
		if c.CampaignLeadID == "" {
			return problem.New(problem.Conflict, "no_sequence", "This conversation is not part of a campaign: there is no sequence to stop.")
		}
		cl, err := q.CampaignLead(ctx, c.CampaignLeadID)
		if err != nil {
			return err
		}
		if cl.Status != store.CampaignLeadActive {
			return nil
		}
		if err := enrollment.StopLead(ctx, tx, ws, cl.ID, store.CampaignLeadStopped, "stopped by hand from the Replies inbox", s.env.Now()); err != nil {
			return err
		}
		stopped = true
		return tx.InsertAudit(ctx, lead.Audit(p, m, "campaign_lead.stopped", "campaign_lead", cl.ID,
			map[string]any{"campaignId": cl.CampaignID, "conversationId": c.ID}))
	})
	return stopped, err
}
