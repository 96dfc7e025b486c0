package lead

import (
	"context"
	"sync"
	"time"

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

// VerifyOutcome answers a verify request: the pass's counts when it ended
// within the wait, else Running: it goes on in the background (its verdicts
// are stored page by page as it goes, and its counts go to the audit log as
// lead.verified when it ends).
type VerifyOutcome struct {
	verify.Result
	Running bool `json:"running"`
}

// DefaultVerifyWait is how long a verify request waits for its pass before
// answering that the pass goes on in the background. A pass over a whole
// workspace with the SMTP probe on asks every domain's mail server at a
// polite pace and can take far longer than a request may.
const DefaultVerifyWait = 20 * time.Second

// passLimit bounds one background pass; what it stored until then stays.
const passLimit = 6 * time.Hour

// PassOptions tune on-demand passes. Tests shorten Wait, hold passes in
// Started and watch Done.
type PassOptions struct {
	Wait time.Duration // default DefaultVerifyWait
	// Started, when set, is called as each stored pass starts, before it
	// checks anything, in the pass's goroutine, with the pass's context.
	Started func(ctx context.Context, workspaceID string)
	// Done, when set, is called as each stored pass ends (after its audit
	// event is written).
	Done func(workspaceID string, res verify.Result, err error)
}

// passes are the on-demand verification passes running in this process:
// one pass over a whole workspace at a time (a second would check the same
// leads again), any number over listed leads.
type passes struct {
	mu       sync.Mutex
	all      map[string]bool // workspace id → a pass over all its leads runs
	opt      PassOptions
	base     context.Context // canceled by StopPasses
	stopAll  context.CancelFunc
	stopping bool
	running  sync.WaitGroup
}

// begin registers a pass and returns its context: parent's values, ended
// by passLimit or StopPasses. ok is false once the service is stopping.
func (p *passes) begin(parent context.Context) (ctx context.Context, end func(), ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopping {
		return nil, nil, false
	}
	if p.base == nil {
		p.base, p.stopAll = context.WithCancel(context.Background())
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), passLimit)
	unhook := context.AfterFunc(p.base, cancel)
	p.running.Add(1)
	return ctx, func() {
		unhook()
		cancel()
		p.running.Done()
	}, true
}

// StopPasses cancels the on-demand passes still running and waits for
// them to return (the server is shutting down: what they stored stays).
func (s *Service) StopPasses() {
	p := &s.passes
	p.mu.Lock()
	p.stopping = true
	if p.stopAll != nil {
		p.stopAll()
	}
	p.mu.Unlock()
	p.running.Wait()
}

// SetPassOptions replaces the on-demand passes' options.
func (s *Service) SetPassOptions(o PassOptions) {
	s.passes.mu.Lock()
	defer s.passes.mu.Unlock()
	s.passes.opt = o
}

func (p *passes) options() PassOptions {
	p.mu.Lock()
	defer p.mu.Unlock()
	o := p.opt
	if o.Wait <= 0 {
		o.Wait = DefaultVerifyWait
	}
	return o
}

// claimAll marks a whole-workspace pass as running; false when one already is.
func (p *passes) claimAll(wsID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.all[wsID] {
		return false
	}
	if p.all == nil {
		p.all = map[string]bool{}
	}
	p.all[wsID] = true
	return true
}

func (p *passes) releaseAll(wsID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.all, wsID)
}

// checkVerifyRequest validates a verify request: a pure rule.
func checkVerifyRequest(rq VerifyRequest) error {
	switch {
	case rq.All && len(rq.LeadIDs) > 0:
		return problem.InvalidField("leadIds", "give leadIds or all, not both")
	case !rq.All && len(rq.LeadIDs) == 0:
		return problem.InvalidField("leadIds", "give the leads to check, or all: true")
	case len(rq.LeadIDs) > MaxVerifyIDs:
		return problem.InvalidField("leadIds", "at most 10000 leads at a time; use all: true for more")
	}
	return nil
}

// Verify checks leads' addresses again on demand (internal/verify): the
// listed leads of the workspace (ids of other workspaces are ignored), or
// all of them. A dry run counts the verdicts without storing them and is
// answered in the request (it writes nothing, so a request cut short loses
// nothing). A stored pass runs apart from the request: it is answered with
// its counts when it ends within the wait, else as running.
func (s *Service) Verify(ctx context.Context, p account.Principal, m account.Meta, rq VerifyRequest) (VerifyOutcome, error) {
	if err := checkVerifyRequest(rq); err != nil {
		return VerifyOutcome{}, err
	}
	if s.verify == nil {
		return VerifyOutcome{}, &problem.Error{Kind: problem.Conflict, Code: "verification_off",
			Message: "Address verification is not available on this server."}
	}
	sel := verify.Selection{IDs: rq.LeadIDs, All: rq.All}
	if rq.DryRun {
		res, err := s.verify.Run(ctx, p.WorkspaceID, sel, true)
		return VerifyOutcome{Result: res}, err
	}
	if rq.All && !s.passes.claimAll(p.WorkspaceID) {
		return VerifyOutcome{}, &problem.Error{Kind: problem.Conflict, Code: "verification_running",
			Message: "Every address of this workspace is being checked already; the lead list shows the verdicts as they are stored."}
	}
	passCtx, end, ok := s.passes.begin(ctx)
	if !ok {
		if rq.All {
			s.passes.releaseAll(p.WorkspaceID)
		}
		return VerifyOutcome{}, &problem.Error{Kind: problem.Unavailable, Code: "shutting_down",
			Message: "The server is shutting down; check the addresses again once it is back."}
	}
	opt := s.passes.options()
	type passEnd struct {
		res verify.Result
		err error
	}
	ended := make(chan passEnd, 1) // the pass never waits for the request
	go func() {
		defer end()
		if rq.All {
			defer s.passes.releaseAll(p.WorkspaceID)
		}
		if opt.Started != nil {
			opt.Started(passCtx, p.WorkspaceID)
		}
		res, err := s.runPass(passCtx, p, m, sel)
		if opt.Done != nil {
			opt.Done(p.WorkspaceID, res, err)
		}
		ended <- passEnd{res, err}
	}()
	wait := time.NewTimer(opt.Wait)
	defer wait.Stop()
	select {
	case e := <-ended:
		if e.err != nil {
			return VerifyOutcome{}, e.err
		}
		return VerifyOutcome{Result: e.res}, nil
	case <-wait.C:
		return VerifyOutcome{Result: verify.Result{Counts: map[string]int{}}, Running: true}, nil
	}
}

// runPass runs a stored pass and writes its audit event; a failure after
// the request was answered is logged.
func (s *Service) runPass(ctx context.Context, p account.Principal, m account.Meta, sel verify.Selection) (verify.Result, error) {
	res, err := s.verify.Run(ctx, p.WorkspaceID, sel, false)
	if err != nil {
		s.env.Log().WarnContext(ctx, "verify leads", "workspace_id", p.WorkspaceID, "checked", res.Checked, "err", err)
		return res, err
	}
	err = s.store.InsertAudit(ctx, Audit(p, m, "lead.verified", "", "", map[string]any{
		"checked": res.Checked, "changed": res.Changed, "domains": res.Domains, "all": sel.All}))
	return res, err
}
