package store

import (
	"context"
	"strings"
	"time"
)

// SentRecord is what a send that went out leaves behind.
type SentRecord struct {
	JobID             string
	WorkspaceID       string
	CampaignLeadID    string
	MailboxID         string
	Step              int
	LastStep          bool // no step follows: the lead is done
	MessageID         string
	ProviderMessageID string
	ThreadID          string
	InReplyTo         string
	References        []string // the thread's Message-IDs up to and including this one
	From, To          string
	Subject           string
	Body              string
	SentAt            time.Time
}

// RecordSent marks sending jobs sent, advances their campaign leads
// (thread, Message-IDs, step; completed after the last step) and stores the
// outbound messages for reply matching, a few statements per batch. It
// returns, for each job it recorded, the campaign lead's status afterwards
// (only an active lead gets its next step). A job that was not in sending
// (another process recorded or re-queued it) is left out and nothing is
// written for it.
//
// Rows are touched jobs first, then campaign leads: a stop touches the
// campaign lead, then only jobs that are not sending, so the two never wait
// on each other in a cycle.
func (q Queries) RecordSent(ctx context.Context, list []SentRecord, at time.Time) (map[string]string, error) {
	byJob := make(map[string]*SentRecord, len(list))
	for i := range list {
		byJob[list[i].JobID] = &list[i]
	}
	recorded := map[string]bool{}
	err := eachChunk(len(list), func(lo, hi int) error {
		args := []any{at, at}
		for _, r := range list[lo:hi] {
			args = append(args, r.JobID, r.ProviderMessageID, r.ThreadID)
		}
		rows, err := q.query(ctx, `UPDATE send_jobs AS j SET status = 'sent', provider_message_id = v.column2,
			thread_id = v.column3, sent_at = ?, last_error = '', updated_at = ?
			FROM (VALUES `+rowsOf("(?, ?, ?)", hi-lo)+`) AS v WHERE j.id = v.column1 AND j.status = 'sending'
			RETURNING id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			recorded[id] = true
		}
		return rows.Err()
	})
	if err != nil || len(recorded) == 0 {
		return nil, err
	}
	var done []*SentRecord
	for _, r := range list {
		if recorded[r.JobID] {
			done = append(done, byJob[r.JobID])
		}
	}
	statusByLead := map[string]string{}
	err = eachChunk(len(done), func(lo, hi int) error {
		args := []any{at, at}
		for _, r := range done[lo:hi] {
			last := 0
			if r.LastStep {
				last = 1
			}
			args = append(args, r.CampaignLeadID, r.Step, r.ThreadID, r.MessageID, strings.Join(r.References, " "),
				r.Subject, last)
		}
		rows, err := q.query(ctx, `UPDATE campaign_leads AS cl SET last_step_sent = v.column2, thread_id = v.column3,
			last_message_id = v.column4, references_ids = v.column5, last_sent_at = ?, updated_at = ?,
			first_message_id = CASE WHEN v.column2 = 1 THEN v.column4 ELSE cl.first_message_id END,
			first_subject = CASE WHEN v.column2 = 1 THEN v.column6 ELSE cl.first_subject END,
			status = CASE WHEN cl.status = 'active' AND v.column7 = 1 THEN 'completed' ELSE cl.status END,
			status_reason = CASE WHEN cl.status = 'active' AND v.column7 = 1 THEN 'every step was sent' ELSE cl.status_reason END
			FROM (VALUES `+rowsOf("(?, CAST(? AS INTEGER), ?, ?, ?, ?, CAST(? AS INTEGER))", hi-lo)+`) AS v
			WHERE cl.id = v.column1 RETURNING id, status`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, status string
			if err := rows.Scan(&id, &status); err != nil {
				return err
			}
			statusByLead[id] = status
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	err = eachChunk(len(done), func(lo, hi int) error {
		args := make([]any, 0, (hi-lo)*17)
		for _, r := range done[lo:hi] {
			args = append(args, NewID(), r.WorkspaceID, nullString(r.MailboxID), r.JobID, r.CampaignLeadID, r.MessageID,
				r.InReplyTo, strings.Join(r.References[:max(len(r.References)-1, 0)], " "), r.ProviderMessageID,
				r.ThreadID, r.From, r.To, r.Subject, r.Body, r.SentAt, r.SentAt)
		}
		_, err := q.exec(ctx, `INSERT INTO messages (id, workspace_id, inbox_id, send_job_id, campaign_lead_id, direction,
			message_id, in_reply_to, references_ids, provider_message_id, thread_id, from_addr, to_addr, subject, text_body,
			occurred_at, created_at) VALUES `+rowsOf("(?, ?, ?, ?, ?, 'outbound', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", hi-lo)+`
			ON CONFLICT (workspace_id, inbox_id, message_id) DO NOTHING`, args...)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(done))
	jobs := make([]string, 0, len(done))
	for _, r := range done {
		out[r.JobID] = statusByLead[r.CampaignLeadID]
		jobs = append(jobs, r.JobID)
	}
	if err := q.countSends(ctx, jobs); err != nil { // analytics_counts.go
		return nil, err
	}
	return out, nil
}

// RecordRetry sends a job that failed for now back to scheduled at runAt,
// keeping its Message-ID: the next attempt first asks the provider whether
// it went out after all.
func (q Queries) RecordRetry(ctx context.Context, id string, runAt time.Time, reason, lastError string, at time.Time) error {
	_, err := q.exec(ctx, `UPDATE send_jobs SET status = 'scheduled', run_at = ?, defer_reason = ?, last_error = ?,
		updated_at = ? WHERE id = ? AND status = 'sending'`, runAt, reason, lastError, at, id)
	return err
}

// RecordFailed ends a job the provider refused for good.
func (q Queries) RecordFailed(ctx context.Context, id, lastError string, at time.Time) error {
	_, err := q.exec(ctx, `UPDATE send_jobs SET status = 'failed', last_error = ?, updated_at = ?
		WHERE id = ? AND status = 'sending'`, lastError, at, id)
	return err
}

// RecordHeld parks a job whose mailbox needs a person (revoked grant, wrong
// password) until the mailbox is reconnected.
func (q Queries) RecordHeld(ctx context.Context, id, reason, lastError string, at time.Time) error {
	_, err := q.exec(ctx, `UPDATE send_jobs SET status = 'held', defer_reason = ?, last_error = ?, updated_at = ?
		WHERE id = ? AND status IN ('sending', 'claimed')`, reason, lastError, at, id)
	return err
}

// ReleaseMailboxSlot gives back a slot reserved on the local day `date` by a
// send that did not happen.
func (q Queries) ReleaseMailboxSlot(ctx context.Context, id, date string) error {
	_, err := q.exec(ctx, `UPDATE inbox_connections SET sent_today = sent_today - 1 WHERE id = ? AND sent_today_date = ?
		AND sent_today > 0`, id, date)
	return err
}

// ReleaseCampaignSlot is ReleaseMailboxSlot for a campaign's daily count.
func (q Queries) ReleaseCampaignSlot(ctx context.Context, id, date string) error {
	_, err := q.exec(ctx, `UPDATE campaigns SET sent_today = sent_today - 1 WHERE id = ? AND sent_today_date = ?
		AND sent_today > 0`, id, date)
	return err
}

// DisconnectMailbox marks an active mailbox disconnected (its provider
// refused our credentials); its leads' work is held until it is reconnected.
func (q Queries) DisconnectMailbox(ctx context.Context, id, reason string, at time.Time) error {
	_, err := q.DisconnectActiveMailbox(ctx, id, reason, at)
	return err
}

// DisconnectActiveMailbox is DisconnectMailbox that reports whether the
// mailbox was active and is now disconnected (the caller reports the change
// once).
func (q Queries) DisconnectActiveMailbox(ctx context.Context, id, reason string, at time.Time) (bool, error) {
	return rowChanged(q.exec(ctx, `UPDATE inbox_connections SET status = 'disconnected', status_reason = ?, updated_at = ?
		WHERE id = ? AND status = 'active'`, reason, at, id))
}

// FailCampaignLead stops an active campaign lead whose message the provider
// refused for good, with the provider's answer as the reason, and cancels
// its pending jobs.
func (q Queries) FailCampaignLead(ctx context.Context, workspaceID, id, reason string, at time.Time) error {
	s := q.InWorkspace(workspaceID)
	if _, err := s.exec(ctx, `UPDATE campaign_leads SET status = 'failed', status_reason = ?, updated_at = ?
		WHERE id = ? AND workspace_id = ? AND status = 'active'`, reason, at, id, s.ws); err != nil {
		return err
	}
	_, err := s.CancelPendingJobsOf(ctx, []string{id}, "lead_failed", at)
	return err
}

// StaleJobs lists jobs claimed before `before` that are still claimed or
// sending: the tick that claimed them died (a send never takes that long).
func (q Queries) StaleJobs(ctx context.Context, before time.Time, limit int) ([]SendJob, error) {
	return q.sendJobs(ctx, `SELECT `+sendJobColumns+` FROM send_jobs j WHERE j.status IN ('claimed', 'sending')
		AND j.claimed_at < ? ORDER BY j.claimed_at LIMIT ?`, before, limit)
}

// RequeueStale sends a stale job back to scheduled at runAt, only if it is
// still in the state and claim it was found in.
func (q Queries) RequeueStale(ctx context.Context, id, status string, claimedAt, runAt, at time.Time) (bool, error) {
	res, err := q.exec(ctx, `UPDATE send_jobs SET status = 'scheduled', run_at = ?, defer_reason = 'recovered',
		updated_at = ? WHERE id = ? AND status = ? AND claimed_at = ?`, runAt, at, id, status, claimedAt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
