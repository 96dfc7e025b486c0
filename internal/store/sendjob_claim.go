package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// The send tick works across workspaces: the methods in this file are the
// system-wide queries it needs, on Queries (not Scope) by design. Each
// returns or takes the workspace id of the rows it touches, and every write
// names the job, mailbox or campaign by id.

// LockDueJobs picks up to limit scheduled jobs whose run_at has come, oldest
// first, and locks them for the transaction. On Postgres, rows another tick
// holds are skipped (SKIP LOCKED), so concurrent ticks claim disjoint jobs;
// SQLite's single writer serialises ticks instead. It returns job id →
// mailbox id ("" for a job without one).
func (q Queries) LockDueJobs(ctx context.Context, now time.Time, limit int) (map[string]string, error) {
	return q.jobMailboxes(ctx, `SELECT id, COALESCE(inbox_id, '') FROM send_jobs WHERE status = 'scheduled' AND run_at <= ?
		ORDER BY run_at LIMIT ?`+q.d.skipLocked(), now, limit)
}

// LockDueJobsOfMailboxes adds the other due jobs of mailboxes the tick has
// locked, so one claim sees a mailbox's whole due queue and spaces it out
// in one pass.
func (q Queries) LockDueJobsOfMailboxes(ctx context.Context, mailboxIDs []string, now time.Time, limit int) (map[string]string, error) {
	args := make([]any, 0, len(mailboxIDs)+2)
	args = append(args, anys(mailboxIDs)...)
	args = append(args, now, limit)
	return q.jobMailboxes(ctx, `SELECT id, inbox_id FROM send_jobs WHERE inbox_id IN (`+marks(len(mailboxIDs))+`)
		AND status = 'scheduled' AND run_at <= ? ORDER BY run_at LIMIT ?`+q.d.skipLocked(), args...)
}

func (q Queries) jobMailboxes(ctx context.Context, query string, args ...any) (map[string]string, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := map[string]string{}
	for rows.Next() {
		var id, mailbox string
		if err := rows.Scan(&id, &mailbox); err != nil {
			return nil, err
		}
		found[id] = mailbox
	}
	return found, rows.Err()
}

// WorkspaceMailbox is a mailbox with the workspace it belongs to.
type WorkspaceMailbox struct {
	WorkspaceID string
	Mailbox
}

