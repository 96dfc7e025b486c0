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
	changes, err := RouteReplies(ctx, tx, ws, []RouteRequest{{CampaignLeadID: campaignLeadID, Category: category,
		Text: text, Manual: manual}}, now)
	return changes[0], err
}

// RouteRequest is one categorised reply of a campaign lead for RouteReplies.
type RouteRequest struct {
	CampaignLeadID, Category, Text string
	Manual                         bool // a person's recategorisation
}

// RouteReplies is RouteReply for many replies (a sync page's), in a
// constant number of statements per round: a round takes the first
// pending reply of each campaign lead, reads their states at once, decides
// each (routing.Decide, no database) and writes the leaves, the entries and
// their events set-based. A later reply of the same lead goes in a later
// round, so it sees what the earlier one did, as one by one would. It
// returns each request's change, in order.
func RouteReplies(ctx context.Context, tx *store.Tx, ws string, reqs []RouteRequest, now time.Time) ([]routing.Change, error) {
	changes := make([]routing.Change, len(reqs))
	todo := make([]int, len(reqs)) // indexes into reqs not yet routed
	for i := range todo {
		todo[i] = i
	}
	for len(todo) > 0 {
		var round, rest []int
		inRound := map[string]bool{}
		for _, i := range todo {
			if id := reqs[i].CampaignLeadID; !inRound[id] {
				inRound[id] = true
				round = append(round, i)
			} else {
				rest = append(rest, i)
			}
		}
		if err := routeRound(ctx, tx, ws, reqs, round, changes, now); err != nil {
			return changes, err
		}
		todo = rest
	}
	return changes, nil
}

// campaignRoutes is a campaign with its parsed reply routes.
type campaignRoutes struct {
	store.Campaign
	routes []routing.Route
	loc    *time.Location
}

// routeRound routes reqs[i] for each i of round (one per campaign lead):
// read, decide, then apply.
func routeRound(ctx context.Context, tx *store.Tx, ws string, reqs []RouteRequest, round []int, changes []routing.Change, now time.Time) error {
	q := tx.InWorkspace(ws)
	ids := make([]string, len(round))
	for k, i := range round {
		ids[k] = reqs[i].CampaignLeadID
	}
	states, err := q.RouteStates(ctx, ids, routing.RouteBase)
	if err != nil {
		return err
	}
	campaigns, err := loadCampaignRoutes(ctx, q, states)
	if err != nil {
		return err
	}
	var p routePlan
	for _, i := range round {
		st := states[reqs[i].CampaignLeadID]
		if st == nil {
			return store.ErrNotFound
		}
		changes[i] = p.decide(reqs[i], st, campaigns[st.CampaignLead.CampaignID], now)
	}
	return p.apply(ctx, tx, ws, now)
}

// loadCampaignRoutes reads the routes (and time zone) of the states'
// campaigns, one campaign at a time: a page's replies come from few.
func loadCampaignRoutes(ctx context.Context, q store.Scope, states map[string]*store.RouteState) (map[string]*campaignRoutes, error) {
	out := map[string]*campaignRoutes{}
	for _, st := range states {
		id := st.CampaignLead.CampaignID
		if out[id] != nil {
			continue
		}
		routes, _, err := routing.Load(ctx, q, id)
		if err != nil {
			return nil, err
		}
		c := &campaignRoutes{routes: routes, loc: time.UTC}
		if len(routes) > 0 {
			if c.Campaign, err = q.Campaign(ctx, id); err != nil {
				return nil, err
			}
			if loc, err := timezone.Location(c.Timezone); err == nil {
				c.loc = loc
			}
		}
		out[id] = c
	}
	return out, nil
}

// routePlan is what a round writes.
type routePlan struct {
	leaves    []routeLeave
	completed []string // campaigns a leave without an entry may complete
	entries   []store.RouteEntry
	events    []event.Data
}

type routeLeave struct {
	campaignLeadID, status, reason string
	route                          int
}

// decide decides one reply of one campaign lead and adds its writes to p.
func (p *routePlan) decide(r RouteRequest, st *store.RouteState, c *campaignRoutes, now time.Time) routing.Change {
	cl := st.CampaignLead
	if len(c.routes) == 0 || !routable(cl.Status, st.Lead.Status) {
		return routing.Change{}
	}
	category, text := r.Category, r.Text
	if slices.Contains(routing.Blocking, category) {
		category, text = "", ""
	}
	ch := routing.Decide(c.routes, routing.Entered{Current: st.Current, All: st.Entered, FirstStepSent: st.FirstStepSent},
		category, text, r.Manual)
	if ch.Leave != 0 {
		status, reason := store.CampaignLeadStopped, "left route \""+c.routes[ch.Leave-1].Name+"\": "+ch.Reason
		if cl.RepliedAt != nil {
			status = store.CampaignLeadReplied
		}
		p.leaves = append(p.leaves, routeLeave{campaignLeadID: cl.ID, status: status, reason: reason, route: ch.Leave})
		if ch.Enter == 0 {
			p.completed = append(p.completed, cl.CampaignID)
		}
	}
	if ch.Enter == 0 {
		return ch
	}
	due := c.routes[ch.Enter-1].Steps[0].Delay().After(now, c.loc)
	p.entries = append(p.entries, store.RouteEntry{CampaignLead: cl, Route: ch.Enter, Reason: ch.Reason,
		First: store.SendJob{CampaignID: cl.CampaignID, CampaignLeadID: cl.ID, LeadID: cl.LeadID, MailboxID: cl.MailboxID,
			Step: routing.Position(ch.Enter, 1), Variant: "A", DueAt: due, RunAt: due}})
	entered := event.RouteEntered{Campaign: event.Ref{ID: c.ID, Name: c.Name}, Lead: event.LeadOf(st.Lead),
		Route: event.RouteRef{Number: ch.Enter, Name: c.routes[ch.Enter-1].Name}, Reason: ch.Reason}
	if ch.Leave != 0 {
		entered.Left = &event.RouteRef{Number: ch.Leave, Name: c.routes[ch.Leave-1].Name}
	}
	p.events = append(p.events, entered)
	return ch
}

// apply writes a round's decisions: leaves first (a lead may leave one
// route for another), then the entries and their events.
func (p *routePlan) apply(ctx context.Context, tx *store.Tx, ws string, now time.Time) error {
	q := tx.InWorkspace(ws)
	for _, l := range p.leaves {
		if err := q.LeaveRoute(ctx, l.campaignLeadID, l.route, l.status, l.reason, now); err != nil {
			return err
		}
	}
	if len(p.completed) > 0 {
		if _, err := q.CompleteCampaignsIfDone(ctx, p.completed, now); err != nil {
			return err
		}
	}
	if err := q.EnterRoutes(ctx, p.entries, now); err != nil {
		return err
	}
	return event.Record(ctx, tx.Queries, ws, p.events...)
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
