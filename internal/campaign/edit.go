package campaign

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Editing a launched campaign's sequence (active or paused). The rules:
//
//   - A step of the PUT may name the stored step it is with "position" (the
//     GET returns it). Without any position, step i is stored step i, steps
//     beyond the stored ones are added at the end and missing ones at the
//     end are deleted. A step without a position among steps with one is a
//     new step, inserted where it stands.
//   - Stored steps keep their order: naming them out of order is a reorder,
//     refused with 409 reorder_refused naming the field. Step 1 stays first
//     (409 first_step_fixed): leads' threads start with it.
//   - A change makes a new version of the sequence. Messages already
//     rendered (sent, or claimed by a tick) keep the version they went out
//     with; unsent jobs take the new text.
//   - A lead has passed the stored steps up to its last sent step, and the
//     new steps inserted before the last of those; its next step is the
//     first one after. A pending job whose step is still that next step
//     stays (retimed when the step's delay changed); otherwise it is
//     canceled and the next step is scheduled from the lead's last send. A
//     lead with no step left is completed.

// StepChange is what an edit does to one step of the new sequence.
type StepChange struct {
	Position int `json:"position"`
	// From is the stored step's position, 0 for an added step.
	From         int    `json:"from"`
	Change       string `json:"change"` // unchanged, edited, added
	TextChanged  bool   `json:"textChanged"`
	DelayChanged bool   `json:"delayChanged"`
	// AlreadySent counts the leads this step already went to: they keep
	// the version they got (Version).
	AlreadySent int `json:"alreadySent"`
	// PendingNewText counts the leads whose pending job is this step and
	// will go with the new text; TimingChanged those whose pending job's
	// due time moves; Scheduled those whose pending job becomes this step
	// (an added step, or the next one after a deleted step).
	PendingNewText int `json:"pendingNewText"`
	TimingChanged  int `json:"timingChanged"`
	Scheduled      int `json:"scheduled"`
	// LeadsAhead counts the active leads that have not reached this step
	// yet: they will get the new version when they do.
	LeadsAhead int `json:"leadsAhead"`
}

// DeletedStep is a stored step the edit removes.
type DeletedStep struct {
	Position    int `json:"position"`
	AlreadySent int `json:"alreadySent"`
	// Canceled counts the pending jobs of this step the edit cancels.
	Canceled int `json:"canceled"`
}

// EditSummary answers PUT …/sequence?dryRun=true, and is what a save did.
type EditSummary struct {
	DryRun     bool          `json:"dryRun"`
	Changed    bool          `json:"changed"`
	Version    int           `json:"version"`    // the version now
	NewVersion int           `json:"newVersion"` // the version after the save (= version when nothing changes)
	Steps      []StepChange  `json:"steps"`
	Deleted    []DeletedStep `json:"deleted"`
	// LeadsCompleted counts active leads that have no step left after the
	// edit: their pending job is canceled and they complete.
	LeadsCompleted int `json:"leadsCompleted"`
	// InFlight counts messages being sent right now: they keep the version
	// they were rendered with.
	InFlight int `json:"inFlight"`
}

// matchSteps maps each step of the PUT to the stored step it is (0: a new
// step), by the rules above.
func matchSteps(in SequenceInput, old []store.SequenceStep) ([]int, error) {
	oldOf := make([]int, len(in.Steps))
	named := false
	for _, st := range in.Steps {
		if st.Position != 0 {
			named = true
		}
	}
	if !named {
		for i := range oldOf {
			if i < len(old) {
				oldOf[i] = i + 1
			}
		}
		return oldOf, nil
	}
	last := 0
	for i, st := range in.Steps {
		key := fmt.Sprintf("steps[%d].position", i)
		if st.Position == 0 {
			continue
		}
		if st.Position < 0 || st.Position > len(old) {
			return nil, problem.InvalidField(key, fmt.Sprintf("must be the position of a stored step (1 to %d), or left out for a new step", len(old)))
		}
		if st.Position <= last {
			return nil, &problem.Error{Kind: problem.Conflict, Code: "reorder_refused",
				Message: "Steps of a launched campaign cannot be reordered: leads are part-way through them. Edit, add or delete steps instead.",
				Fields:  map[string]string{key: fmt.Sprintf("names stored step %d after stored step %d", st.Position, last)}}
		}
		last = st.Position
		oldOf[i] = st.Position
	}
	return oldOf, nil
}

