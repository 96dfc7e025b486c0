package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// ReplySettings are a campaign's rules for what a reply does to its
// sequences.
type ReplySettings struct {
	Name               string
	StopOnReply        bool // a human reply stops the lead's sequence
	StopOnAutoReply    bool // an out-of-office stops it instead of pausing it
	StopOnCompanyReply bool // a reply stops every lead of the same company domain
}

// CampaignReplySettings reads a campaign's reply rules.
func (s Scope) CampaignReplySettings(ctx context.Context, id string) (ReplySettings, error) {
	var r ReplySettings
	err := s.queryRow(ctx, `SELECT name, stop_on_reply, stop_on_auto_reply, stop_on_company_reply FROM campaigns
		WHERE id = ? AND workspace_id = ?`, id, s.ws).Scan(&r.Name, &r.StopOnReply, &r.StopOnAutoReply, &r.StopOnCompanyReply)
	return r, notFound(err)
}

// ActiveCampaignLeadsAtDomain lists the ids of a campaign's active leads
// whose address is at domain (lower case, exact: "acme.com" does not cover
// "eu.acme.com").
func (s Scope) ActiveCampaignLeadsAtDomain(ctx context.Context, campaignID, domain string) ([]string, error) {
	return s.queryStrings(ctx, `SELECT cl.id FROM campaign_leads cl JOIN leads l ON l.id = cl.lead_id
		WHERE cl.campaign_id = ? AND cl.workspace_id = ? AND cl.status = 'active' AND l.email LIKE ? ESCAPE '\'
		ORDER BY cl.id`, campaignID, s.ws, "%@"+likeEscaper.Replace(strings.ToLower(domain)))
}

// CampaignLeadsOfLeadInInbox lists a lead's campaign leads assigned to a
// mailbox: whom mail from that person to that mailbox is about when it
// names none of our messages.
func (s Scope) CampaignLeadsOfLeadInInbox(ctx context.Context, leadID, inboxID string) ([]CampaignLead, error) {
	rows, err := s.query(ctx, `SELECT `+campaignLeadColumns+` FROM campaign_leads cl WHERE cl.lead_id = ?
		AND cl.inbox_id = ? AND cl.workspace_id = ? ORDER BY cl.last_sent_at DESC, cl.id DESC`, leadID, inboxID, s.ws)
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

// PauseCampaignLeadUntil holds an active campaign lead's next step until
// `until` (an out-of-office's return date): its paused_until is set and its
// pending jobs (scheduled or held) become due no earlier than then. The
// send engine decides a job from its due time, so nothing goes before the
// person is back; the sequence then continues where it was. It reports how
// many jobs moved.
func (s Scope) PauseCampaignLeadUntil(ctx context.Context, id string, until, at time.Time) (int, error) {
	if err := s.execOne(ctx, `UPDATE campaign_leads SET paused_until = ?, updated_at = ? WHERE id = ? AND workspace_id = ?
		AND status = 'active'`, until, at, id, s.ws); err != nil {
		return 0, err
	}
	res, err := s.exec(ctx, `UPDATE send_jobs SET due_at = CASE WHEN due_at < ? THEN ? ELSE due_at END,
		run_at = CASE WHEN run_at < ? THEN ? ELSE run_at END, defer_reason = 'out_of_office', updated_at = ?
		WHERE campaign_lead_id = ? AND workspace_id = ? AND status IN ('scheduled', 'held')`,
		until, until, until, until, at, id, s.ws)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// CampaignLeadPausedUntil reads when an out-of-office pause ends (nil when
// the lead is not paused).
func (s Scope) CampaignLeadPausedUntil(ctx context.Context, id string) (*time.Time, error) {
	var t sql.NullTime
	err := s.queryRow(ctx, `SELECT paused_until FROM campaign_leads WHERE id = ? AND workspace_id = ?`, id, s.ws).Scan(&t)
	return timePtr(t), notFound(err)
}
