package store

import "context"

// LeadSources lists the workspace's lead sources (its imports) newest
// first, after cursor (a source id); up to limit+1 so the caller knows
// whether there is a next page.
func (s Scope) LeadSources(ctx context.Context, cursor string, limit int) ([]LeadSource, error) {
	q := `SELECT ` + leadSourceColumns + ` FROM lead_sources WHERE workspace_id = ?`
	args := []any{s.ws}
	q, args = keysetPage(q, args, cursor, limit+1)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanLeadSource)
}