// checkFirstStep refuses to remove step 1 or put a step before it.
func checkFirstStep(oldOf []int) error {
	if len(oldOf) > 0 && oldOf[0] != 1 {
		return &problem.Error{Kind: problem.Conflict, Code: "first_step_fixed",
			Message: "Step 1 of a launched campaign stays first: leads' threads start with it. Edit its text instead.",
			Fields:  map[string]string{"steps[0].position": "must be 1 (the stored first step)"}}
	}
	return nil
}

// progress is the new last step passed by a lead that passed old step
// last: the new position of the last stored step at or before it.
func progress(oldOf []int, last int) int {
	p := 0
	for i, o := range oldOf {
		if o > 0 && o <= last {
			p = i + 1
		}
	}
	return p
}

// leadAction is what a save does to one active lead.
type leadAction struct {
	lead     store.EditLead
	next     int       // the lead's next step in the new sequence (len+1: none)
	kind     string    // keep, move, replace, complete
	due      time.Time // move, replace
	retimed  bool
	variants int // of the next step, for a replacement's variant
}

// editPlan is a save's whole effect, decided from the stored state alone.
type editPlan struct {
	summary    EditSummary
	oldOf      []int
	layout     bool // stored steps change positions, or steps were deleted or inserted before the end (not appended)
	actions    []leadAction
	remap      map[int]int // old last step sent → new
	firstMoved int         // first position whose step is not the stored step of that position
}

// planEdit decides what saving steps over old does to leads. sent counts
// the leads that got each stored step in this layout.
func planEdit(old, steps []store.SequenceStep, oldOf []int, leads []store.EditLead, sent map[int]int,
	version int, loc *time.Location, now time.Time) editPlan {
	pl := editPlan{oldOf: oldOf, remap: map[int]int{}}
	sum := &pl.summary
	sum.Version, sum.Steps, sum.Deleted = version, []StepChange{}, []DeletedStep{}
	kept := map[int]int{} // old → new
	for i, o := range oldOf {
		if o > 0 {
			kept[o] = i + 1
		}
	}
	pl.firstMoved = len(steps) + 1
	for i, o := range oldOf {
		if o != i+1 && (o > 0 || i < len(old)) {
			pl.firstMoved = min(pl.firstMoved, i+1)
			pl.layout = true
		}
	}
	for o := 1; o <= len(old); o++ {
		if _, ok := kept[o]; !ok {
			pl.firstMoved = min(pl.firstMoved, o)
			pl.layout = true
		}
		if p := progress(oldOf, o); p != o {
			pl.remap[o] = p
		}
	}
	changed := len(old) != len(steps)
	for i, st := range steps {
		c := StepChange{Position: i + 1, From: oldOf[i], Change: "added"}
		if o := oldOf[i]; o > 0 {
			prev := old[o-1]
			c.TextChanged = !reflect.DeepEqual(prev.Variants, st.Variants)
			c.DelayChanged = prev.DelayDays != st.DelayDays || prev.DelayMinutes != st.DelayMinutes
			c.AlreadySent = sent[o]
			c.Change = "unchanged"
			if c.TextChanged || c.DelayChanged {
				c.Change = "edited"
			}
		}
		if c.Change != "unchanged" || oldOf[i] != i+1 {
			changed = true
		}
		sum.Steps = append(sum.Steps, c)
	}
	for o := 1; o <= len(old); o++ {
		if _, ok := kept[o]; !ok {
			sum.Deleted = append(sum.Deleted, DeletedStep{Position: o, AlreadySent: sent[o]})
		}
	}
	sum.Changed = changed
	sum.NewVersion = version
	if changed {
		sum.NewVersion = version + 1
	}
	for _, l := range leads {
		next := progress(oldOf, l.LastStepSent) + 1
		for n := next; n <= len(steps); n++ {
			sum.Steps[n-1].LeadsAhead++
		}
		if l.Job == nil {
			continue
		}
		if l.Job.Status == store.JobClaimed || l.Job.Status == store.JobSending {
			sum.InFlight++
			continue
		}
		a := leadAction{lead: l, next: next}
		switch {
		case next > len(steps):
			a.kind = "complete"
			sum.LeadsCompleted++
		case oldOf[next-1] == l.Job.Step:
			a.kind = "keep"
			if next != l.Job.Step {
				a.kind = "move"
			}
			a.due = l.Job.DueAt
			c := &sum.Steps[next-1]
			if c.DelayChanged {
				a.due, a.retimed = dueAfter(l, steps[next-1], loc, now), true
				c.TimingChanged++
			}
			if c.TextChanged {
				c.PendingNewText++
			}
		default:
			a.kind = "replace"
			a.due, a.variants = dueAfter(l, steps[next-1], loc, now), len(steps[next-1].Variants)
			c := &sum.Steps[next-1]
			c.Scheduled++
			c.TimingChanged++
		}
		if _, ok := kept[l.Job.Step]; !ok {
			for i := range sum.Deleted {
				if sum.Deleted[i].Position == l.Job.Step {
					sum.Deleted[i].Canceled++
				}
			}
		}
		pl.actions = append(pl.actions, a)
	}
	return pl
}

