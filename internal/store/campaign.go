package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// Campaign statuses: draft → active ⇄ paused → completed.
const (
	CampaignDraft     = "draft"
	CampaignActive    = "active"
	CampaignPaused    = "paused"
	CampaignCompleted = "completed"
)

// Campaign is a sequence sent to a set of leads from a set of mailboxes on a
// schedule. Times of day are minutes after local midnight in Timezone.
type Campaign struct {
	ID              string
	Name            string
	ICPProfileID    string
	Status          string
	StatusReason    string
	Timezone        string
	SendDays        []int // ISO weekdays, 1 = Monday … 7 = Sunday
	SendStartMinute int
	SendEndMinute   int
	UseLeadTimezone bool
	StopOnReply     bool
	// StopOnAutoReply stops a lead on an out-of-office instead of pausing
	// it; StopOnCompanyReply stops every lead of the replier's company domain.
	StopOnAutoReply    bool
	StopOnCompanyReply bool
	DailyLimit         int // 0: no campaign-wide limit
	// AllowRisky sends to leads whose address verification says risky;
	// ESPMatching assigns each lead a mailbox of its own mail provider.
	AllowRisky  bool
	ESPMatching bool
	// SentToday counts sends reserved in the campaign-zone day SentTodayDate.
	SentToday     int
	SentTodayDate string
	MailboxIDs    []string
	LaunchedAt    *time.Time
	CompletedAt   *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

const campaignColumns = `id, name, COALESCE(icp_profile_id, ''), status, status_reason, timezone, send_days,
	send_start_minute, send_end_minute, use_lead_timezone, stop_on_reply, stop_on_auto_reply, stop_on_company_reply,
	daily_limit, sent_today, sent_today_date, launched_at, completed_at, created_at, updated_at, allow_risky, esp_matching`

func scanCampaign(row interface{ Scan(...any) error }) (Campaign, error) {
	var c Campaign
	var days string
	var launched, completed sql.NullTime
	err := row.Scan(&c.ID, &c.Name, &c.ICPProfileID, &c.Status, &c.StatusReason, &c.Timezone, &days,
		&c.SendStartMinute, &c.SendEndMinute, &c.UseLeadTimezone, &c.StopOnReply, &c.StopOnAutoReply,
		&c.StopOnCompanyReply, &c.DailyLimit, &c.SentToday, &c.SentTodayDate, &launched, &completed, &c.CreatedAt, &c.UpdatedAt,
		&c.AllowRisky, &c.ESPMatching)
	if err != nil {
		return c, notFound(err)
	}
	c.SendDays = parseDays(days)
	c.LaunchedAt, c.CompletedAt = timePtr(launched), timePtr(completed)
	return c, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

// formatDays stores ISO weekdays as "1,2,3".
func formatDays(days []int) string {
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ",")
}

func parseDays(s string) []int {
	days := []int{}
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
			days = append(days, n)
		}
	}
	return days
}

// CreateCampaign inserts a campaign (status draft unless set) and links its
// mailboxes, which must belong to the workspace (ErrNotFound otherwise).
func (s Scope) CreateCampaign(ctx context.Context, c *Campaign) error {
	if c.ID == "" {
		c.ID = NewID()
	}
	if c.Status == "" {
		c.Status = CampaignDraft
	}
	c.CreatedAt, c.UpdatedAt = s.now(), s.now()
	_, err := s.exec(ctx, `INSERT INTO campaigns (id, workspace_id, name, icp_profile_id, status, status_reason, timezone,
		send_days, send_start_minute, send_end_minute, use_lead_timezone, stop_on_reply, stop_on_auto_reply,
		stop_on_company_reply, daily_limit, created_at, updated_at, allow_risky, esp_matching)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, s.ws, c.Name, nullString(c.ICPProfileID), c.Status, c.StatusReason, c.Timezone, formatDays(c.SendDays),
		c.SendStartMinute, c.SendEndMinute, c.UseLeadTimezone, c.StopOnReply, c.StopOnAutoReply, c.StopOnCompanyReply,
		c.DailyLimit, c.CreatedAt, c.UpdatedAt, c.AllowRisky, c.ESPMatching)
	if err != nil {
		return s.d.translate(err)
	}
	return s.SetCampaignMailboxes(ctx, c.ID, c.MailboxIDs)
}

// Campaign returns one campaign with its mailbox ids.
func (s Scope) Campaign(ctx context.Context, id string) (Campaign, error) {
	c, err := scanCampaign(s.queryRow(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE id = ? AND workspace_id = ?`, id, s.ws))
	if err != nil {
		return c, err
	}
	c.MailboxIDs, err = s.CampaignMailboxIDs(ctx, id)
	return c, err
}

