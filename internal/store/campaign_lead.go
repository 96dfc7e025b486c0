package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// Campaign lead statuses. Only active leads have steps to send; every other
// status has stopped (or finished) the sequence.
const (
	CampaignLeadActive       = "active"
	CampaignLeadCompleted    = "completed"
	CampaignLeadReplied      = "replied"
	CampaignLeadBounced      = "bounced"
	CampaignLeadUnsubscribed = "unsubscribed"
	CampaignLeadSuppressed   = "suppressed"
	CampaignLeadFailed       = "failed"
	CampaignLeadStopped      = "stopped"
)

// CampaignLead is one lead's progress through one campaign: the mailbox it
// is assigned to for the whole sequence and the thread its messages form.
type CampaignLead struct {
	ID             string
	CampaignID     string
	LeadID         string
	InboxID        string // "" when none is assigned (draft, or no mailbox left)
	Status         string
	StatusReason   string
	LastStepSent   int
	ThreadID       string // the provider's thread id
	FirstMessageID string
	LastMessageID  string
	References     []string // Message-IDs of the thread so far, oldest first
	FirstSubject   string
	LastSentAt     *time.Time
	RepliedAt      *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

const campaignLeadColumns = `cl.id, cl.campaign_id, cl.lead_id, COALESCE(cl.inbox_id, ''), cl.status, cl.status_reason,
	cl.last_step_sent, cl.thread_id, cl.first_message_id, cl.last_message_id, cl.references_ids, cl.first_subject,
	cl.last_sent_at, cl.replied_at, cl.created_at, cl.updated_at`

func scanCampaignLead(row interface{ Scan(...any) error }) (CampaignLead, error) {
	var c CampaignLead
	var refs string
	var sent, replied sql.NullTime
	err := row.Scan(&c.ID, &c.CampaignID, &c.LeadID, &c.InboxID, &c.Status, &c.StatusReason, &c.LastStepSent,
		&c.ThreadID, &c.FirstMessageID, &c.LastMessageID, &refs, &c.FirstSubject, &sent, &replied,
		&c.CreatedAt, &c.UpdatedAt)
	c.References = strings.Fields(refs)
	c.LastSentAt, c.RepliedAt = timePtr(sent), timePtr(replied)
	return c, notFound(err)
}

// CampaignLead returns one campaign lead of the workspace.
func (s Scope) CampaignLead(ctx context.Context, id string) (CampaignLead, error) {
	return scanCampaignLead(s.queryRow(ctx, `SELECT `+campaignLeadColumns+` FROM campaign_leads cl
		WHERE cl.id = ? AND cl.workspace_id = ?`, id, s.ws))
}

// CampaignLeadOf returns a lead's progress in a campaign.
func (s Scope) CampaignLeadOf(ctx context.Context, campaignID, leadID string) (CampaignLead, error) {
	return scanCampaignLead(s.queryRow(ctx, `SELECT `+campaignLeadColumns+` FROM campaign_leads cl
		WHERE cl.campaign_id = ? AND cl.lead_id = ? AND cl.workspace_id = ?`, campaignID, leadID, s.ws))
}

// CampaignLeadsOfLead lists a lead's progress in every campaign.
func (s Scope) CampaignLeadsOfLead(ctx context.Context, leadID string) ([]CampaignLead, error) {
	rows, err := s.query(ctx, `SELECT `+campaignLeadColumns+` FROM campaign_leads cl
		WHERE cl.lead_id = ? AND cl.workspace_id = ? ORDER BY cl.id`, leadID, s.ws)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []CampaignLead
	for rows.Next() {
		c, err := scanCampaignLead(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, rows.Err()
}

// AddCampaignLead adds a lead to a campaign; added is false when it was
// already in it.
func (s Scope) AddCampaignLead(ctx context.Context, c *CampaignLead) (added bool, err error) {
	if c.ID == "" {
		c.ID = NewID()
	}
	if c.Status == "" {
		c.Status = CampaignLeadActive
	}
	c.CreatedAt, c.UpdatedAt = now(), now()
	res, err := s.exec(ctx, `INSERT INTO campaign_leads (id, workspace_id, campaign_id, lead_id, inbox_id, status,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, lead_id) DO NOTHING`,
		c.ID, s.ws, c.CampaignID, c.LeadID, nullString(c.InboxID), c.Status, c.CreatedAt, c.UpdatedAt)
	if err != nil {
		return false, s.d.translate(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetCampaignLeadInbox assigns a campaign lead to a mailbox ("" unassigns)
// and moves its pending jobs with it. A lead that changes mailbox starts a
// new provider thread: the old thread id belongs to the old mailbox.
func (s Scope) SetCampaignLeadInbox(ctx context.Context, id, inboxID string) error {
	if err := s.execOne(ctx, `UPDATE campaign_leads SET inbox_id = ?, thread_id = CASE WHEN inbox_id = ? THEN thread_id ELSE '' END,
		updated_at = ? WHERE id = ? AND workspace_id = ?`, nullString(inboxID), inboxID, now(), id, s.ws); err != nil {
		return err
	}
	_, err := s.exec(ctx, `UPDATE send_jobs SET inbox_id = ?, updated_at = ? WHERE campaign_lead_id = ? AND workspace_id = ?
		AND status IN ('scheduled', 'held')`, nullString(inboxID), now(), id, s.ws)
	return err
}

// StopCampaignLead ends a campaign lead's sequence with a status (replied,
// bounced, unsubscribed, suppressed, failed, stopped, completed) and a
// reason. The latest stop wins, so a reply later classified as an
// unsubscribe ends as unsubscribed. It reports the campaign the lead belongs
// to. Call CancelPendingJobs in the same transaction.
func (s Scope) StopCampaignLead(ctx context.Context, id, status, reason string, at time.Time) (campaignID string, err error) {
	var replied any
	if status == CampaignLeadReplied {
		replied = at
	}
	err = s.queryRow(ctx, `UPDATE campaign_leads SET status = ?, status_reason = ?,
		replied_at = COALESCE(replied_at, ?), updated_at = ? WHERE id = ? AND workspace_id = ? RETURNING campaign_id`,
		status, reason, replied, at, id, s.ws).Scan(&campaignID)
	return campaignID, notFound(err)
}

// MarkCampaignLeadReplied records when a lead first replied without
// stopping the sequence (a campaign with stopOnReply off).
func (s Scope) MarkCampaignLeadReplied(ctx context.Context, id string, at time.Time) error {
	return s.execOne(ctx, `UPDATE campaign_leads SET replied_at = COALESCE(replied_at, ?), updated_at = ?
		WHERE id = ? AND workspace_id = ?`, at, at, id, s.ws)
}

// CancelPendingJobs cancels every job of a campaign lead that has not been
// handed to a provider: scheduled, held, and claimed by a tick but not yet
// sending. A job already sending cannot be called back; the engine records
// its outcome and creates no next step for a stopped lead.
func (s Scope) CancelPendingJobs(ctx context.Context, campaignLeadID, reason string, at time.Time) (int, error) {
	res, err := s.exec(ctx, `UPDATE send_jobs SET status = 'canceled', defer_reason = ?, updated_at = ?
		WHERE campaign_lead_id = ? AND workspace_id = ? AND status IN ('scheduled', 'held', 'claimed')`,
		reason, at, campaignLeadID, s.ws)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
