package lead

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/verify"
)

// MaxVerifyIDs bounds the lead ids of one verify request.
const MaxVerifyIDs = 10_000

// VerifyRequest is POST /api/leads/verify's body: the leads to check again
// (LeadIDs, or All), and whether to only count the verdicts (DryRun).
type VerifyRequest struct {
	LeadIDs []string `json:"leadIds"`
	All     bool     `json:"all"`
	DryRun  bool     `json:"dryRun"`
}

// Verify checks leads' addresses again on demand (internal/verify): the
// listed leads of the workspace (ids of other workspaces are ignored), or
// all of them. A dry run returns the verdict counts without storing them.
func (s *Service) Verify(ctx context.Context, p account.Principal, m account.Meta, rq VerifyRequest) (verify.Result, error) {
	switch {
	case rq.All && len(rq.LeadIDs) > 0:
		return verify.Result{}, problem.InvalidField("leadIds", "give leadIds or all, not both")
	case !rq.All && len(rq.LeadIDs) == 0:
		return verify.Result{}, problem.InvalidField("leadIds", "give the leads to check, or all: true")
	case len(rq.LeadIDs) > MaxVerifyIDs:
		return verify.Result{}, problem.InvalidField("leadIds", "at most 10000 leads at a time; use all: true for more")
	case s.verify == nil:
		return verify.Result{}, &problem.Error{Kind: problem.Conflict, Code: "verification_off",
			Message: "Address verification is not available on this server."}
	}
	res, err := s.verify.Run(ctx, p.WorkspaceID, verify.Selection{IDs: rq.LeadIDs, All: rq.All}, rq.DryRun)
	if err != nil || rq.DryRun {
		return res, err
	}
	return res, s.store.InsertAudit(ctx, Audit(p, m, "lead.verified", "", "", map[string]any{
		"checked": res.Checked, "changed": res.Changed, "domains": res.Domains, "all": rq.All}))
}