// dueAfter is when a lead's step falls due: its delay after the lead's last
// send (after now for a lead that has sent nothing).
func dueAfter(l store.EditLead, st store.SequenceStep, loc *time.Location, now time.Time) time.Time {
	base := now
	if l.LastSentAt != nil {
		base = *l.LastSentAt
	} else if l.Job != nil && !l.Job.CreatedAt.IsZero() {
		base = l.Job.CreatedAt
	}
	return rules.Delay{Days: st.DelayDays, Minutes: st.DelayMinutes}.After(base, loc)
}

// editLaunched plans, and unless dryRun applies, a sequence save over a
// launched campaign's stored steps old. The caller holds the campaign's
// jobs and row locked and stores the new steps afterwards.
func (s *Service) editLaunched(ctx context.Context, q store.Scope, c store.Campaign, old, steps []store.SequenceStep,
	in SequenceInput, dryRun bool, p account.Principal, m account.Meta) (EditSummary, error) {
	oldOf, err := matchSteps(in, old)
	if err != nil {
		return EditSummary{}, err
	}
	if err := checkFirstStep(oldOf); err != nil {
		return EditSummary{}, err
	}
	version, err := q.SequenceVersion(ctx, c.ID)
	if err != nil {
		return EditSummary{}, err
	}
	leads, err := q.ActiveLeadsForEdit(ctx, c.ID)
	if err != nil {
		return EditSummary{}, err
	}
	sent, err := q.CurrentLayoutSentCounts(ctx, c.ID)
	if err != nil {
		return EditSummary{}, err
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		loc = time.UTC
	}
	now := s.env.Now()
	pl := planEdit(old, steps, oldOf, leads, sent, version, loc, now)
	pl.summary.DryRun = dryRun
	if dryRun || !pl.summary.Changed {
		return pl.summary, nil
	}
	if pl.layout && pl.summary.InFlight > 0 {
		return EditSummary{}, &problem.Error{Kind: problem.Conflict, Code: "sending_in_progress",
			Message:    fmt.Sprintf("%d messages of this campaign are being sent right now; save again in a moment to move steps.", pl.summary.InFlight),
			RetryAfter: 5 * time.Second}
	}
	if err := s.applyEdit(ctx, q, p.WorkspaceID, c, pl, version, now); err != nil {
		return EditSummary{}, err
	}
	return pl.summary, nil
}