// LockMailboxes reads mailboxes and locks their rows until the transaction
// ends, in id order so that concurrent ticks never wait on each other in a
// cycle. Their usage counters are then safe to read and reserve.
func (q Queries) LockMailboxes(ctx context.Context, ids []string) ([]WorkspaceMailbox, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.query(ctx, `SELECT workspace_id, `+mailboxColumns+` FROM inbox_connections WHERE id IN (`+
		marks(len(ids))+`) ORDER BY id`+q.d.lockRows(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []WorkspaceMailbox
	for rows.Next() {
		var w WorkspaceMailbox
		var ws string
		i, err := scanMailbox(scanPrefix{rows, &ws})
		if err != nil {
			return nil, err
		}
		w.WorkspaceID, w.Mailbox = ws, i
		list = append(list, w)
	}
	return list, rows.Err()
}

// WorkspaceCampaign is a campaign with the workspace it belongs to.
type WorkspaceCampaign struct {
	WorkspaceID string
	Campaign
}

// LockCampaigns reads campaigns and locks their rows in id order (after the
// mailboxes): a pause, resume or launch waits for the claim and the claim
// sees the campaign's settled status and daily count.
func (q Queries) LockCampaigns(ctx context.Context, ids []string) ([]WorkspaceCampaign, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.query(ctx, `SELECT workspace_id, `+campaignColumns+` FROM campaigns WHERE id IN (`+
		marks(len(ids))+`) ORDER BY id`+q.d.lockRows(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []WorkspaceCampaign
	for rows.Next() {
		var w WorkspaceCampaign
		var ws string
		c, err := scanCampaign(scanPrefix{rows, &ws})
		if err != nil {
			return nil, err
		}
		w.WorkspaceID, w.Campaign = ws, c
		list = append(list, w)
	}
	return list, rows.Err()
}

// scanPrefix scans one leading column into dst before the columns a scan
// function expects.
type scanPrefix struct {
	rows *sql.Rows
	dst  *string
}

func (p scanPrefix) Scan(dest ...any) error {
	return p.rows.Scan(append([]any{p.dst}, dest...)...)
}

// JobWork is a job with what sending it needs: the lead and its progress in
// the campaign.
type JobWork struct {
	Job          SendJob
	Lead         Lead
	CampaignLead CampaignLead
}

// JobsWork loads jobs (already locked by the caller) with their lead and
// campaign lead.
func (q Queries) JobsWork(ctx context.Context, jobIDs []string) ([]JobWork, error) {
	if len(jobIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(jobIDs))
	for i, id := range jobIDs {
		args[i] = id
	}
	rows, err := q.query(ctx, `SELECT `+sendJobColumns+`, `+campaignLeadColumns+`, l.id, l.email, l.first_name,
		l.last_name, l.company, l.title, l.website, l.linkedin_url, l.phone, l.timezone, l.country, l.custom, l.status,
		l.verify_status, l.verify_reasons, l.verify_provider, l.verify_source, l.verified_at, cl.route
		FROM send_jobs j JOIN campaign_leads cl ON cl.id = j.campaign_lead_id JOIN leads l ON l.id = j.lead_id
		WHERE j.id IN (`+marks(len(jobIDs))+`) ORDER BY j.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []JobWork
	for rows.Next() {
		var w JobWork
		var claimed, sent, clSent, clReplied sql.NullTime
		var refs, custom string
		var v verifyScan
		j, c, l := &w.Job, &w.CampaignLead, &w.Lead
		err := rows.Scan(append([]any{&j.ID, &j.WorkspaceID, &j.CampaignID, &j.CampaignLeadID, &j.LeadID, &j.MailboxID, &j.Step,
			&j.Variant, &j.Status, &j.DueAt, &j.RunAt, &j.Attempts, &j.DeferReason, &j.DeferDetail, &j.LastError,
			&j.MessageID, &j.ProviderMessageID, &j.ThreadID, &claimed, &sent, &j.CreatedAt, &j.UpdatedAt,
			&c.ID, &c.CampaignID, &c.LeadID, &c.MailboxID, &c.Status, &c.StatusReason, &c.LastStepSent, &c.ThreadID,
			&c.FirstMessageID, &c.LastMessageID, &refs, &c.FirstSubject, &clSent, &clReplied, &c.CreatedAt, &c.UpdatedAt,
			&l.ID, &l.Email, &l.FirstName, &l.LastName, &l.Company, &l.Title, &l.Website, &l.LinkedinURL, &l.Phone,
			&l.Timezone, &l.Country, &custom, &l.Status}, append(v.dest(), &c.Route)...)...)
		if err != nil {
			return nil, err
		}
		l.Verification = v.get()
		j.ClaimedAt, j.SentAt = timePtr(claimed), timePtr(sent)
		c.LastSentAt, c.RepliedAt = timePtr(clSent), timePtr(clReplied)
		c.References = splitRefs(refs)
		l.Custom = map[string]string{}
		if custom != "" && custom != "{}" {
			if err := json.Unmarshal([]byte(custom), &l.Custom); err != nil {
				return nil, err
			}
		}
		list = append(list, w)
	}
	return list, rows.Err()
}

// valuesRows is how many rows one UPDATE … FROM (VALUES …) carries.
const valuesRows = 500

// eachChunk calls fn for consecutive ranges of at most valuesRows of n rows.
func eachChunk(n int, fn func(lo, hi int) error) error {
	for lo := 0; lo < n; lo += valuesRows {
		if err := fn(lo, min(lo+valuesRows, n)); err != nil {
			return err
		}
	}
	return nil
}

// rowsOf writes n copies of a VALUES row separated by commas.
func rowsOf(row string, n int) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// ClaimMark is one job the claim reserved, with the Message-ID it will be
// sent under.
type ClaimMark struct {
	ID        string
	MessageID string
}

// MarkJobsClaimed moves locked jobs to claimed at `at` with their
// Message-IDs: from here a stop can still cancel them, and a crash sends them
// back to scheduled.
func (q Queries) MarkJobsClaimed(ctx context.Context, marks []ClaimMark, at time.Time) error {
	return eachChunk(len(marks), func(lo, hi int) error {
		args := []any{at, at}
		for _, m := range marks[lo:hi] {
			args = append(args, m.ID, m.MessageID)
		}
		_, err := q.exec(ctx, `UPDATE send_jobs AS j SET status = 'claimed', message_id = v.column2, claimed_at = ?,
			defer_reason = '', defer_detail = '', updated_at = ? FROM (VALUES `+rowsOf("(?, ?)", hi-lo)+`) AS v
			WHERE j.id = v.column1`, args...)
		return err
	})
}

// Deferral moves a scheduled job to run later, with the rule that blocked
// it.
type Deferral struct {
	ID     string
	RunAt  time.Time
	Reason string
}

// DeferJobs writes deferrals.
func (q Queries) DeferJobs(ctx context.Context, list []Deferral, at time.Time) error {
	return eachChunk(len(list), func(lo, hi int) error {
		args := []any{at}
		for _, d := range list[lo:hi] {
			args = append(args, d.ID, d.RunAt, d.Reason)
		}
		_, err := q.exec(ctx, `UPDATE send_jobs AS j SET run_at = v.column2, defer_reason = v.column3, defer_detail = '',
			updated_at = ? FROM (VALUES `+rowsOf("(?, "+q.d.timeParam()+", ?)", hi-lo)+`) AS v WHERE j.id = v.column1`,
			args...)
		return err
	})
}

// HoldJob parks a job until a person acts (resume, reconnect, assign a
// mailbox); ReleaseHeldJobs* bring it back.
func (q Queries) HoldJob(ctx context.Context, id, reason, detail string, at time.Time) error {
	_, err := q.exec(ctx, `UPDATE send_jobs SET status = 'held', defer_reason = ?, defer_detail = ?, updated_at = ?
		WHERE id = ?`, reason, detail, at, id)
	return err
}

// CancelJob ends a job that will never be sent (its lead stopped, its step
// no longer exists).
func (q Queries) CancelJob(ctx context.Context, id, reason string, at time.Time) error {
	_, err := q.exec(ctx, `UPDATE send_jobs SET status = 'canceled', defer_reason = ?, updated_at = ? WHERE id = ?`,
		reason, at, id)
	return err
}

// MailboxUsage is a mailbox's usage after a claim reserved slots in it.
type MailboxUsage struct {
	ID         string
	SentToday  int
	Date       string // the local day SentToday counts
	LastSentAt time.Time
	NextSendAt time.Time
}

// SaveMailboxesUsage writes mailboxes' usage after a claim.
func (q Queries) SaveMailboxesUsage(ctx context.Context, list []MailboxUsage, at time.Time) error {
	return eachChunk(len(list), func(lo, hi int) error {
		args := []any{at}
		for _, u := range list[lo:hi] {
			args = append(args, u.ID, u.SentToday, u.Date, u.LastSentAt, u.NextSendAt)
		}
		tp := q.d.timeParam()
		_, err := q.exec(ctx, `UPDATE inbox_connections AS i SET sent_today = v.column2, sent_today_date = v.column3,
			last_sent_at = v.column4, next_send_at = v.column5, updated_at = ? FROM (VALUES `+
			rowsOf("(?, CAST(? AS INTEGER), ?, "+tp+", "+tp+")", hi-lo)+`) AS v WHERE i.id = v.column1`, args...)
		return err
	})
}

// SaveCampaignUsage writes a campaign's daily count after a claim.
func (q Queries) SaveCampaignUsage(ctx context.Context, id string, sentToday int, date string) error {
	_, err := q.exec(ctx, `UPDATE campaigns SET sent_today = ?, sent_today_date = ? WHERE id = ?`, sentToday, date, id)
	return err
}

// StartSending moves claimed jobs to sending and returns those it moved:
// the others were canceled by a stop since the claim and must not be sent.
func (q Queries) StartSending(ctx context.Context, ids []string, at time.Time) (map[string]bool, error) {
	moved := map[string]bool{}
	if len(ids) == 0 {
		return moved, nil
	}
	args := []any{at}
	args = append(args, anys(ids)...)
	rows, err := q.query(ctx, `UPDATE send_jobs SET status = 'sending', attempts = attempts + 1, updated_at = ?
		WHERE id IN (`+marks(len(ids))+`) AND status = 'claimed' RETURNING id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		moved[id] = true
	}
	return moved, rows.Err()
}

// WorkspaceFooter returns the workspace's CAN-SPAM footer lines.
func (q Queries) WorkspaceFooter(ctx context.Context, workspaceID string) (address, text string, err error) {
	err = q.queryRow(ctx, `SELECT footer_address, footer_text FROM workspaces WHERE id = ?`, workspaceID).Scan(&address, &text)
	return address, text, notFound(err)
}

// CountDueJobs counts scheduled jobs whose time has come (the backlog
// metric), stopping at max so a huge backlog costs a bounded scan.
func (q Queries) CountDueJobs(ctx context.Context, now time.Time, max int) (int, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM send_jobs WHERE status = 'scheduled' AND run_at <= ?
		LIMIT ?) due`, now, max).Scan(&n)
	return n, err
}

// NextDueAt is the earliest run_at of any scheduled job (zero when none):
// when a tick next has something to do.
func (q Queries) NextDueAt(ctx context.Context) (time.Time, error) {
	// ORDER BY … LIMIT 1 rather than MIN(): SQLite returns an aggregate of a
	// TIMESTAMP column as plain text, the column itself as a time.
	var t time.Time
	err := q.queryRow(ctx, `SELECT run_at FROM send_jobs WHERE status = 'scheduled' ORDER BY run_at LIMIT 1`).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return t.UTC(), err
}
