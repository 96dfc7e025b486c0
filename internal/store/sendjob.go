package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// Send job statuses (see migrations/0003_sending.sql for the life cycle).
const (
	JobScheduled = "scheduled"
	JobHeld      = "held"
	JobClaimed   = "claimed"
	JobSending   = "sending"
	JobSent      = "sent"
	JobFailed    = "failed"
	JobSkipped   = "skipped"
	JobCanceled  = "canceled"
)

// SendJob is one step of one campaign lead. Its idempotency key makes a
// second job for the same step impossible.
type SendJob struct {
	ID                string
	WorkspaceID       string
	CampaignID        string
	CampaignLeadID    string
	LeadID            string
	MailboxID         string
	Step              int
	Variant           string
	Status            string
	DueAt             time.Time // when the step's delay is over
	RunAt             time.Time // when the tick next looks at it
	Attempts          int
	DeferReason       string
	DeferDetail       string
	LastError         string
	MessageID         string // our Message-ID, fixed before the first send attempt
	ProviderMessageID string
	ThreadID          string
	ClaimedAt         *time.Time
	SentAt            *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// JobKey is the idempotency key of a campaign lead's step.
func JobKey(campaignLeadID string, step int) string {
	return campaignLeadID + ":" + strconv.Itoa(step)
}

const sendJobColumns = `j.id, j.workspace_id, j.campaign_id, j.campaign_lead_id, j.lead_id, COALESCE(j.inbox_id, ''),
	j.step_position, j.variant, j.status, j.due_at, j.run_at, j.attempts, j.defer_reason, j.defer_detail, j.last_error,
	j.message_id, j.provider_message_id, j.thread_id, j.claimed_at, j.sent_at, j.created_at, j.updated_at`

func scanSendJob(row interface{ Scan(...any) error }) (SendJob, error) {
	var j SendJob
	var claimed, sent sql.NullTime
	err := row.Scan(&j.ID, &j.WorkspaceID, &j.CampaignID, &j.CampaignLeadID, &j.LeadID, &j.MailboxID, &j.Step, &j.Variant,
		&j.Status, &j.DueAt, &j.RunAt, &j.Attempts, &j.DeferReason, &j.DeferDetail, &j.LastError, &j.MessageID,
		&j.ProviderMessageID, &j.ThreadID, &claimed, &sent, &j.CreatedAt, &j.UpdatedAt)
	j.ClaimedAt, j.SentAt = timePtr(claimed), timePtr(sent)
	return j, notFound(err)
}

// insertJobBatch is how many jobs one INSERT carries: 15 values a row stays
// far below both databases' parameter limits.
const insertJobBatch = 500

// InsertSendJobs creates jobs (status scheduled unless set) in multi-row
// INSERTs. A job whose idempotency key exists already is skipped: creating
// the same step twice is a no-op. It returns how many were inserted.
func (s Scope) InsertSendJobs(ctx context.Context, jobs []SendJob) (int, error) {
	inserted := 0
	at := s.now()
	err := chunks(jobs, insertJobBatch, func(part []SendJob) error {
		args := make([]any, 0, len(part)*15)
		for i := range part {
			j := &part[i]
			if j.ID == "" {
				j.ID = NewID()
			}
			if j.Status == "" {
				j.Status = JobScheduled
			}
			if j.Variant == "" {
				j.Variant = "A"
			}
			if j.RunAt.IsZero() {
				j.RunAt = j.DueAt
			}
			j.WorkspaceID, j.CreatedAt, j.UpdatedAt = s.ws, at, at
			args = append(args, j.ID, s.ws, j.CampaignID, j.CampaignLeadID, j.LeadID, nullString(j.MailboxID), j.Step,
				j.Variant, JobKey(j.CampaignLeadID, j.Step), j.Status, j.DueAt, j.RunAt, j.DeferReason, at, at)
		}
		res, err := s.exec(ctx, `INSERT INTO send_jobs (id, workspace_id, campaign_id, campaign_lead_id, lead_id, inbox_id,
			step_position, variant, idempotency_key, status, due_at, run_at, defer_reason, created_at, updated_at)
			VALUES `+valuesList(len(part), 15)+` ON CONFLICT (idempotency_key) DO NOTHING`, args...)
		if err != nil {
			return s.d.translate(err)
		}
		n, err := res.RowsAffected()
		inserted += int(n)
		return err
	})
	return inserted, err
}

// SendJob returns one job of the workspace.
func (s Scope) SendJob(ctx context.Context, id string) (SendJob, error) {
	return scanSendJob(s.queryRow(ctx, `SELECT `+sendJobColumns+` FROM send_jobs j WHERE j.id = ? AND j.workspace_id = ?`,
		id, s.ws))
}

// SendJobsOfCampaignLead lists a campaign lead's jobs by step.
func (s Scope) SendJobsOfCampaignLead(ctx context.Context, campaignLeadID string) ([]SendJob, error) {
	return s.sendJobs(ctx, `SELECT `+sendJobColumns+` FROM send_jobs j WHERE j.campaign_lead_id = ? AND j.workspace_id = ?
		ORDER BY j.step_position`, campaignLeadID, s.ws)
}

func (q Queries) sendJobs(ctx context.Context, query string, args ...any) ([]SendJob, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanSendJob)
}
