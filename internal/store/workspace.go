package store

import (
	"context"
	"encoding/json"
	"time"
)

// Roles a member can have in a workspace.
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// Workspace is a tenant: every lead, campaign and mailbox belongs to one.
// FooterAddress is the sender's postal address, which every message's
// footer shows and a campaign cannot launch without; the API names it both
// footerAddress (its first name) and postalAddress.
type Workspace struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	FooterAddress string    `json:"footerAddress"`
	FooterText    string    `json:"footerText"`
	CreatedAt     time.Time `json:"createdAt"`
}

// MarshalJSON adds postalAddress, the same value as footerAddress.
func (w Workspace) MarshalJSON() ([]byte, error) {
	type fields Workspace
	return json.Marshal(struct {
		fields
		PostalAddress string `json:"postalAddress"`
	}{fields(w), w.FooterAddress})
}

// Membership is a user's role in a workspace, as listed by /api/me.
type Membership struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// Member is a workspace member as the members list shows them.
type Member struct {
	UserID    string    `json:"userId"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"createdAt"`
	// Pending is true for a member added by address who has not logged in
	// since: UserID and Name are empty until they do.
	Pending bool `json:"pending"`
}

// CreateWorkspace inserts a workspace, with its footer when w has one, and
// makes ownerID its owner.
func (q Queries) CreateWorkspace(ctx context.Context, w *Workspace, ownerID string) error {
	if w.ID == "" {
		w.ID = NewID()
	}
	w.CreatedAt = q.now()
	if _, err := q.exec(ctx, `INSERT INTO workspaces (id, name, footer_address, footer_text, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, w.ID, w.Name, w.FooterAddress, w.FooterText, w.CreatedAt, w.CreatedAt); err != nil {
		return q.d.translate(err)
	}
	return q.AddMember(ctx, w.ID, ownerID, RoleOwner)
}

// AddMember gives a user a role in a workspace; ErrDuplicate when they are
// already a member.
func (q Queries) AddMember(ctx context.Context, workspaceID, userID, role string) error {
	_, err := q.exec(ctx, `INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)`,
		workspaceID, userID, role, q.now())
	return q.d.translate(err)
}

// JoinWorkspace gives a user a role in a workspace unless they already have
// one there (a pending membership taken up).
func (q Queries) JoinWorkspace(ctx context.Context, workspaceID, userID, role string) error {
	_, err := q.exec(ctx, `INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (workspace_id, user_id) DO NOTHING`, workspaceID, userID, role, q.now())
	return err
}

// WorkspaceForMember returns the workspace and the user's role in it;
// ErrNotFound when the user is not a member, so a stranger cannot tell a
// foreign workspace from a missing one.
func (q Queries) WorkspaceForMember(ctx context.Context, workspaceID, userID string) (Workspace, string, error) {
	var w Workspace
	var role string
	err := q.queryRow(ctx, `SELECT w.id, w.name, w.footer_address, w.footer_text, w.created_at, m.role
		FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
		WHERE w.id = ? AND m.user_id = ?`, workspaceID, userID).
		Scan(&w.ID, &w.Name, &w.FooterAddress, &w.FooterText, &w.CreatedAt, &role)
	return w, role, notFound(err)
}

// Memberships lists the workspaces a user belongs to, oldest first.
func (q Queries) Memberships(ctx context.Context, userID string) ([]Membership, error) {
	rows, err := q.query(ctx, `SELECT w.id, w.name, m.role FROM memberships m
		JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = ? ORDER BY w.id`, userID)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (Membership, error) {
		var m Membership
		err := r.Scan(&m.ID, &m.Name, &m.Role)
		return m, err
	})
}

// Members lists the workspace's members.
func (s Scope) Members(ctx context.Context) ([]Member, error) {
	rows, err := s.query(ctx, `SELECT u.id, u.email, u.name, m.role, m.created_at FROM memberships m
		JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? ORDER BY m.created_at, u.id`, s.ws)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (Member, error) {
		var m Member
		err := r.Scan(&m.UserID, &m.Email, &m.Name, &m.Role, &m.CreatedAt)
		return m, err
	})
}

// UpdateWorkspace saves the workspace's editable settings.
func (s Scope) UpdateWorkspace(ctx context.Context, w Workspace) error {
	return s.execOne(ctx, `UPDATE workspaces SET name = ?, footer_address = ?, footer_text = ?, updated_at = ?
		WHERE id = ?`, w.Name, w.FooterAddress, w.FooterText, s.now(), s.ws)
}
