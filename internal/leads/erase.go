package leads

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Erase wipes a lead's personal data (the right to erasure): its values and
// their history go, its scheduled sends are canceled and its campaigns
// stopped, and only a one-way hash of the address stays on the suppression
// list, so importing the person again keeps them out. See store.EraseLead.
func (s *Service) Erase(ctx context.Context, p account.Principal, m account.Meta, id string) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.InWorkspace(p.WorkspaceID).EraseLead(ctx, id)
		if err != nil {
			return err
		}
		return tx.InsertAudit(ctx, Audit(p, m, "lead.erased", "lead", id, map[string]any{
			"jobsCanceled": e.JobsCanceled, "campaignsStopped": e.CampaignsStopped}))
	})
}
