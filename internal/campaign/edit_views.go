package campaign

import (
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/sending/plan"
	"github.com/leadbitz/leadbitz/internal/store"
)

// StepVersionStats are one step's sends under one version of the sequence
// (step is its position in that version): "step 2 · v1", "step 2 · v2".
type StepVersionStats struct {
	Step    int `json:"step"`
	Version int `json:"version"`
	Sent    int `json:"sent"`
	Replied int `json:"replied"`
}

// stepVersions lists a campaign's sends per step and version; nil while the
// sequence has only ever had one version (the per-step table says it all).
func (s *Service) stepVersions(ctx context.Context, q store.Scope, id string) (int, []StepVersionStats, error) {
	version, err := q.SequenceVersion(ctx, id)
	if err != nil || version <= 1 {
		return version, nil, err
	}
	counts, err := q.StepVersionCounts(ctx, id, version)
	if err != nil {
		return 0, nil, err
	}
	out := make([]StepVersionStats, 0, len(counts))
	for _, c := range counts {
		out = append(out, StepVersionStats{Step: c.Step, Version: c.Version, Sent: c.Sent, Replied: c.Replied})
	}
	return version, out, nil
}

// SentStepView is a message a lead was sent, with the sequence version it
// went out with.
type SentStepView struct {
	Step    int       `json:"step"`
	Version int       `json:"version"`
	SentAt  time.Time `json:"sentAt"`
}

// ExplainView is explain with the versions: which version of each step the
// lead got, and the version its next step will take.
type ExplainView struct {
	plan.Explanation
	SequenceVersion int            `json:"sequenceVersion"`
	Sent            []SentStepView `json:"sent"`
}

func (s *Service) explainVersions(ctx context.Context, ws string, x plan.Explanation) (ExplainView, error) {
	v := ExplainView{Explanation: x, Sent: []SentStepView{}}
	q := s.st.InWorkspace(ws)
	version, err := q.SequenceVersion(ctx, x.CampaignID)
	if err != nil {
		return v, err
	}
	v.SequenceVersion = version
	if x.CampaignLeadID == "" {
		return v, nil
	}
	sent, err := q.SentStepsOf(ctx, x.CampaignLeadID, version)
	if err != nil {
		return v, err
	}
	for _, st := range sent {
		v.Sent = append(v.Sent, SentStepView{Step: st.Step, Version: st.Version, SentAt: st.SentAt})
	}
	return v, nil
}

// ExplainWithVersions is Explain with the sequence versions the lead got
// (GET …/leads/{leadId}/explain).
func (s *Service) ExplainWithVersions(ctx context.Context, ws, campaignID, leadID string) (ExplainView, error) {
	x, err := s.Explain(ctx, ws, campaignID, leadID)
	if err != nil {
		return ExplainView{}, err
	}
	return s.explainVersions(ctx, ws, x)
}
