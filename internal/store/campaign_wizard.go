package store

import (
	"context"
	"time"
)

// CampaignWizard is where a campaign's setup in the web app's wizard stands:
// the step to resume at and the lead import the wizard started.
type CampaignWizard struct {
	CampaignID string
	Step       string
	ImportID   string // the wizard's lead import, "" before one starts
	Upload     string // the web app's staged copy of that import's file
	UpdatedAt  time.Time
}

// CampaignWizard returns a campaign's wizard state; ErrNotFound when its
// setup never went through the wizard.
func (s Scope) CampaignWizard(ctx context.Context, campaignID string) (CampaignWizard, error) {
	w := CampaignWizard{CampaignID: campaignID}
	err := s.queryRow(ctx, `SELECT step, import_id, upload, updated_at FROM campaign_wizards
		WHERE campaign_id = ? AND workspace_id = ?`, campaignID, s.ws).Scan(&w.Step, &w.ImportID, &w.Upload, &w.UpdatedAt)
	return w, notFound(err)
}

// SaveCampaignWizard records a campaign's wizard state, creating it on
// first save. ErrNotFound when the campaign is not the workspace's.
func (s Scope) SaveCampaignWizard(ctx context.Context, w *CampaignWizard) error {
	w.UpdatedAt = s.now()
	return s.execOne(ctx, `INSERT INTO campaign_wizards (campaign_id, workspace_id, step, import_id, upload, updated_at)
		SELECT id, workspace_id, ?, ?, ?, ? FROM campaigns WHERE id = ? AND workspace_id = ?
		ON CONFLICT (campaign_id) DO UPDATE SET step = excluded.step, import_id = excluded.import_id,
		upload = excluded.upload, updated_at = excluded.updated_at
		WHERE campaign_wizards.workspace_id = excluded.workspace_id`,
		w.Step, w.ImportID, w.Upload, w.UpdatedAt, w.CampaignID, s.ws)
}

// LatestCampaignWizard returns the wizard most recently saved in the
// workspace whose step is not done, for the dashboard's "continue where
// you left off"; ErrNotFound when there is none.
func (s Scope) LatestCampaignWizard(ctx context.Context, done string) (CampaignWizard, error) {
	var w CampaignWizard
	err := s.queryRow(ctx, `SELECT w.campaign_id, w.step, w.import_id, w.upload, w.updated_at FROM campaign_wizards w
		JOIN campaigns c ON c.id = w.campaign_id
		WHERE w.workspace_id = ? AND w.step <> ? AND c.status = 'draft'
		ORDER BY w.updated_at DESC, w.campaign_id DESC LIMIT 1`, s.ws, done).
		Scan(&w.CampaignID, &w.Step, &w.ImportID, &w.Upload, &w.UpdatedAt)
	return w, notFound(err)
}
