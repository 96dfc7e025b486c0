package plan

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// ExplainRoute is the reply route a lead is in.
type ExplainRoute struct {
	Route int    `json:"route"` // 1-based
	Name  string `json:"name"`
}

// RouteFacts are what explain adds about reply routes and step
// conditions (internal/routing).
type RouteFacts struct {
	// Route is the reply route the lead is in (null: the main sequence).
	Route *ExplainRoute `json:"route"`
	// NextStepLabel names the waiting step: "step 2" or "route 1 (Later)
	// step 1" (route steps have positions route*100 + step).
	NextStepLabel string `json:"nextStepLabel,omitempty"`
	// Skipped says which steps their conditions skipped, and why.
	Skipped []string `json:"skipped,omitempty"`
	// WillSkip is set when the waiting step's condition holds now: it
	// will be skipped when it falls due unless that changes.
	WillSkip string `json:"willSkip,omitempty"`
}

// ExplainRoutes fills x's route facts.
func ExplainRoutes(ctx context.Context, st *store.Store, wsID string, x *Explanation) error {
	s := st.InWorkspace(wsID)
	routes, skips, err := routing.Load(ctx, s, x.CampaignID)
	if err != nil {
		return err
	}
	lr, err := s.LeadRouteOf(ctx, x.CampaignLeadID, routing.RouteBase)
	if err != nil {
		return err
	}
	if lr.Current > 0 && lr.Current <= len(routes) {
		x.Route = &ExplainRoute{Route: lr.Current, Name: routes[lr.Current-1].Name}
	}
	if x.Skipped, err = s.SkippedStepsOf(ctx, x.CampaignLeadID); err != nil {
		return err
	}
	if x.NextStep == 0 {
		return nil
	}
	x.NextStepLabel = routing.StepLabel(x.NextStep, routes)
	c := skips[x.NextStep]
	if c == nil {
		return nil
	}
	lead, err := s.Lead(ctx, x.LeadID)
	if err != nil {
		return err
	}
	replied := map[string]bool{}
	if c.Op == routing.OpRepliedElsewhere {
		if replied, err = s.LeadsRepliedElsewhere(ctx, x.CampaignID, []string{x.LeadID}); err != nil {
			return err
		}
	}
	if skip, why := routing.Skip(c, input.LeadData(lead), replied[x.LeadID]); skip {
		x.WillSkip = x.NextStepLabel + " will be skipped when it falls due: " + why
	}
	return nil
}

// routeDelays are the delays of a campaign's reply route steps by ledger
// position, for the forecast.
func routeDelays(ctx context.Context, s store.Scope, campaignID string) (map[int]rules.Delay, error) {
	routes, _, err := routing.Load(ctx, s, campaignID)
	if err != nil {
		return nil, err
	}
	out := map[int]rules.Delay{}
	for r, route := range routes {
		for k, st := range route.Steps {
			out[routing.Position(r+1, k+1)] = st.Delay()
		}
	}
	return out, nil
}
