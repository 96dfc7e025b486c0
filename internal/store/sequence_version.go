package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// SequenceVersion returns the version of the campaign's sequence (1 until a
// launched campaign's sequence is edited; 0 without a sequence).
func (s Scope) SequenceVersion(ctx context.Context, campaignID string) (int, error) {
	var v int
	err := notFound(s.queryRow(ctx, `SELECT version FROM sequences WHERE campaign_id = ? AND workspace_id = ?`,
		campaignID, s.ws).Scan(&v))
	if err == ErrNotFound {
		return 0, nil
	}
	return v, err
}

// StampAndBumpSequenceVersion ends version `from` of the campaign's
// sequence: jobs already rendered with it (claimed, sending, sent) that
// carry no version yet are stamped with it, and the sequence becomes
// version from+1. Call it before ReplaceSequence, in the same transaction,
// with the campaign's jobs locked (LockCampaignJobs).
func (s Scope) StampAndBumpSequenceVersion(ctx context.Context, campaignID string, from int) error {
	if _, err := s.exec(ctx, `UPDATE send_jobs SET sequence_version = ? WHERE campaign_id = ? AND workspace_id = ?
		AND sequence_version = 0 AND status IN ('claimed', 'sending', 'sent')`, from, campaignID, s.ws); err != nil {
		return err
	}
	_, err := s.exec(ctx, `UPDATE sequences SET version = ? WHERE campaign_id = ? AND workspace_id = ?`,
		from+1, campaignID, s.ws)
	return err
}

// EditLead is an active campaign lead as a sequence edit sees it: how far
// it got and its unfinished job, if any.
type EditLead struct {
	CampaignLeadID string
	LastStepSent   int
	LastSentAt     *time.Time
	Job            *SendJob // scheduled, held, claimed or sending; nil when none
}

// ActiveLeadsForEdit lists the campaign's active leads on the main sequence
// with their unfinished job; a lead in a reply route (route > 0) left the
// main sequence, so an edit of it does not concern the lead.
func (s Scope) ActiveLeadsForEdit(ctx context.Context, campaignID string) ([]EditLead, error) {
	rows, err := s.query(ctx, `SELECT cl.id, cl.last_step_sent, cl.last_sent_at, COALESCE(j.id, ''),
		COALESCE(j.step_position, 0), COALESCE(j.status, ''), COALESCE(j.variant, ''), j.due_at, j.created_at,
		COALESCE(j.lead_id, ''), COALESCE(j.inbox_id, '')
		FROM campaign_leads cl LEFT JOIN send_jobs j ON j.campaign_lead_id = cl.id AND j.workspace_id = cl.workspace_id
			AND j.status IN ('scheduled', 'held', 'claimed', 'sending')
		WHERE cl.campaign_id = ? AND cl.workspace_id = ? AND cl.status = 'active' AND cl.route = 0 ORDER BY cl.id`, campaignID, s.ws)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []EditLead
	for rows.Next() {
		var l EditLead
		var j SendJob
		var sent, due, created sql.NullTime
		if err := rows.Scan(&l.CampaignLeadID, &l.LastStepSent, &sent, &j.ID, &j.Step, &j.Status, &j.Variant, &due,
			&created, &j.LeadID, &j.MailboxID); err != nil {
			return nil, err
		}
		l.LastSentAt = timePtr(sent)
		if j.ID != "" {
			j.CampaignID, j.CampaignLeadID, j.WorkspaceID = campaignID, l.CampaignLeadID, s.ws
			j.DueAt, j.CreatedAt = due.Time, created.Time
			l.Job = &j
		}
		list = append(list, l)
	}
	return list, rows.Err()
}

// CurrentLayoutSentCounts counts, per step position, the sent jobs that
// belong to the current layout of the sequence (their step is the step now
// at that position: ArchiveJobKeysFrom has not moved them aside).
func (s Scope) CurrentLayoutSentCounts(ctx context.Context, campaignID string) (map[int]int, error) {
	rows, err := s.query(ctx, `SELECT step_position, COUNT(*) FROM send_jobs WHERE campaign_id = ? AND workspace_id = ?
		AND status = 'sent' AND idempotency_key NOT LIKE '%@%' GROUP BY step_position`, campaignID, s.ws)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var pos, n int
		if err := rows.Scan(&pos, &n); err != nil {
			return nil, err
		}
		out[pos] = n
	}
	return out, rows.Err()
}

// ArchiveJobKeysFrom renames the idempotency keys of the campaign's
// finished jobs at positions from `from` on (key + "@v" + version): once
// steps moved, a lead's next job at such a position is another step and
// must be able to take the key. Finished jobs keep their step_position,
// which stays the position in the version they belong to.
//
// Reply route steps (positions from routeBase on, internal/routing) never
// move with the main sequence: their keys stay.
func (s Scope) ArchiveJobKeysFrom(ctx context.Context, campaignID string, from, routeBase, version int) error {
	_, err := s.exec(ctx, `UPDATE send_jobs SET idempotency_key = idempotency_key || ? WHERE campaign_id = ?
		AND workspace_id = ? AND step_position >= ? AND step_position < ?
		AND status NOT IN ('scheduled', 'held', 'claimed', 'sending')
		AND idempotency_key NOT LIKE '%@%'`, "@v"+strconv.Itoa(version), campaignID, s.ws, from, routeBase)
	return err
}

// JobMove gives an unfinished job another step position (its key follows)
// and due time.
type JobMove struct {
	ID             string
	CampaignLeadID string
	Step           int
	Due            time.Time
}

