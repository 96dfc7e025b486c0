package store

import (
	"context"
	"encoding/json"
	"time"
)

// Lead statuses.
const (
	LeadActive       = "active"
	LeadBounced      = "bounced"
	LeadUnsubscribed = "unsubscribed"
	LeadErased       = "erased"
)

// Lead is a person a workspace may write to.
type Lead struct {
	ID          string            `json:"id"`
	Email       string            `json:"email"`
	FirstName   string            `json:"firstName"`
	LastName    string            `json:"lastName"`
	Company     string            `json:"company"`
	Title       string            `json:"title"`
	Website     string            `json:"website"`
	LinkedinURL string            `json:"linkedinUrl"`
	Phone       string            `json:"phone"`
	Timezone    string            `json:"timezone"`
	Country     string            `json:"country"`
	Custom      map[string]string `json:"custom"`
	Status      string            `json:"status"`
	SourceID    string            `json:"sourceId,omitempty"`
	CreatedAt   time.Time         `json:"createdAt"`
	UpdatedAt   time.Time         `json:"updatedAt"`
}

const leadColumns = `id, email, first_name, last_name, company, title, website, linkedin_url, phone, timezone,
	country, custom, status, COALESCE(source_id, ''), created_at, updated_at`

func scanLead(row interface{ Scan(...any) error }) (Lead, error) {
	var l Lead
	var custom string
	err := row.Scan(&l.ID, &l.Email, &l.FirstName, &l.LastName, &l.Company, &l.Title, &l.Website, &l.LinkedinURL,
		&l.Phone, &l.Timezone, &l.Country, &custom, &l.Status, &l.SourceID, &l.CreatedAt, &l.UpdatedAt)
	if err != nil {
		return l, notFound(err)
	}
	l.Custom = map[string]string{}
	if custom != "" && custom != "{}" {
		if err := json.Unmarshal([]byte(custom), &l.Custom); err != nil {
			return l, err
		}
	}
	return l, nil
}

func customJSON(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// CreateLead inserts a lead; ErrDuplicate when the workspace already has the
// (normalised) email.
func (s Scope) CreateLead(ctx context.Context, l *Lead) error {
	if l.ID == "" {
		l.ID = NewID()
	}
	if l.Status == "" {
		l.Status = LeadActive
	}
	l.CreatedAt, l.UpdatedAt = now(), now()
	custom, err := customJSON(l.Custom)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO leads (id, workspace_id, email, first_name, last_name, company, title, website,
		linkedin_url, phone, timezone, country, custom, status, source_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, s.ws, l.Email, l.FirstName, l.LastName, l.Company, l.Title, l.Website, l.LinkedinURL, l.Phone,
		l.Timezone, l.Country, custom, l.Status, nullString(l.SourceID), l.CreatedAt, l.UpdatedAt)
	return s.d.translate(err)
}

// Lead returns one lead of the workspace.
func (s Scope) Lead(ctx context.Context, id string) (Lead, error) {
	return scanLead(s.queryRow(ctx, `SELECT `+leadColumns+` FROM leads WHERE id = ? AND workspace_id = ?`, id, s.ws))
}

// LeadByEmail returns the workspace's lead with this normalised email.
func (s Scope) LeadByEmail(ctx context.Context, email string) (Lead, error) {
	return scanLead(s.queryRow(ctx, `SELECT `+leadColumns+` FROM leads WHERE email = ? AND workspace_id = ?`, email, s.ws))
}

// SetLeadStatus changes a lead's status (bounced, unsubscribed…).
func (s Scope) SetLeadStatus(ctx context.Context, id, status string) error {
	return s.execOne(ctx, `UPDATE leads SET status = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`,
		status, now(), id, s.ws)
}
