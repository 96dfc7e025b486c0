package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
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
	// CampaignLeadSkipped: the send gate of address verification skipped
	// the lead (undeliverable, or risky when the campaign does not allow
	// risky addresses); the reason says which, e.g. "undeliverable (no MX)".
	CampaignLeadSkipped = "skipped"
)

// CampaignLead is one lead's progress through one campaign: the mailbox it
// is assigned to for the whole sequence and the thread its messages form.
type CampaignLead struct {
	ID             string
	CampaignID     string
	LeadID         string
	MailboxID      string // "" when none is assigned (draft, or no mailbox left)
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
	// Route is the reply route the lead is in (0: the main sequence); read
	// by JobsWork only (internal/routing).
	Route     int
	CreatedAt time.Time
	UpdatedAt time.Time
}

const campaignLeadColumns = `cl.id, cl.campaign_id, cl.lead_id, COALESCE(cl.inbox_id, ''), cl.status, cl.status_reason,
	cl.last_step_sent, cl.thread_id, cl.first_message_id, cl.last_message_id, cl.references_ids, cl.first_subject,
	cl.last_sent_at, cl.replied_at, cl.created_at, cl.updated_at`

func scanCampaignLead(row interface{ Scan(...any) error }) (CampaignLead, error) {
	var c CampaignLead
	var refs string
	var sent, replied sql.NullTime
	err := row.Scan(&c.ID, &c.CampaignID, &c.LeadID, &c.MailboxID, &c.Status, &c.StatusReason, &c.LastStepSent,
		&c.ThreadID, &c.FirstMessageID, &c.LastMessageID, &refs, &c.FirstSubject, &sent, &replied,
		&c.CreatedAt, &c.UpdatedAt)
	c.References = splitRefs(refs)
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
	return collectRows(rows, scanCampaignLead)
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
	c.CreatedAt, c.UpdatedAt = s.now(), s.now()
	res, err := s.exec(ctx, `INSERT INTO campaign_leads (id, workspace_id, campaign_id, lead_id, inbox_id, status,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, lead_id) DO NOTHING`,
		c.ID, s.ws, c.CampaignID, c.LeadID, nullString(c.MailboxID), c.Status, c.CreatedAt, c.UpdatedAt)
	if err != nil {
		return false, s.d.translate(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetCampaignLeadMailbox assigns a campaign lead to a mailbox ("" unassigns)
// and moves its pending jobs with it. A lead that changes mailbox starts a
// new provider thread: the old thread id belongs to the old mailbox.
func (s Scope) SetCampaignLeadMailbox(ctx context.Context, id, mailboxID string) error {
	if err := s.execOne(ctx, `UPDATE campaign_leads SET inbox_id = ?, thread_id = CASE WHEN inbox_id = ? THEN thread_id ELSE '' END,
		updated_at = ? WHERE id = ? AND workspace_id = ?`, nullString(mailboxID), mailboxID, s.now(), id, s.ws); err != nil {
		return err
	}
	_, err := s.exec(ctx, `UPDATE send_jobs SET inbox_id = ?, updated_at = ? WHERE campaign_lead_id = ? AND workspace_id = ?
		AND status IN ('scheduled', 'held')`, nullString(mailboxID), s.now(), id, s.ws)
	return err
}

// MarkCampaignLeadReplied records when a lead first replied without
// stopping the sequence (a campaign with stopOnReply off).
func (s Scope) MarkCampaignLeadReplied(ctx context.Context, id string, at time.Time) error {
	if err := s.execOne(ctx, `UPDATE campaign_leads SET replied_at = COALESCE(replied_at, ?), updated_at = ?
		WHERE id = ? AND workspace_id = ?`, at, at, id, s.ws); err != nil {
		return err
	}
	return s.recreditLeads(ctx, []string{id}) // analytics_counts.go
}

// StopCampaignLeads ends the sequences of campaign leads with a status
// (replied, bounced, unsubscribed, suppressed, failed, stopped, completed)
// and a reason; the latest stop wins, so a reply later classified as an
// unsubscribe ends as unsubscribed. repliedAt (campaign lead id → time, may
// be nil) records reply times in the same statement, an earlier recorded
// time being kept; a stop as replied records `at` where neither is. It is
// one statement (per chunk of ids on SQLite) whatever the number of ids,
// which are taken in order. enrollment.StopLeads runs it with
// CancelPendingJobsOf and CompleteCampaignsIfDone. Ids that are not
// campaign leads of the workspace are left alone. It returns the ids it
// stopped and the campaigns they belong to (each once).
func (s Scope) StopCampaignLeads(ctx context.Context, ids []string, repliedAt map[string]time.Time, status, reason string, at time.Time) (stopped, campaignIDs []string, err error) {
	var replied any
	if status == CampaignLeadReplied {
		replied = at
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	times := make([]*time.Time, len(ids))
	for i, id := range ids {
		if t, ok := repliedAt[id]; ok {
			times[i] = &t
		}
	}
	seen := map[string]bool{}
	err = s.eachIDTime(ids, times, func(src string, args []any) error {
		all := append([]any{status, reason, replied, at}, args...)
		rows, err := s.query(ctx, `UPDATE campaign_leads AS cl SET status = ?, status_reason = ?,
			replied_at = COALESCE(cl.replied_at, v.at, `+s.d.timeParam()+`), updated_at = ?
			FROM `+src+` WHERE cl.workspace_id = ? AND cl.id = v.row_id RETURNING id, campaign_id`,
			append(all, s.ws)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, campaignID string
			if err := rows.Scan(&id, &campaignID); err != nil {
				return err
			}
			stopped = append(stopped, id)
			if !seen[campaignID] {
				seen[campaignID] = true
				campaignIDs = append(campaignIDs, campaignID)
			}
		}
		return rows.Err()
	})
	if err == nil {
		err = s.recreditLeads(ctx, stopped) // analytics_counts.go
	}
	return stopped, campaignIDs, err
}

// CancelPendingJobsOf cancels every job of these campaign leads that has
// not been handed to a provider: scheduled, held, and claimed by a tick but
// not yet sending, in one statement per chunk of ids. A job already sending
// cannot be called back; the engine records its outcome and creates no next
// step for a stopped lead. It returns how many jobs it canceled.
func (s Scope) CancelPendingJobsOf(ctx context.Context, campaignLeadIDs []string, reason string, at time.Time) (int, error) {
	n := 0
	err := paddedChunks(campaignLeadIDs, func(part []string) error {
		res, err := s.exec(ctx, `UPDATE send_jobs SET status = 'canceled', defer_reason = ?, updated_at = ?
			WHERE workspace_id = ? AND campaign_lead_id IN (`+marks(len(part))+`)
			AND `+s.d.notIndexed("status")+` IN ('scheduled', 'held', 'claimed')`,
			append([]any{reason, at, s.ws}, anys(part)...)...)
		if err != nil {
			return err
		}
		k, err := res.RowsAffected()
		n += int(k)
		return err
	})
	return n, err
}

// splitRefs reads references_ids: Message-IDs separated by spaces.
func splitRefs(s string) []string { return strings.Fields(s) }

// LeadInCampaign is a campaign lead with the lead's fields.
type LeadInCampaign struct {
	CampaignLead
	Lead Lead
}

const leadColumnsL = `l.id, l.email, l.first_name, l.last_name, l.company, l.title, l.website, l.linkedin_url, l.phone,
	l.timezone, l.country, l.custom, l.status, COALESCE(l.source_id, ''), l.created_at, l.updated_at,
	l.verify_status, l.verify_reasons, l.verify_provider, l.verify_source, l.verified_at`

// UnstartedCampaignLeads lists the campaign's active leads that have no job
// yet (added to a draft, or never assigned): launch checks and starts them.
func (s Scope) UnstartedCampaignLeads(ctx context.Context, campaignID string) ([]LeadInCampaign, error) {
	return s.leadsInCampaign(ctx, `SELECT `+campaignLeadColumns+`, `+leadColumnsL+` FROM campaign_leads cl
		JOIN leads l ON l.id = cl.lead_id WHERE cl.campaign_id = ? AND cl.workspace_id = ? AND cl.status = 'active'
		AND NOT EXISTS (SELECT 1 FROM send_jobs j WHERE j.campaign_lead_id = cl.id) ORDER BY cl.id`, campaignID, s.ws)
}

// ActiveCampaignLeadsOfMailbox lists a campaign's active leads assigned to a
// mailbox ("" for leads without one).
func (s Scope) ActiveCampaignLeadsOfMailbox(ctx context.Context, campaignID, mailboxID string) ([]LeadInCampaign, error) {
	cond, args := `cl.inbox_id = ?`, []any{campaignID, s.ws, mailboxID}
	if mailboxID == "" {
		cond, args = `cl.inbox_id IS NULL`, args[:2]
	}
	return s.leadsInCampaign(ctx, `SELECT `+campaignLeadColumns+`, `+leadColumnsL+` FROM campaign_leads cl
		JOIN leads l ON l.id = cl.lead_id WHERE cl.campaign_id = ? AND cl.workspace_id = ? AND cl.status = 'active'
		AND `+cond+` ORDER BY cl.id`, args...)
}

func (s Scope) leadsInCampaign(ctx context.Context, query string, args ...any) ([]LeadInCampaign, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []LeadInCampaign
	for rows.Next() {
		var x LeadInCampaign
		var refs, custom string
		var sent, replied sql.NullTime
		var v verifyScan
		c, l := &x.CampaignLead, &x.Lead
		if err := rows.Scan(append([]any{&c.ID, &c.CampaignID, &c.LeadID, &c.MailboxID, &c.Status, &c.StatusReason, &c.LastStepSent,
			&c.ThreadID, &c.FirstMessageID, &c.LastMessageID, &refs, &c.FirstSubject, &sent, &replied, &c.CreatedAt,
			&c.UpdatedAt, &l.ID, &l.Email, &l.FirstName, &l.LastName, &l.Company, &l.Title, &l.Website, &l.LinkedinURL,
			&l.Phone, &l.Timezone, &l.Country, &custom, &l.Status, &l.SourceID, &l.CreatedAt, &l.UpdatedAt}, v.dest()...)...); err != nil {
			return nil, err
		}
		l.Verification = v.get()
		c.References = splitRefs(refs)
		c.LastSentAt, c.RepliedAt = timePtr(sent), timePtr(replied)
		if l.Custom, err = parseCustom(custom); err != nil {
			return nil, err
		}
		list = append(list, x)
	}
	return list, rows.Err()
}

// AssignCampaignLeads sets the mailbox of many campaign leads at once.
func (s Scope) AssignCampaignLeads(ctx context.Context, mailboxID string, ids []string) error {
	return chunks(ids, batchChunk, func(part []string) error {
		args := append([]any{nullString(mailboxID), s.now(), s.ws}, anys(part)...)
		_, err := s.exec(ctx, `UPDATE campaign_leads SET inbox_id = ?, updated_at = ? WHERE workspace_id = ? AND id IN (`+
			marks(len(part))+`)`, args...)
		return err
	})
}

// LeadsByIDs returns the workspace's leads among ids (missing ids are left
// out), keyed by id.
func (s Scope) LeadsByIDs(ctx context.Context, ids []string) (map[string]Lead, error) {
	found := make(map[string]Lead, len(ids))
	err := chunks(ids, batchChunk, func(part []string) error {
		rows, err := s.query(ctx, `SELECT `+leadColumnsL+` FROM leads l WHERE l.workspace_id = ? AND l.id IN (`+
			marks(len(part))+`)`, append([]any{s.ws}, anys(part)...)...)
		if err != nil {
			return err
		}
		leads, err := collectRows(rows, scanLead)
		for _, l := range leads {
			found[l.ID] = l
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return found, nil
}

func parseCustom(s string) (map[string]string, error) {
	m := map[string]string{}
	if s == "" || s == "{}" {
		return m, nil
	}
	err := json.Unmarshal([]byte(s), &m)
	return m, err
}

// ReleaseHeldJobs sends a campaign's held jobs back to scheduled, due now:
// the tick decides each again (and holds it again if it still cannot go).
// Called after a resume, a settings change or a new mailbox.
func (s Scope) ReleaseHeldJobs(ctx context.Context, campaignID string, at time.Time) (int, error) {
	return s.release(ctx, `campaign_id = ?`, campaignID, at)
}

// ReleaseHeldJobsOfMailbox does the same for a mailbox that was resumed,
// reconnected or edited.
func (s Scope) ReleaseHeldJobsOfMailbox(ctx context.Context, mailboxID string, at time.Time) (int, error) {
	return s.release(ctx, `inbox_id = ?`, mailboxID, at)
}

func (s Scope) release(ctx context.Context, cond, id string, at time.Time) (int, error) {
	res, err := s.exec(ctx, `UPDATE send_jobs SET status = 'scheduled', run_at = ?, defer_reason = '', defer_detail = '',
		updated_at = ? WHERE workspace_id = ? AND status = 'held' AND `+cond, at, at, s.ws, id)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// PendingJobOf returns a campaign lead's job that has not finished
// (scheduled, held, claimed or sending), or ErrNotFound.
func (s Scope) PendingJobOf(ctx context.Context, campaignLeadID string) (SendJob, error) {
	return scanSendJob(s.queryRow(ctx, `SELECT `+sendJobColumns+` FROM send_jobs j WHERE j.campaign_lead_id = ?
		AND j.workspace_id = ? AND j.status IN ('scheduled', 'held', 'claimed', 'sending') ORDER BY j.step_position DESC
		LIMIT 1`, campaignLeadID, s.ws))
}

// CampaignLeadMailboxes lists the mailboxes the campaign's active leads are
// assigned to ("" for leads without one).
func (s Scope) CampaignLeadMailboxes(ctx context.Context, campaignID string) ([]string, error) {
	return s.queryStrings(ctx, `SELECT DISTINCT COALESCE(inbox_id, '') FROM campaign_leads WHERE campaign_id = ?
		AND workspace_id = ? AND status = 'active'`, campaignID, s.ws)
}