// Campaigns lists the workspace's campaigns newest first, after the cursor (a
// campaign id) when given; limit+1 rows so the caller sees a next page.
func (s Scope) Campaigns(ctx context.Context, status, cursor string, limit int) ([]Campaign, error) {
	q := `SELECT ` + campaignColumns + ` FROM campaigns WHERE workspace_id = ?`
	args := []any{s.ws}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, status)
	}
	q, args = keysetPage(q, args, cursor, limit+1)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	list, err := collectRows(rows, scanCampaign)
	if err != nil {
		return nil, err
	}
	return list, s.fillMailboxIDs(ctx, list)
}

// fillMailboxIDs sets the campaigns' MailboxIDs, in one query per chunk of
// campaigns (a list page is one query, not one per campaign).
func (s Scope) fillMailboxIDs(ctx context.Context, list []Campaign) error {
	at := make(map[string]int, len(list))
	ids := make([]string, len(list))
	for i := range list {
		at[list[i].ID], ids[i] = i, list[i].ID
		list[i].MailboxIDs = []string{} // "inboxIds": [] for a campaign without one
	}
	return paddedChunks(ids, func(part []string) error {
		rows, err := s.query(ctx, `SELECT DISTINCT campaign_id, inbox_id FROM campaign_inboxes WHERE workspace_id = ?
			AND campaign_id IN (`+marks(len(part))+`) ORDER BY campaign_id, inbox_id`, append([]any{s.ws}, anys(part)...)...)
		if err != nil {
			return err
		}
		return eachRow(rows, func(r rowScanner) error {
			var campaignID, inboxID string
			err := r.Scan(&campaignID, &inboxID)
			c := &list[at[campaignID]]
			c.MailboxIDs = append(c.MailboxIDs, inboxID)
			return err
		})
	})
}

// UpdateCampaignSettings writes the editable settings (not status, not
// mailboxes).
func (s Scope) UpdateCampaignSettings(ctx context.Context, c *Campaign) error {
	c.UpdatedAt = s.now()
	return s.execOne(ctx, `UPDATE campaigns SET name = ?, icp_profile_id = ?, timezone = ?, send_days = ?,
		send_start_minute = ?, send_end_minute = ?, use_lead_timezone = ?, stop_on_reply = ?, stop_on_auto_reply = ?,
		stop_on_company_reply = ?, daily_limit = ?, allow_risky = ?, esp_matching = ?, updated_at = ?
		WHERE id = ? AND workspace_id = ?`,
		c.Name, nullString(c.ICPProfileID), c.Timezone, formatDays(c.SendDays), c.SendStartMinute, c.SendEndMinute,
		c.UseLeadTimezone, c.StopOnReply, c.StopOnAutoReply, c.StopOnCompanyReply, c.DailyLimit, c.AllowRisky,
		c.ESPMatching, c.UpdatedAt, c.ID, s.ws)
}

// SetCampaignStatus moves a campaign to status when it is currently in one
// of from; ErrNotFound when it is not (the caller checked the transition on
// a locked row, so this only guards against a concurrent change).
func (s Scope) SetCampaignStatus(ctx context.Context, id, status, reason string, at time.Time, from ...string) error {
	q := `UPDATE campaigns SET status = ?, status_reason = ?, updated_at = ?`
	args := []any{status, reason, at}
	switch status {
	case CampaignActive:
		q += `, launched_at = COALESCE(launched_at, ?)`
		args = append(args, at)
	case CampaignCompleted:
		q += `, completed_at = ?`
		args = append(args, at)
	}
	q += ` WHERE id = ? AND workspace_id = ?`
	args = append(args, id, s.ws)
	if len(from) > 0 {
		q += ` AND status IN (` + marks(len(from)) + `)`
		for _, f := range from {
			args = append(args, f)
		}
	}
	return s.execOne(ctx, q, args...)
}

