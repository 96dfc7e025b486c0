package store

import (
	"context"
)

// SequenceStep is one step of a campaign's sequence with its A/B variants.
// Position is 1-based; the delay counts after the previous step (step 1:
// after the lead joins or the campaign launches).
type SequenceStep struct {
	Position     int
	DelayDays    int
	DelayMinutes int
	Variants     []StepVariant // Variant "A" first
}

// StepVariant is one version of a step's message.
type StepVariant struct {
	Variant string // "A", "B", …
	Subject string
	Body    string
}

// ReplaceSequence stores the campaign's whole sequence, replacing the old
// steps. Jobs refer to steps by position, so scheduled work carries over.
func (s Scope) ReplaceSequence(ctx context.Context, campaignID string, steps []SequenceStep) error {
	at := s.now()
	var seqID string
	err := s.queryRow(ctx, `SELECT id FROM sequences WHERE campaign_id = ? AND workspace_id = ?`, campaignID, s.ws).Scan(&seqID)
	switch err = notFound(err); err {
	case nil:
		if _, err := s.exec(ctx, `UPDATE sequences SET updated_at = ? WHERE id = ?`, at, seqID); err != nil {
			return err
		}
		if _, err := s.exec(ctx, `DELETE FROM sequence_steps WHERE sequence_id = ? AND workspace_id = ?`, seqID, s.ws); err != nil {
			return err
		}
	case ErrNotFound:
		seqID = NewID()
		if _, err := s.exec(ctx, `INSERT INTO sequences (id, workspace_id, campaign_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?)`, seqID, s.ws, campaignID, at, at); err != nil {
			return s.d.translate(err)
		}
	default:
		return err
	}
	for _, st := range steps {
		stepID := NewID()
		if _, err := s.exec(ctx, `INSERT INTO sequence_steps (id, workspace_id, sequence_id, position, delay_days,
			delay_minutes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			stepID, s.ws, seqID, st.Position, st.DelayDays, st.DelayMinutes, at); err != nil {
			return s.d.translate(err)
		}
		for _, v := range st.Variants {
			if _, err := s.exec(ctx, `INSERT INTO message_templates (id, workspace_id, step_id, variant, subject, body,
				created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, NewID(), s.ws, stepID, v.Variant, v.Subject, v.Body, at); err != nil {
				return s.d.translate(err)
			}
		}
	}
	return nil
}

// Sequence returns the campaign's steps in order (none for a campaign
// without a sequence yet).
func (s Scope) Sequence(ctx context.Context, campaignID string) ([]SequenceStep, error) {
	rows, err := s.query(ctx, `SELECT st.position, st.delay_days, st.delay_minutes, t.variant, t.subject, t.body
		FROM sequences sq JOIN sequence_steps st ON st.sequence_id = sq.id
		JOIN message_templates t ON t.step_id = st.id
		WHERE sq.campaign_id = ? AND sq.workspace_id = ?
		ORDER BY st.position, t.variant`, campaignID, s.ws)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	steps := []SequenceStep{}
	for rows.Next() {
		var pos, days, mins int
		var v StepVariant
		if err := rows.Scan(&pos, &days, &mins, &v.Variant, &v.Subject, &v.Body); err != nil {
			return nil, err
		}
		if n := len(steps); n == 0 || steps[n-1].Position != pos {
			steps = append(steps, SequenceStep{Position: pos, DelayDays: days, DelayMinutes: mins})
		}
		last := &steps[len(steps)-1]
		last.Variants = append(last.Variants, v)
	}
	return steps, rows.Err()
}
