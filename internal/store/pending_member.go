package store

import (
	"context"
	"time"
)

// PendingMember is a member added by address who has not yet shown up.
type PendingMember struct {
	WorkspaceID string
	Email       string
	Role        string
	CreatedAt   time.Time
}

// AddPendingMember records that the address joins the workspace with role
// when its owner next logs in or signs up; ErrDuplicate when the address is
// already pending there.
func (q Queries) AddPendingMember(ctx context.Context, workspaceID, email, role, addedBy string) error {
	_, err := q.exec(ctx, `INSERT INTO pending_members (workspace_id, email, role, added_by, created_at)
		VALUES (?, ?, ?, ?, ?)`, workspaceID, email, role, nullString(addedBy), q.now())
	return q.d.translate(err)
}

// IsMemberByEmail reports whether the address belongs to a member of the
// workspace.
func (q Queries) IsMemberByEmail(ctx context.Context, workspaceID, email string) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND u.email = ?`, workspaceID, email).Scan(&n)
	return n > 0, err
}

// PendingMembershipsOf lists the workspaces waiting for the address.
func (q Queries) PendingMembershipsOf(ctx context.Context, email string) ([]PendingMember, error) {
	return q.pendingMembers(ctx, `email = ?`, email)
}

// DeletePendingMember removes a pending row once it became a membership.
func (q Queries) DeletePendingMember(ctx context.Context, workspaceID, email string) error {
	_, err := q.exec(ctx, `DELETE FROM pending_members WHERE workspace_id = ? AND email = ?`, workspaceID, email)
	return err
}

// PendingMembers lists the workspace's members who have not shown up yet,
// oldest first.
func (s Scope) PendingMembers(ctx context.Context) ([]PendingMember, error) {
	return s.pendingMembers(ctx, `workspace_id = ?`, s.ws)
}

func (q Queries) pendingMembers(ctx context.Context, where string, arg any) ([]PendingMember, error) {
	rows, err := q.query(ctx, `SELECT workspace_id, email, role, created_at FROM pending_members WHERE `+where+`
		ORDER BY created_at, workspace_id, email`, arg)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (PendingMember, error) {
		var p PendingMember
		err := r.Scan(&p.WorkspaceID, &p.Email, &p.Role, &p.CreatedAt)
		return p, err
	})
}
