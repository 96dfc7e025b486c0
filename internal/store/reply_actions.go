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

// CampaignLeadPausedUntil reads when an out-of-office pause ends (nil when
// the lead is not paused).
func (s Scope) CampaignLeadPausedUntil(ctx context.Context, id string) (*time.Time, error) {
	var t sql.NullTime
	err := s.queryRow(ctx, `SELECT paused_until FROM campaign_leads WHERE id = ? AND workspace_id = ?`, id, s.ws).Scan(&t)
	return timePtr(t), notFound(err)
}
