package campaign

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/template"
)

// Limits of a sequence.
const (
	MaxSteps        = 20
	MaxVariants     = 5 // A to E
	MaxDelayDays    = 365
	MaxDelayMinutes = 7 * 24 * 60
	MaxSubjectLen   = 500
	MaxBodyLen      = 50_000
)

// VariantInput is one extra version of a step (B, C, …).
type VariantInput struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// StepInput is one step of PUT /api/campaigns/{id}/sequence. Subject and
// Body are variant A; Variants adds B, C… for an A/B test (leads are split
// evenly between a step's variants).
type StepInput struct {
	DelayDays    int            `json:"delayDays"`
	DelayMinutes int            `json:"delayMinutes"`
	Subject      string         `json:"subject"`
	Body         string         `json:"body"`
	Variants     []VariantInput `json:"variants,omitempty"`
	// SkipIf skips the step when its condition holds as it falls due
	// (routes.go).
	SkipIf *routing.SkipIf `json:"skipIf,omitempty"`
	// Position names the stored step this one is (as GET returns it), for
	// an edit of a launched campaign; 0 or absent: by index, or a new step
	// among named ones (internal/campaign/edit.go).
	Position int `json:"position,omitempty"`
}

// SequenceInput is the body of PUT /api/campaigns/{id}/sequence.
type SequenceInput struct {
	Steps []StepInput `json:"steps"`
	// Routes are the reply routes (routes.go).
	Routes []RouteInput `json:"routes,omitempty"`
}

// StepView is a stored step as the API returns it: the PUT shape plus
// positions and variant letters, so it can be sent back as it is.
type StepView struct {
	Position     int           `json:"position"`
	DelayDays    int           `json:"delayDays"`
	DelayMinutes int           `json:"delayMinutes"`
	Subject      string        `json:"subject"`
	Body         string        `json:"body"`
	Variants     []VariantView `json:"variants"`
	// Tags are the merge tags the step's templates use; SpintaxVariants
	// how many wordings its body can take (the editor's counter).
	Tags            []string        `json:"tags"`
	SpintaxVariants int             `json:"spintaxVariants"`
	SkipIf          *routing.SkipIf `json:"skipIf,omitempty"`
}

