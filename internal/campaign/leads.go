package campaign

import (
	"context"
	"fmt"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/sending/plan"
	"github.com/leadbitz/leadbitz/internal/store"
)

// MaxLeadsPerRequest bounds one POST /api/campaigns/{id}/leads.
const MaxLeadsPerRequest = 10_000

// AddLeadsResult is the answer of POST /api/campaigns/{id}/leads.
type AddLeadsResult struct {
	Added             int `json:"added"`
	SkippedSuppressed int `json:"skippedSuppressed"`
	SkippedDuplicate  int `json:"skippedDuplicate"`
	// SkippedInactive counts leads that bounced, unsubscribed or were
	// erased workspace-wide but are not (yet) on the suppression list.
	SkippedInactive int `json:"skippedInactive"`
}

// AddLeads adds the workspace's leads to a campaign that is not completed.
// Each lead is checked against the suppression list (store.Scope.Suppressed's
// rule, asked for the whole batch at once); suppressed ones and ones
// already in the campaign are counted, not added. In a running or paused
// campaign the new leads get a mailbox and step 1 at once, due from now.
func (s *Service) AddLeads(ctx context.Context, p account.Principal, id string, leadIDs []string, m account.Meta) (AddLeadsResult, error) {
	var res AddLeadsResult
	if len(leadIDs) == 0 || len(leadIDs) > MaxLeadsPerRequest {
		return res, problem.InvalidField("leadIds", fmt.Sprintf("must list 1 to %d lead ids", MaxLeadsPerRequest))
	}
	err := s.st.InTxRetry(ctx, func(tx *store.Tx) error {
		res = AddLeadsResult{}
		q := tx.InWorkspace(p.WorkspaceID)
		c, err := q.CampaignForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if c.Status == store.CampaignCompleted {
			return problem.New(problem.Conflict, "campaign_completed", "Leads cannot join a completed campaign.")
		}
		leads, err := q.LeadsByIDs(ctx, leadIDs)
		if err != nil {
			return err
		}
		var unknown []string
		emails := make([]string, 0, len(leads))
		for _, lid := range leadIDs {
			l, ok := leads[lid]
			if !ok {
				unknown = append(unknown, lid)
				continue
			}
			emails = append(emails, l.Email)
		}
		if len(unknown) > 0 {
			shown := unknown[:min(len(unknown), 20)]
			return problem.InvalidField("leadIds", "not leads of this workspace: "+strings.Join(shown, ", "))
		}
		suppressed, err := q.SuppressedAmong(ctx, emails)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, lid := range leadIDs {
			l := leads[lid]
			switch {
			case seen[lid]:
				res.SkippedDuplicate++
				continue
			case hasKey(suppressed, l.Email):
				res.SkippedSuppressed++
				continue
			case l.Status != store.LeadActive:
				res.SkippedInactive++
				continue
			}
			seen[lid] = true
			added, err := q.AddCampaignLead(ctx, &store.CampaignLead{CampaignID: id, LeadID: lid})
			if err != nil {
				return err
			}
			if added {
				res.Added++
			} else {
				res.SkippedDuplicate++
			}
		}
		if c.Status != store.CampaignDraft && res.Added > 0 {
			if _, err := enrollment.StartLeads(ctx, tx, p.WorkspaceID, c, s.env.Now()); err != nil {
				return err
			}
		}
		return tx.InsertAudit(ctx, audit(p, m, "campaign.leads_added", id, map[string]any{"added": res.Added,
			"skippedSuppressed": res.SkippedSuppressed, "skippedDuplicate": res.SkippedDuplicate}))
	})
	return res, err
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

// Explain says why a lead's next step has or has not gone out.
func (s *Service) Explain(ctx context.Context, ws, campaignID, leadID string) (plan.Explanation, error) {
	x, err := plan.Explain(ctx, s.st, ws, campaignID, leadID, s.env.Now())
	if err != nil {
		return x, err
	}
	return x, plan.ExplainRoutes(ctx, s.st, ws, &x)
}

// MaxForecastDays bounds ?days= of the forecast.
const MaxForecastDays = 90

// Forecast plans a campaign's sends per day and mailbox.
func (s *Service) Forecast(ctx context.Context, ws, campaignID string, days int) (plan.CampaignForecast, error) {
	if days < 1 || days > MaxForecastDays {
		return plan.CampaignForecast{}, problem.InvalidField("days", fmt.Sprintf("must be 1 to %d", MaxForecastDays))
	}
	return plan.Forecast(ctx, s.st, ws, campaignID, days, s.env.Now())
}
