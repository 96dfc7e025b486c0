package sending

import (
	"context"
	"fmt"
	"time"

	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/template"
)

// sequenceRoutes are a sequence's reply routes, parsed, and its steps'
// conditions (internal/routing): route steps live in the job ledger at
// positions route*routing.RouteBase + step.
type sequenceRoutes struct {
	defs   []routing.Route
	routes [][]Step                // by route (0-based), its parsed steps
	skips  map[int]*routing.SkipIf // by ledger position
}

// attachRoutes puts a campaign's routes and conditions (routing.Parse)
// into seq, their steps' templates parsed.
func attachRoutes(seq *Sequence, defs []routing.Route, skips map[int]*routing.SkipIf) error {
	seq.extra.defs, seq.extra.skips = defs, skips
	seq.extra.routes = make([][]Step, len(defs))
	for r, def := range defs {
		for k, st := range def.Steps {
			subject, err := template.Parse(st.Subject)
			if err != nil {
				return fmt.Errorf("route %d step %d subject: %w", r+1, k+1, err)
			}
			body, err := template.Parse(st.Body)
			if err != nil {
				return fmt.Errorf("route %d step %d body: %w", r+1, k+1, err)
			}
			seq.extra.routes[r] = append(seq.extra.routes[r], Step{Delay: st.Delay(),
				Variants: []Variant{{Letter: "A", Subject: subject, Body: body}}})
		}
	}
	return nil
}

// stepAt is the step at a ledger position, main or route; nil when the
// sequence has none there (a step or route removed since).
func (s *Sequence) stepAt(position int) *Step {
	r, k := routing.Split(position)
	steps := s.Steps
	if r > 0 {
		if r > len(s.extra.routes) {
			return nil
		}
		steps = s.extra.routes[r-1]
	}
	if k < 1 || k > len(steps) {
		return nil
	}
	return &steps[k-1]
}

// isLast reports whether position is the last step of its track (the main
// sequence or its route).
func (s *Sequence) isLast(position int) bool {
	return s.stepAt(position+1) == nil
}

// skipOf is the condition of the step at position, and whether it holds
// for the lead.
func (s *Sequence) skipOf(position int, l store.Lead, repliedElsewhere bool) (bool, string) {
	c := s.extra.skips[position]
	skip, why := routing.Skip(c, input.LeadData(l), repliedElsewhere)
	if !skip {
		return false, ""
	}
	return true, routing.SkipDetail(position, s.extra.defs, why)
}

// needsRepliedElsewhere reports whether a step's condition asks whether
// the lead replied in another campaign.
func (s *Sequence) needsRepliedElsewhere() bool {
	for _, c := range s.extra.skips {
		if c != nil && c.Op == routing.OpRepliedElsewhere {
			return true
		}
	}
	return false
}

// offTrack reports why a job must not go although its step exists: a main
// step of a lead that entered a reply route, or a route step of a lead no
// longer in that route ("" when it may go).
func offTrack(position int, cl store.CampaignLead) string {
	r, _ := routing.Split(position)
	switch {
	case r == 0 && cl.Route != 0:
		return "lead_routed"
	case r != 0 && cl.Route != r:
		return "route_left"
	}
	return ""
}

// followingJob is the job after position for a campaign lead, due its
// delay after now in the campaign's zone, from the mailbox; false when
// position was its track's last step.
func (s *Sequence) followingJob(position int, campaignID string, cl store.CampaignLead, leadID, mailboxID string,
	loc *time.Location, now time.Time) (store.SendJob, bool) {
	next := s.stepAt(position + 1)
	if next == nil {
		return store.SendJob{}, false
	}
	due := next.Delay.After(now, loc)
	return store.SendJob{CampaignID: campaignID, CampaignLeadID: cl.ID, LeadID: leadID, MailboxID: mailboxID,
		Step: position + 1, Variant: rules.VariantFor(cl.ID, position+1, len(next.Variants)), DueAt: due, RunAt: due}, true
}

// skip is the action for a due job whose condition holds: the job is
// skipped, and the lead moves on to the following step, due its delay
// after now, or, at its track's last step, is done.
func (d *mailboxDecider) skip(c *campaignState, seq *Sequence, w *store.JobWork, detail string) jobAction {
	a := jobAction{w: w, kind: actSkip, detail: detail}
	if next, ok := seq.followingJob(w.Job.Step, c.ID, w.CampaignLead, w.Lead.ID, w.Job.MailboxID, c.sched.Timezone, d.now); ok {
		a.next = &next
	} else if w.CampaignLead.Status == store.CampaignLeadActive {
		a.stop = &stop{d.mailbox.WorkspaceID, w.CampaignLead.ID, store.CampaignLeadCompleted, "every step was sent or skipped"}
	}
	return a
}

// applySkip writes a skipped job and schedules the following one.
func applySkip(ctx context.Context, q store.Queries, a jobAction, now time.Time) error {
	if err := q.SkipJob(ctx, a.w.Job.ID, a.detail, now); err != nil {
		return err
	}
	if a.next == nil {
		return nil
	}
	_, err := q.InWorkspace(a.w.Job.WorkspaceID).InsertSendJobs(ctx, []store.SendJob{*a.next})
	return err
}

// repliedElsewhereOf asks, for the jobs whose sequence has a "replied in
// another campaign" condition, which leads replied in another campaign.
func repliedElsewhereOf(ctx context.Context, q store.Queries, ws string, seqs map[string]loadedSequence,
	jobs []*store.JobWork) (map[string]bool, error) {
	byCampaign := map[string][]string{}
	for _, w := range jobs {
		if s, ok := seqs[w.Job.CampaignID]; ok && s.seq != nil && s.seq.needsRepliedElsewhere() {
			byCampaign[w.Job.CampaignID] = append(byCampaign[w.Job.CampaignID], w.Lead.ID)
		}
	}
	out := map[string]bool{}
	for campaignID, leads := range byCampaign {
		found, err := q.InWorkspace(ws).LeadsRepliedElsewhere(ctx, campaignID, leads)
		if err != nil {
			return nil, err
		}
		for id := range found {
			out[id] = true
		}
	}
	return out, nil
}
