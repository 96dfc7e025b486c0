package enrollment

import (
	"context"
	"slices"
	"time"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/timezone"
)

// RouteReply applies a campaign's reply routes to a categorised reply of one
// campaign lead (internal/routing.Decide): the lead may enter a route (its
// main sequence's pending steps are canceled, the route's first step is
// scheduled from the same mailbox, in the same thread), or, on a person's
// recategorisation (manual) before the route's first step went, leave it.
// Unsubscribes, bounces and out-of-office replies never enter a route, nor
// does a lead stopped for any reason other than its reply. It runs in the
// caller's transaction, after the reply's own stops.
func RouteReply(ctx context.Context, tx *store.Tx, ws, campaignLeadID, category, text string, manual bool, now time.Time) (routing.Change, error) {
	q := tx.InWorkspace(ws)
	cl, err := q.CampaignLead(ctx, campaignLeadID)
	if err != nil {
		return routing.Change{}, err
	}
	routesJSON, skipJSON, err := q.SequenceRoutes(ctx, cl.CampaignID)
	if err != nil {
		return routing.Change{}, err
	}
	routes, _, err := routing.Parse(routesJSON, skipJSON)
	if err != nil || len(routes) == 0 {
		return routing.Change{}, err
	}
	l, err := q.Lead(ctx, cl.LeadID)
	if err != nil {
		return routing.Change{}, err
	}
	lr, err := q.LeadRouteOf(ctx, cl.ID, routing.RouteBase)
	if err != nil {
		return routing.Change{}, err
	}
	if !routable(cl.Status, l.Status) {
		return routing.Change{}, nil
	}
	if slices.Contains(routing.Blocking, category) {
		category, text = "", ""
	}
	ch := routing.Decide(routes, routing.Entered{Current: lr.Current, All: lr.Entered, FirstStepSent: lr.FirstStepSent},
		category, text, manual)
	if ch.Leave != 0 {
		status, reason := store.CampaignLeadStopped, "left route \""+routes[ch.Leave-1].Name+"\": "+ch.Reason
		if cl.RepliedAt != nil {
			status = store.CampaignLeadReplied
		}
		if err := q.LeaveRoute(ctx, cl.ID, ch.Leave, status, reason, now); err != nil {
			return ch, err
		}
		if ch.Enter == 0 {
			_, err := q.CompleteCampaignsIfDone(ctx, []string{cl.CampaignID}, now)
			return ch, err
		}
	}
	if ch.Enter == 0 {
		return ch, nil
	}
	c, err := q.Campaign(ctx, cl.CampaignID)
	if err != nil {
		return ch, err
	}
	loc, err := timezone.Location(c.Timezone)
	if err != nil {
		loc = time.UTC
	}
	due := routes[ch.Enter-1].Steps[0].Delay().After(now, loc)
	first := store.SendJob{CampaignID: cl.CampaignID, CampaignLeadID: cl.ID, LeadID: cl.LeadID, MailboxID: cl.MailboxID,
		Step: routing.Position(ch.Enter, 1), Variant: "A", DueAt: due, RunAt: due}
	if err := q.EnterRoute(ctx, cl, ch.Enter, ch.Reason, first, now); err != nil {
		return ch, err
	}
	entered := event.RouteEntered{Campaign: event.Ref{ID: c.ID, Name: c.Name}, Lead: event.LeadOf(l),
		Route: event.RouteRef{Number: ch.Enter, Name: routes[ch.Enter-1].Name}, Reason: ch.Reason}
	if ch.Leave != 0 {
		entered.Left = &event.RouteRef{Number: ch.Leave, Name: routes[ch.Leave-1].Name}
	}
	return ch, event.Record(ctx, tx.Queries, ws, entered)
}

// routable reports whether a campaign lead may enter a route: it is still
// running, finished, or stopped by its reply, and its address is neither
// unsubscribed, bounced nor erased.
func routable(clStatus, leadStatus string) bool {
	if leadStatus != "" && leadStatus != store.LeadActive {
		return false
	}
	switch clStatus {
	case store.CampaignLeadActive, store.CampaignLeadReplied, store.CampaignLeadCompleted:
		return true
	}
	return false
}
