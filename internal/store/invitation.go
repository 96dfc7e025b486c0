package store

import (
	"context"
	"time"
)

// Invitation is an invitation to a workspace for one address. Only its
// token's hash is stored.
type Invitation struct {
	ID          string     `json:"id"`
	WorkspaceID string     `json:"-"`
	Email       string     `json:"email"`
	Role        string     `json:"role"`
	TokenHash   string     `json:"-"`
	InvitedBy   string     `json:"invitedBy,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
	ExpiresAt   time.Time  `json:"expiresAt"`
	AcceptedAt  *time.Time `json:"-"`
	RevokedAt   *time.Time `json:"-"`
}

const invitationColumns = `id, workspace_id, email, role, token_hash, COALESCE(invited_by, ''), created_at, expires_at, accepted_at, revoked_at`

func scanInvitation(r rowScanner) (Invitation, error) {
	var i Invitation
	err := r.Scan(&i.ID, &i.WorkspaceID, &i.Email, &i.Role, &i.TokenHash, &i.InvitedBy, &i.CreatedAt, &i.ExpiresAt, &i.AcceptedAt, &i.RevokedAt)
	return i, notFound(err)
}

// CreateInvitation stores a waiting invitation in the scope's workspace,
// first revoking one still waiting for the same address (inviting again
// sends a new link; the old one stops working).
func (s Scope) CreateInvitation(ctx context.Context, inv *Invitation, now time.Time) error {
	if inv.ID == "" {
		inv.ID = NewID()
	}
	inv.WorkspaceID = s.ws
	if _, err := s.exec(ctx, `UPDATE invitations SET revoked_at = ? WHERE workspace_id = ? AND email = ?
		AND accepted_at IS NULL AND revoked_at IS NULL`, now, s.ws, inv.Email); err != nil {
		return err
	}
	_, err := s.exec(ctx, `INSERT INTO invitations (id, workspace_id, email, role, token_hash, invited_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, inv.ID, s.ws, inv.Email, inv.Role, inv.TokenHash, nullString(inv.InvitedBy), inv.CreatedAt, inv.ExpiresAt)
	return s.d.translate(err)
}

// WaitingInvitations lists the workspace's invitations neither accepted
// nor revoked, expired ones included (the list says so), oldest first.
func (s Scope) WaitingInvitations(ctx context.Context) ([]Invitation, error) {
	rows, err := s.query(ctx, `SELECT `+invitationColumns+` FROM invitations
		WHERE workspace_id = ? AND accepted_at IS NULL AND revoked_at IS NULL ORDER BY created_at, id`, s.ws)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanInvitation)
}

// RevokeInvitation revokes a waiting invitation; ErrNotFound for a missing,
// foreign, accepted or revoked one.
func (s Scope) RevokeInvitation(ctx context.Context, id string, now time.Time) (Invitation, error) {
	return scanInvitation(s.queryRow(ctx, `UPDATE invitations SET revoked_at = ?
		WHERE id = ? AND workspace_id = ? AND accepted_at IS NULL AND revoked_at IS NULL
		RETURNING `+invitationColumns, now, id, s.ws))
}

// InvitationByTokenHash finds an invitation by its link, whatever its
// state, for the accept page to say what became of it. Not scoped: the
// link is what names the workspace.
func (q Queries) InvitationByTokenHash(ctx context.Context, tokenHash string) (Invitation, error) {
	return scanInvitation(q.queryRow(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE token_hash = ?`, tokenHash))
}

// AcceptInvitation spends a waiting, unexpired invitation for userID in one
// statement (two accepts at once cannot both succeed); ErrNotFound
// otherwise.
func (q Queries) AcceptInvitation(ctx context.Context, id, userID string, now time.Time) error {
	return q.execOne(ctx, `UPDATE invitations SET accepted_at = ?, accepted_by = ?
		WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`, now, userID, id, now)
}

// IsMemberByEmail reports whether the address belongs to a member of the
// workspace.
func (q Queries) IsMemberByEmail(ctx context.Context, workspaceID, email string) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND u.email = ?`, workspaceID, email).Scan(&n)
	return n > 0, err
}

// HasWaitingInvitationFor reports whether some workspace's invitation to
// email still waits (neither accepted, revoked nor expired at now). Not
// scoped: a sign-up, before any workspace, asks it.
func (q Queries) HasWaitingInvitationFor(ctx context.Context, email string, now time.Time) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM invitations WHERE email = ? AND accepted_at IS NULL
		AND revoked_at IS NULL AND expires_at > ?`, email, now).Scan(&n)
	return n > 0, err
}
