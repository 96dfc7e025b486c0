package campaign

import (
	"context"
	"errors"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
)

// StepStats is one row of the per-step table, with a row per variant.
type StepStats struct {
	Position     int            `json:"position"`
	Sent         int            `json:"sent"`
	Replied      int            `json:"replied"`
	Bounced      int            `json:"bounced"`
	Unsubscribed int            `json:"unsubscribed"`
	Variants     []VariantStats `json:"variants"`
}

// VariantStats are one variant's numbers. Share is its part of the step's
// sends (the "A 51% · B 49%" line).
type VariantStats struct {
	Variant      string  `json:"variant"`
	Sent         int     `json:"sent"`
	Replied      int     `json:"replied"`
	Bounced      int     `json:"bounced"`
	Unsubscribed int     `json:"unsubscribed"`
	Share        float64 `json:"share"`
}

// NextSend says when the campaign's earliest scheduled job is looked at
// next and why it waits, and how many jobs are held and for what.
type NextSend struct {
	At     *time.Time     `json:"at"`
	Reason string         `json:"reason,omitempty"`
	Held   map[string]int `json:"held,omitempty"`
}

func (s *Service) withStats(ctx context.Context, q store.Scope, list []store.Campaign) ([]View, error) {
	ids := make([]string, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	counts, err := q.CampaignCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	views := make([]View, len(list))
	for i, c := range list {
		v := view(c)
		n := counts[c.ID]
		for _, k := range n.LeadsByStatus {
			v.Stats.Leads += k
		}
		v.Stats.Replied = n.LeadsByStatus[store.CampaignLeadReplied]
		v.Stats.Bounced = n.LeadsByStatus[store.CampaignLeadBounced]
		v.Stats.Unsubscribed = n.LeadsByStatus[store.CampaignLeadUnsubscribed]
		v.Stats.Failed = n.LeadsByStatus[store.CampaignLeadFailed]
		v.Stats.Completed = n.LeadsByStatus[store.CampaignLeadCompleted]
		v.Stats.Sent = n.JobsByStatus[store.JobSent]
		v.Stats.Held = n.JobsByStatus[store.JobHeld]
		v.Stats.Scheduled = n.JobsByStatus[store.JobScheduled] + n.JobsByStatus[store.JobHeld] +
			n.JobsByStatus[store.JobClaimed] + n.JobsByStatus[store.JobSending]
		views[i] = v
	}
	return views, nil
}

func (s *Service) stepStats(ctx context.Context, q store.Scope, id string) ([]StepStats, error) {
	steps, err := q.Sequence(ctx, id)
	if err != nil {
		return nil, err
	}
	counts, err := q.VariantCounts(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]StepStats, len(steps))
	for i, st := range steps {
		out[i] = StepStats{Position: st.Position, Variants: []VariantStats{}}
		for _, v := range st.Variants {
			out[i].Variants = append(out[i].Variants, VariantStats{Variant: v.Variant})
		}
	}
	for _, c := range counts {
		if c.Step < 1 || c.Step > len(out) {
			continue
		}
		row := &out[c.Step-1]
		row.Sent += c.Sent
		row.Replied += c.Replied
		row.Bounced += c.Bounced
		row.Unsubscribed += c.Unsubscribed
		found := false
		for j := range row.Variants {
			if row.Variants[j].Variant == c.Variant {
				v := &row.Variants[j]
				v.Sent, v.Replied, v.Bounced, v.Unsubscribed = c.Sent, c.Replied, c.Bounced, c.Unsubscribed
				found = true
			}
		}
		if !found { // a variant since removed from the sequence
			row.Variants = append(row.Variants, VariantStats{Variant: c.Variant, Sent: c.Sent, Replied: c.Replied,
				Bounced: c.Bounced, Unsubscribed: c.Unsubscribed})
		}
	}
	for i := range out {
		for j := range out[i].Variants {
			if out[i].Sent > 0 {
				out[i].Variants[j].Share = float64(out[i].Variants[j].Sent) / float64(out[i].Sent)
			}
		}
	}
	return out, nil
}

func (s *Service) nextSend(ctx context.Context, q store.Scope, c store.Campaign) (*NextSend, error) {
	if c.Status == store.CampaignDraft || c.Status == store.CampaignCompleted {
		return nil, nil
	}
	n := &NextSend{}
	run, err := q.CampaignNextRun(ctx, c.ID)
	switch {
	case err == nil:
		n.At, n.Reason = &run.RunAt, run.Reason
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	held, err := q.HeldReasons(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if len(held) > 0 {
		n.Held = held
	}
	return n, nil
}