// CompleteCampaignsIfDone marks active or paused campaigns completed when
// none of their leads is still active, in one statement per chunk of ids.
// It returns the campaigns it completed. The campaigns it completes are locked
// first, in id order (the inner SELECT … ORDER BY id FOR NO KEY UPDATE):
// the order the claim locks campaigns in, whatever plan the UPDATE gets.
func (s Scope) CompleteCampaignsIfDone(ctx context.Context, ids []string, at time.Time) ([]CampaignName, error) {
	var done []CampaignName
	err := paddedChunks(ids, func(part []string) error {
		rows, err := s.query(ctx, `UPDATE campaigns SET status = 'completed', status_reason = 'every lead is done',
			completed_at = ?, updated_at = ? WHERE workspace_id = ? AND `+s.d.notIndexed("status")+` IN ('active', 'paused')
			AND id IN (SELECT c.id FROM campaigns c WHERE c.workspace_id = ? AND c.id IN (`+marks(len(part))+`)
				AND `+s.d.notIndexed("c.status")+` IN ('active', 'paused')
				AND EXISTS (SELECT 1 FROM campaign_leads cl WHERE cl.campaign_id = c.id)
				AND NOT EXISTS (SELECT 1 FROM campaign_leads cl WHERE cl.campaign_id = c.id AND cl.status = 'active')
				ORDER BY c.id`+s.d.lockRows()+`) RETURNING id, name`,
			append([]any{at, at, s.ws, s.ws}, anys(part)...)...)
		if err != nil {
			return err
		}
		list, err := collectRows(rows, func(r rowScanner) (CampaignName, error) {
			var c CampaignName
			return c, r.Scan(&c.ID, &c.Name)
		})
		done = append(done, list...)
		return err
	})
	return done, err
}

// CampaignName names a campaign: its id, name and (where the query reads
// it) status.
type CampaignName struct{ ID, Name, Status string }

// DeleteCampaign removes a campaign and everything that cascades from it.
func (s Scope) DeleteCampaign(ctx context.Context, id string) error {
	return s.execOne(ctx, `DELETE FROM campaigns WHERE id = ? AND workspace_id = ?`, id, s.ws)
}

// SetCampaignMailboxes replaces the campaign's mailboxes. Every id must be a
// mailbox of the workspace; ErrNotFound otherwise.
func (s Scope) SetCampaignMailboxes(ctx context.Context, campaignID string, mailboxIDs []string) error {
	if len(mailboxIDs) > 0 {
		var n int
		args := []any{s.ws}
		args = append(args, anys(mailboxIDs)...)
		if err := s.queryRow(ctx, `SELECT COUNT(*) FROM inbox_connections WHERE workspace_id = ? AND id IN (`+
			marks(len(mailboxIDs))+`)`, args...).Scan(&n); err != nil {
			return err
		}
		if n != len(mailboxIDs) {
			return ErrNotFound
		}
	}
	if _, err := s.exec(ctx, `DELETE FROM campaign_inboxes WHERE campaign_id = ? AND workspace_id = ?`, campaignID, s.ws); err != nil {
		return err
	}
	for _, id := range mailboxIDs {
		if _, err := s.exec(ctx, `INSERT INTO campaign_inboxes (campaign_id, inbox_id, workspace_id) VALUES (?, ?, ?)`,
			campaignID, id, s.ws); err != nil {
			return s.d.translate(err)
		}
	}
	return nil
}

// CampaignMailboxIDs lists the campaign's mailboxes in id order.
func (s Scope) CampaignMailboxIDs(ctx context.Context, campaignID string) ([]string, error) {
	return s.queryStrings(ctx, `SELECT inbox_id FROM campaign_inboxes WHERE campaign_id = ? AND workspace_id = ? ORDER BY inbox_id`,
		campaignID, s.ws)
}

// CampaignsUsingMailbox lists the ids of the workspace's campaigns that send
// from a mailbox.
func (s Scope) CampaignsUsingMailbox(ctx context.Context, mailboxID string) ([]string, error) {
	return s.queryStrings(ctx, `SELECT campaign_id FROM campaign_inboxes WHERE inbox_id = ? AND workspace_id = ? ORDER BY campaign_id`,
		mailboxID, s.ws)
}

// ICPProfileExists reports whether the workspace has this ICP profile.
func (s Scope) ICPProfileExists(ctx context.Context, id string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM icp_profiles WHERE id = ? AND workspace_id = ?`, id, s.ws).Scan(&n)
	return n > 0, err
}

func (q Queries) queryStrings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}