// MoveJobs writes moves, a few hundred jobs per statement; a held job keeps
// its run_at (it waits for a person, not for its time).
func (s Scope) MoveJobs(ctx context.Context, moves []JobMove, at time.Time) error {
	return eachChunk(len(moves), func(lo, hi int) error {
		args := []any{at}
		for _, m := range moves[lo:hi] {
			args = append(args, m.ID, m.Step, JobKey(m.CampaignLeadID, m.Step), m.Due)
		}
		args = append(args, s.ws)
		_, err := s.exec(ctx, `UPDATE send_jobs AS j SET step_position = v.column2, idempotency_key = v.column3,
			due_at = v.column4, run_at = CASE WHEN j.status = 'scheduled' THEN v.column4 ELSE j.run_at END, updated_at = ?
			FROM (VALUES `+rowsOf("(?, CAST(? AS INTEGER), ?, "+s.d.timeParam()+")", hi-lo)+`) AS v
			WHERE j.id = v.column1 AND j.workspace_id = ? AND j.status IN ('scheduled', 'held')`, args...)
		return err
	})
}

// CancelJobForEdit cancels an unfinished job whose step an edit removed or
// replaced, moving its key aside so the lead's next job may take it.
func (s Scope) CancelJobForEdit(ctx context.Context, id, reason string, version int, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE send_jobs SET status = 'canceled', defer_reason = ?,
		idempotency_key = idempotency_key || ?, updated_at = ?
		WHERE id = ? AND workspace_id = ? AND status IN ('scheduled', 'held')`,
		reason, "@v"+strconv.Itoa(version), at, id, s.ws)
	return err
}

// RemapLastStepSent rewrites the progress of the campaign's active leads on
// the main sequence after steps moved: newOf[old] is the new last step
// passed for a lead that had passed old step `old`. A lead that stopped
// (replied, bounced…) keeps the position its last message went out at:
// its sent job keeps that position too, and the per-step stats and the
// analytics credits (analytics_counts.go) join the two.
func (s Scope) RemapLastStepSent(ctx context.Context, campaignID string, newOf map[int]int, at time.Time) error {
	for old, nw := range newOf {
		if old == nw {
			continue
		}
		// Tag rows with a negative value first, so a row moved to a
		// position is not moved again by a later pair.
		if _, err := s.exec(ctx, `UPDATE campaign_leads SET last_step_sent = ?, updated_at = ? WHERE campaign_id = ?
			AND workspace_id = ? AND status = 'active' AND route = 0 AND last_step_sent = ?`, -nw-1, at, campaignID, s.ws, old); err != nil {
			return err
		}
	}
	_, err := s.exec(ctx, `UPDATE campaign_leads SET last_step_sent = -last_step_sent - 1 WHERE campaign_id = ?
		AND workspace_id = ? AND last_step_sent < 0`, campaignID, s.ws)
	return err
}

// CompleteCampaignLeadForEdit ends an active lead whose remaining steps an
// edit removed.
func (s Scope) CompleteCampaignLeadForEdit(ctx context.Context, id string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE campaign_leads SET status = 'completed', status_reason = ?, updated_at = ?
		WHERE id = ? AND workspace_id = ? AND status = 'active'`, "every step was sent (steps after it were removed)", at, id, s.ws)
	return err
}

// StepVersionCount is how many messages of one step went out with one
// version of the sequence, and how many of their leads replied after it (it
// was the lead's last message when they replied).
type StepVersionCount struct {
	Step    int // the position in that version
	Version int
	Sent    int
	Replied int
}

// StepVersionCounts counts the campaign's sends by step and version, in
// step then version order. current is the sequence's version now (jobs not
// stamped yet went out with it).
func (s Scope) StepVersionCounts(ctx context.Context, campaignID string, current int) ([]StepVersionCount, error) {
	rows, err := s.query(ctx, `SELECT j.step_position, CASE WHEN j.sequence_version > 0 THEN j.sequence_version ELSE ? END AS v,
		COUNT(*), SUM(CASE WHEN cl.replied_at IS NOT NULL AND cl.last_sent_at = j.sent_at THEN 1 ELSE 0 END)
		FROM send_jobs j JOIN campaign_leads cl ON cl.id = j.campaign_lead_id
		WHERE j.campaign_id = ? AND j.workspace_id = ? AND j.status = 'sent'
		GROUP BY j.step_position, v ORDER BY j.step_position, v`, current, campaignID, s.ws)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StepVersionCount
	for rows.Next() {
		var c StepVersionCount
		if err := rows.Scan(&c.Step, &c.Version, &c.Sent, &c.Replied); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SentStep is one message a campaign lead was sent: its step (the position
// in its version) and the version.
type SentStep struct {
	Step    int
	Version int
	SentAt  time.Time
}

// SentStepsOf lists what a campaign lead was sent, oldest first.
func (s Scope) SentStepsOf(ctx context.Context, campaignLeadID string, current int) ([]SentStep, error) {
	rows, err := s.query(ctx, `SELECT step_position, CASE WHEN sequence_version > 0 THEN sequence_version ELSE ? END, sent_at
		FROM send_jobs WHERE campaign_lead_id = ? AND workspace_id = ? AND status = 'sent' ORDER BY sent_at, step_position`,
		current, campaignLeadID, s.ws)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SentStep
	for rows.Next() {
		var st SentStep
		var at sql.NullTime
		if err := rows.Scan(&st.Step, &st.Version, &at); err != nil {
			return nil, err
		}
		st.SentAt = at.Time
		out = append(out, st)
	}
	return out, rows.Err()
}
