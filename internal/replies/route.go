package replies

import (
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/store"
)

// routeReply is a categorised reply of a campaign lead whose campaign's
// reply routes are applied once the page's stops are written
// (enrollment.RouteReply).
type routeReply struct {
	campaignID, campaignLeadID, category, text string
}

// flushRoutes applies the reply routes to the page's replies, in order,
// after flushEffects: the reply's own stop (stop on reply) comes first,
// and a route then takes the lead on. The page's routed replies go to
// enrollment.RouteReplies together, so entering routes costs a few
// statements per page, not per reply; campaigns without routes cost one
// query per page, whatever the number of their replies.
func (p *pageState) flushRoutes(ctx context.Context) error {
	hasRoutes := map[string]bool{}
	var reqs []enrollment.RouteRequest
	for _, r := range p.routeReplies {
		routed, seen := hasRoutes[r.campaignID]
		if !seen {
			routes, _, err := p.q.SequenceRoutes(ctx, r.campaignID)
			if err != nil {
				return err
			}
			routed = routes != "[]" && routes != "" && routes != "null"
			hasRoutes[r.campaignID] = routed
		}
		if routed {
			reqs = append(reqs, enrollment.RouteRequest{CampaignLeadID: r.campaignLeadID, Category: r.category, Text: r.text})
		}
	}
	_, err := enrollment.RouteReplies(ctx, p.tx, p.t.WorkspaceID, reqs, p.now)
	return err
}

// routeAfterCategory applies the reply routes after a conversation's
// category changed (by a person or the model: a re-evaluation of the same
// reply, so manual is true for both): the text read is
// the conversation's latest received message.
func routeAfterCategory(ctx context.Context, tx *store.Tx, ws string, c store.Conversation, category string, manual bool, now time.Time) error {
	if c.CampaignLeadID == "" || c.LastInboundID == "" {
		return nil
	}
	q := tx.InWorkspace(ws)
	m, err := q.Message(ctx, c.LastInboundID)
	if err != nil {
		return err
	}
	_, err = enrollment.RouteReply(ctx, tx, ws, c.CampaignLeadID, category, m.Text, manual, now)
	return err
}
