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
	// Pending is true for an invited address that has not accepted yet:
	// UserID and Name are empty until it does.
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

// MemberRole is a user's role in the scope's workspace; ErrNotFound when
// they are not a member.
func (s Scope) MemberRole(ctx context.Context, userID string) (string, error) {
	var role string
	err := s.queryRow(ctx, `SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?`, s.ws, userID).Scan(&role)
	return role, notFound(err)
}

// LockOwners locks the workspace's row, so that changes to its owners
// (role changes, removals, departures) happen one at a time and the "one
// owner is always left" check sees the others' results. SQLite's single
// writer already serialises them.
func (s Scope) LockOwners(ctx context.Context) error {
	q := `SELECT id FROM workspaces WHERE id = ?`
	if s.d == Postgres {
		q += ` FOR UPDATE`
	}
	var id string
	return notFound(s.queryRow(ctx, q, s.ws).Scan(&id))
}

// CountOwners counts the workspace's owners and members.
func (s Scope) CountOwners(ctx context.Context) (owners, members int, err error) {
	err = s.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN role = 'owner' THEN 1 ELSE 0 END), 0), COUNT(*)
		FROM memberships WHERE workspace_id = ?`, s.ws).Scan(&owners, &members)
	return owners, members, err
}

// SetMemberRole changes a member's role; ErrNotFound when they are not one.
func (s Scope) SetMemberRole(ctx context.Context, userID, role string) error {
	return s.execOne(ctx, `UPDATE memberships SET role = ? WHERE workspace_id = ? AND user_id = ?`, role, s.ws, userID)
}

// RemoveMember ends a user's membership, revokes their API keys for the
// workspace and moves their sessions in it to another of their workspaces
// (none when they have no other), at once. ErrNotFound when they are not a
// member.
func (s Scope) RemoveMember(ctx context.Context, userID string, now time.Time) error {
	if err := s.execOne(ctx, `DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?`, s.ws, userID); err != nil {
		return err
	}
	if _, err := s.exec(ctx, `UPDATE api_keys SET revoked_at = ? WHERE workspace_id = ? AND user_id = ? AND revoked_at IS NULL`,
		now, s.ws, userID); err != nil {
		return err
	}
	_, err := s.exec(ctx, `UPDATE sessions SET workspace_id = (SELECT MIN(m.workspace_id) FROM memberships m WHERE m.user_id = sessions.user_id)
		WHERE workspace_id = ? AND user_id = ?`, s.ws, userID)
	return err
}

// SoleOwnerWorkspaces lists the workspaces where the user is the only owner
// and others are members: they cannot delete their account until they hand
// one of them ownership.
func (q Queries) SoleOwnerWorkspaces(ctx context.Context, userID string) ([]Membership, error) {
	rows, err := q.query(ctx, `SELECT w.id, w.name, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
		WHERE m.user_id = ? AND m.role = 'owner'
		AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.workspace_id = m.workspace_id AND o.user_id <> m.user_id AND o.role = 'owner')
		AND EXISTS (SELECT 1 FROM memberships o WHERE o.workspace_id = m.workspace_id AND o.user_id <> m.user_id)
		ORDER BY w.id`, userID)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (Membership, error) {
		var m Membership
		err := r.Scan(&m.ID, &m.Name, &m.Role)
		return m, err
	})
}

// DeleteWorkspacesOnlyOf deletes the workspaces whose only member is the
// user (their data goes with them), before the account is deleted.
func (q Queries) DeleteWorkspacesOnlyOf(ctx context.Context, userID string) error {
	_, err := q.exec(ctx, `DELETE FROM workspaces WHERE id IN (SELECT m.workspace_id FROM memberships m WHERE m.user_id = ?
		AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.workspace_id = m.workspace_id AND o.user_id <> m.user_id))`, userID)
	return err
}

// WorkspaceName is a workspace's name, for a page reached by a link (an
// invitation) rather than by a member.
func (q Queries) WorkspaceName(ctx context.Context, id string) (string, error) {
	var name string
	err := q.queryRow(ctx, `SELECT name FROM workspaces WHERE id = ?`, id).Scan(&name)
	return name, notFound(err)
}