// VariantView is an extra variant with its letter.
type VariantView struct {
	Variant string `json:"variant"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// SequenceView is a campaign's sequence.
type SequenceView struct {
	CampaignID string          `json:"campaignId"`
	Steps      []StepView      `json:"steps"`
	Routes     []routing.Route `json:"routes"`
	// Version is the sequence's version: it grows when a launched
	// campaign's sequence changes. Edit is what the save just did (PUT of
	// a launched campaign, when something changed).
	Version int          `json:"version"`
	Edit    *EditSummary `json:"edit,omitempty"`
}

// TemplateError is the 422 detail of a template that does not parse: where
// it is, so the editor can point at it.
type TemplateError struct {
	Step    int    `json:"step"` // 1-based
	Variant string `json:"variant"`
	Field   string `json:"field"` // subject or body
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Offset  int    `json:"offset"`
	Message string `json:"message"`
}

// validateSequence checks limits and parses every template.
func validateSequence(in SequenceInput) ([]store.SequenceStep, error) {
	fields := problem.Fields{}
	var positions []TemplateError
	if len(in.Steps) == 0 || len(in.Steps) > MaxSteps {
		fields.Add("steps", "must have 1 to %d steps", MaxSteps)
	}
	steps := make([]store.SequenceStep, 0, len(in.Steps))
	for i, st := range in.Steps {
		key := fmt.Sprintf("steps[%d]", i)
		if st.DelayDays < 0 || st.DelayDays > MaxDelayDays {
			fields.Add(key+".delayDays", "must be 0 to %d", MaxDelayDays)
		}
		if st.DelayMinutes < 0 || st.DelayMinutes > MaxDelayMinutes {
			fields.Add(key+".delayMinutes", "must be 0 to %d", MaxDelayMinutes)
		}
		if len(st.Variants)+1 > MaxVariants {
			fields.Add(key+".variants", "may add at most %d variants to a step", MaxVariants-1)
		}
		step := store.SequenceStep{Position: i + 1, DelayDays: st.DelayDays, DelayMinutes: st.DelayMinutes}
		all := append([]VariantInput{{Subject: st.Subject, Body: st.Body}}, st.Variants...)
		for vi, v := range all {
			letter := rules.VariantLetter(vi)
			vkey := key
			if vi > 0 {
				vkey = fmt.Sprintf("%s.variants[%d]", key, vi-1)
			}
			if i == 0 && strings.TrimSpace(v.Subject) == "" {
				fields.Add(vkey+".subject", "is required on the first step (later steps may leave it empty to reply in the thread)")
			}
			if strings.TrimSpace(v.Body) == "" {
				fields.Add(vkey+".body", "is required")
			}
			if len(v.Subject) > MaxSubjectLen {
				fields.Add(vkey+".subject", "must be at most %d characters", MaxSubjectLen)
			}
			if len(v.Body) > MaxBodyLen {
				fields.Add(vkey+".body", "must be at most %d characters", MaxBodyLen)
			}
			for _, f := range []struct{ name, src string }{{"subject", v.Subject}, {"body", v.Body}} {
				if _, err := template.Parse(f.src); err != nil {
					var syn *template.SyntaxError
					if !errors.As(err, &syn) {
						return nil, err
					}
					fields.Add(vkey+"."+f.name, "line %d, column %d: %s", syn.Line, syn.Column, syn.Message)
					positions = append(positions, TemplateError{Step: i + 1, Variant: letter, Field: f.name,
						Line: syn.Line, Column: syn.Column, Offset: syn.Offset, Message: syn.Message})
				}
			}
			step.Variants = append(step.Variants, store.StepVariant{Variant: letter, Subject: v.Subject, Body: v.Body})
		}
		steps = append(steps, step)
	}
	if err := fields.Err(); err != nil {
		p, _ := problem.As(err)
		if len(positions) > 0 {
			p.Code = "invalid_template"
			p.Message = "A template has a syntax error."
			p.Details = map[string]any{"templateErrors": positions}
		}
		return nil, p
	}
	return steps, nil
}

// PutSequence replaces a campaign's sequence. A draft may change anything.
// A launched (active or paused) campaign's save is an edit under leads
// part-way through the sequence: see edit.go for what it may change and
// what it does to pending jobs; it makes a new version of the sequence.
func (s *Service) PutSequence(ctx context.Context, p account.Principal, id string, in SequenceInput, m account.Meta) (SequenceView, error) {
	v, _, err := s.saveSequence(ctx, p, id, in, false, m)
	return v, err
}

// DryRunSequence answers what PutSequence would do to a launched
// campaign's leads, changing nothing (PUT …/sequence?dryRun=true). For a
// draft it only validates.
func (s *Service) DryRunSequence(ctx context.Context, p account.Principal, id string, in SequenceInput) (EditSummary, error) {
	_, sum, err := s.saveSequence(ctx, p, id, in, true, account.Meta{})
	return sum, err
}

func (s *Service) saveSequence(ctx context.Context, p account.Principal, id string, in SequenceInput, dryRun bool, m account.Meta) (SequenceView, EditSummary, error) {
	steps, err := validateSequence(in)
	if err != nil {
		return SequenceView{}, EditSummary{}, err
	}
	extras, err := validateExtras(in)
	if err != nil {
		return SequenceView{}, EditSummary{}, err
	}
	sum := EditSummary{DryRun: dryRun, Steps: []StepChange{}, Deleted: []DeletedStep{}}
	errDryRun := errors.New("dry run")
	err = s.st.InTxRetry(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		// An edit moves and cancels jobs: lock them before the campaign's
		// row, in the order a tick takes them (internal/store/campaign_lock.go).
		if err := q.LockCampaignJobs(ctx, id); err != nil {
			return err
		}
		c, err := q.CampaignForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if c.Status == store.CampaignCompleted {
			return problem.New(problem.Conflict, "campaign_completed", "A completed campaign's sequence cannot change.")
		}
		old, err := q.Sequence(ctx, id)
		if err != nil {
			return err
		}
		launched := c.Status == store.CampaignActive || c.Status == store.CampaignPaused
		if launched && len(old) > 0 {
			if sum, err = s.editLaunched(ctx, q, c, old, steps, in, dryRun, p, m); err != nil {
				return err
			}
		}
		if dryRun {
			return errDryRun // roll back: a dry run changes nothing
		}
		if err := q.ReplaceSequence(ctx, id, steps); err != nil {
			return err
		}
		if err := saveExtras(ctx, q, id, extras); err != nil {
			return err
		}
		if _, err := q.ReleaseHeldJobs(ctx, id, s.env.Now()); err != nil {
			return err
		}
		if sum.Changed {
			if err := tx.InsertAudit(ctx, editAudit(p, m, id, old, steps, sum)); err != nil {
				return err
			}
		}
		return tx.InsertAudit(ctx, audit(p, m, "campaign.sequence_saved", id, map[string]any{"steps": len(steps)}))
	})
	if errors.Is(err, errDryRun) {
		return SequenceView{}, sum, nil
	}
	if err != nil {
		return SequenceView{}, EditSummary{}, err
	}
	v, err := s.Sequence(ctx, p.WorkspaceID, id)
	if sum.Changed {
		v.Edit = &sum
	}
	return v, sum, err
}

// Sequence returns a campaign's sequence.
func (s *Service) Sequence(ctx context.Context, ws, id string) (SequenceView, error) {
	q := s.st.InWorkspace(ws)
	if _, err := q.Campaign(ctx, id); err != nil {
		return SequenceView{}, err
	}
	steps, err := q.Sequence(ctx, id)
	if err != nil {
		return SequenceView{}, err
	}
	version, err := q.SequenceVersion(ctx, id)
	if err != nil {
		return SequenceView{}, err
	}
	v := SequenceView{CampaignID: id, Steps: []StepView{}, Version: version}
	for _, st := range steps {
		sv := StepView{Position: st.Position, DelayDays: st.DelayDays, DelayMinutes: st.DelayMinutes,
			Variants: []VariantView{}, Tags: []string{}}
		for i, vr := range st.Variants {
			if i == 0 {
				sv.Subject, sv.Body = vr.Subject, vr.Body
			} else {
				sv.Variants = append(sv.Variants, VariantView{Variant: vr.Variant, Subject: vr.Subject, Body: vr.Body})
			}
			for _, src := range []string{vr.Subject, vr.Body} {
				if t, err := template.Parse(src); err == nil {
					for _, tag := range t.Tags() {
						if !contains(sv.Tags, tag) {
							sv.Tags = append(sv.Tags, tag)
						}
					}
				}
			}
			if i == 0 {
				if t, err := template.Parse(vr.Body); err == nil {
					sv.SpintaxVariants = t.VariantCount()
				}
			}
		}
		v.Steps = append(v.Steps, sv)
	}
	return v, addExtras(ctx, q, &v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