// applyEdit writes a plan: version stamps, moved keys, leads' progress, and
// each lead's pending job.
func (s *Service) applyEdit(ctx context.Context, q store.Scope, ws string, c store.Campaign, pl editPlan, version int,
	now time.Time) error {
	if err := q.StampAndBumpSequenceVersion(ctx, c.ID, version); err != nil {
		return err
	}
	var inserts []store.SendJob
	var finished []event.Data
	for _, a := range pl.actions {
		j := a.lead.Job
		switch a.kind {
		case "complete":
			if err := q.CancelJobForEdit(ctx, j.ID, "step removed by a sequence edit", version, now); err != nil {
				return err
			}
			if err := q.CompleteCampaignLeadForEdit(ctx, a.lead.CampaignLeadID, now); err != nil {
				return err
			}
			finished = append(finished, event.SequenceFinished{Campaign: event.Ref{ID: c.ID, Name: c.Name},
				Lead: event.Lead{ID: j.LeadID}})
		case "replace":
			if err := q.CancelJobForEdit(ctx, j.ID, "step replaced by a sequence edit", version, now); err != nil {
				return err
			}
			inserts = append(inserts, store.SendJob{CampaignID: c.ID, CampaignLeadID: a.lead.CampaignLeadID,
				LeadID: j.LeadID, MailboxID: j.MailboxID, Step: a.next, DueAt: a.due, RunAt: a.due,
				Variant: rules.VariantFor(a.lead.CampaignLeadID, a.next, a.variants)})
		}
	}
	if pl.layout {
		if err := q.ArchiveJobKeysFrom(ctx, c.ID, pl.firstMoved, routing.RouteBase, version); err != nil {
			return err
		}
		if err := q.RemapLastStepSent(ctx, c.ID, pl.remap, now); err != nil {
			return err
		}
	}
	var moves []store.JobMove
	for _, a := range pl.actions {
		if a.kind == "move" || (a.kind == "keep" && a.retimed) {
			moves = append(moves, store.JobMove{ID: a.lead.Job.ID, CampaignLeadID: a.lead.CampaignLeadID, Step: a.next, Due: a.due})
		}
	}
	if err := q.MoveJobs(ctx, moves, now); err != nil {
		return err
	}
	if len(inserts) > 0 {
		if _, err := q.InsertSendJobs(ctx, inserts); err != nil {
			return err
		}
	}
	if pl.summary.LeadsCompleted == 0 {
		return nil
	}
	// Its last step removed, a lead's sequence is over as surely as when
	// that step goes out (internal/sending/events.go).
	if err := event.Record(ctx, q.Queries, ws, finished...); err != nil {
		return err
	}
	// The edit may have finished the campaign's last active leads.
	completed, err := q.CompleteCampaignsIfDone(ctx, []string{c.ID}, now)
	if err != nil {
		return err
	}
	return event.Record(ctx, q.Queries, ws, event.CampaignsCompleted(completed)...)
}

// editAudit is the audit event of a launched campaign's sequence save: both
// versions' steps in full, and what the save did.
func editAudit(p account.Principal, m account.Meta, id string, old, steps []store.SequenceStep, sum EditSummary) store.AuditEvent {
	return audit(p, m, "campaign.sequence_edited", id, map[string]any{
		"fromVersion": sum.Version, "toVersion": sum.NewVersion,
		"before": auditSteps(old), "after": auditSteps(steps),
		"leadsCompleted": sum.LeadsCompleted, "deleted": len(sum.Deleted),
	})
}

func auditSteps(steps []store.SequenceStep) []map[string]any {
	out := make([]map[string]any, 0, len(steps))
	for _, st := range steps {
		vs := make([]map[string]string, 0, len(st.Variants))
		for _, v := range st.Variants {
			vs = append(vs, map[string]string{"variant": v.Variant, "subject": v.Subject, "body": v.Body})
		}
		out = append(out, map[string]any{"position": st.Position, "delayDays": st.DelayDays,
			"delayMinutes": st.DelayMinutes, "variants": vs})
	}
	return out
}
