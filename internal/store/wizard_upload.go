package store

import (
	"context"
	"time"
)

// WizardUploadsInUse returns the staged uploads (tokens) the workspace's
// campaign wizards still need: those whose import is running, or ended
// after endedAfter (the wizard reads the file once more to add its leads).
func (s Scope) WizardUploadsInUse(ctx context.Context, endedAfter time.Time) (map[string]bool, error) {
	rows, err := s.query(ctx, `SELECT w.upload FROM campaign_wizards w
		JOIN lead_sources src ON src.id = w.import_id AND src.workspace_id = w.workspace_id
		WHERE w.workspace_id = ? AND w.upload <> ''
		AND (src.status = 'running' OR src.finished_at IS NULL OR src.finished_at > ?)`, s.ws, endedAfter)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	inUse := map[string]bool{}
	for rows.Next() {
		var token string
		if err := rows.Scan(&token); err != nil {
			return nil, err
		}
		inUse[token] = true
	}
	return inUse, rows.Err()
}
