package lead

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/store"
)

// erasedReason is the status reason of the campaign leads an erasure stops.
const erasedReason = "the lead was erased"

// Erase wipes a lead's personal data (the right to erasure): its values and
// their history go (store.EraseLead), and only a one-way hash of the address
// stays on the suppression list, so importing the person again keeps them
// out. In the same transaction its active campaign leads stop the way every
// stop does (enrollment.StopLeads, status stopped): pending sends canceled, and
// a campaign left without an active lead completed. It is retried on a
// deadlock, like the send engine's own stops it may meet.
func (s *Service) Erase(ctx context.Context, p account.Principal, m account.Meta, id string) error {
	return s.store.InTxRetry(ctx, func(tx *store.Tx) error {
		e, err := tx.InWorkspace(p.WorkspaceID).EraseLead(ctx, id)
		if err != nil {
			return err
		}
		stopped, err := enrollment.StopLeadEverywhere(ctx, tx, p.WorkspaceID, id, store.CampaignLeadStopped, erasedReason, s.env.Now())
		if err != nil {
			return err
		}
		return tx.InsertAudit(ctx, Audit(p, m, "lead.erased", "lead", id, map[string]any{
			"campaignsStopped": stopped, "historyDeleted": e.HistoryDeleted}))
	})
}
