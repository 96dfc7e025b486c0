package store

import (
	"context"
	"time"
)

// ICPProfile is a stored ideal customer profile. ICP holds the profile itself
// as JSON (the fields of ai.ICP); the store keeps it opaque so it does not
// depend on the AI vocabulary.
type ICPProfile struct {
	ID                 string
	Name               string
	ProductDescription string
	Website            string
	Notes              string
	ICP                string // JSON object
	Generator          string // "openai", "offline" or "manual"
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

const icpProfileColumns = `id, name, product_description, website, notes, icp, generator, created_at, updated_at`

func scanICPProfile(row interface{ Scan(...any) error }) (ICPProfile, error) {
	var p ICPProfile
	err := row.Scan(&p.ID, &p.Name, &p.ProductDescription, &p.Website, &p.Notes, &p.ICP, &p.Generator,
		&p.CreatedAt, &p.UpdatedAt)
	return p, notFound(err)
}

// CreateICPProfile inserts a profile, filling ID and the timestamps.
func (s Scope) CreateICPProfile(ctx context.Context, p *ICPProfile) error {
	if p.ID == "" {
		p.ID = NewID()
	}
	if p.ICP == "" {
		p.ICP = "{}"
	}
	if p.Generator == "" {
		p.Generator = "manual"
	}
	p.CreatedAt, p.UpdatedAt = s.now(), s.now()
	_, err := s.exec(ctx, `INSERT INTO icp_profiles (id, workspace_id, name, product_description, website, notes,
		icp, generator, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, s.ws, p.Name, p.ProductDescription, p.Website, p.Notes, p.ICP, p.Generator, p.CreatedAt, p.UpdatedAt)
	return s.d.translate(err)
}

// ICPProfile returns one profile of the workspace.
func (s Scope) ICPProfile(ctx context.Context, id string) (ICPProfile, error) {
	return scanICPProfile(s.queryRow(ctx, `SELECT `+icpProfileColumns+` FROM icp_profiles
		WHERE id = ? AND workspace_id = ?`, id, s.ws))
}

// LatestICPProfile returns the workspace's most recently created profile:
// drafting falls back to it when the request names none.
func (s Scope) LatestICPProfile(ctx context.Context) (ICPProfile, error) {
	return scanICPProfile(s.queryRow(ctx, `SELECT `+icpProfileColumns+` FROM icp_profiles
		WHERE workspace_id = ? ORDER BY id DESC LIMIT 1`, s.ws))
}

// ICPProfiles lists the workspace's profiles newest first, after cursor (a
// profile id) when given. It returns up to limit+1 rows so the caller knows
// whether there is a next page.
func (s Scope) ICPProfiles(ctx context.Context, cursor string, limit int) ([]ICPProfile, error) {
	q := `SELECT ` + icpProfileColumns + ` FROM icp_profiles WHERE workspace_id = ?`
	args := []any{s.ws}
	q, args = keysetPage(q, args, cursor, limit+1)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanICPProfile)
}

// UpdateICPProfile writes the editable fields of p (name, texts, ICP) and
// sets UpdatedAt. The generator that first wrote the profile is kept.
func (s Scope) UpdateICPProfile(ctx context.Context, p *ICPProfile) error {
	p.UpdatedAt = s.now()
	return s.execOne(ctx, `UPDATE icp_profiles SET name = ?, product_description = ?, website = ?, notes = ?,
		icp = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`,
		p.Name, p.ProductDescription, p.Website, p.Notes, p.ICP, p.UpdatedAt, p.ID, s.ws)
}
