package account

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// workspaceForMember returns the workspace and the user's role in it; 404
// when they are not a member, like a missing workspace.
func (s *Service) workspaceForMember(ctx context.Context, workspaceID string, user store.User) (store.Workspace, string, error) {
	return s.store.WorkspaceForMember(ctx, workspaceID, user.ID)
}

var errLastOwner = &problem.Error{Kind: problem.Conflict, Code: "last_owner",
	Message: "A workspace always keeps one owner: make someone else owner first (POST /api/workspaces/{id}/transfer)."}

// roleChange decides whether an actor with actorRole may give a member
// who is now targetRole the role newRole, in a workspace with owners
// owners. Admins manage admins and members; only owners touch owners; the
// last owner stays an owner.
func roleChange(actorRole, targetRole, newRole string, owners int) error {
	switch {
	case !KnownRole(newRole):
		return problem.InvalidField("role", "must be owner, admin or member")
	case !RoleAllows(actorRole, store.RoleAdmin):
		return ErrForbiddenRole(store.RoleAdmin)
	case (targetRole == store.RoleOwner || newRole == store.RoleOwner) && actorRole != store.RoleOwner:
		return ErrForbiddenRole(store.RoleOwner)
	case targetRole == store.RoleOwner && newRole != store.RoleOwner && owners <= 1:
		return errLastOwner
	}
	return nil
}

// removal decides whether an actor with actorRole may take a member with
// targetRole out of a workspace with owners owners; self is leaving.
func removal(actorRole, targetRole string, owners int, self bool) error {
	switch {
	case !self && !RoleAllows(actorRole, store.RoleAdmin):
		return ErrForbiddenRole(store.RoleAdmin)
	case !self && targetRole == store.RoleOwner && actorRole != store.RoleOwner:
		return ErrForbiddenRole(store.RoleOwner)
	case targetRole == store.RoleOwner && owners <= 1:
		return errLastOwner
	}
	return nil
}

// RoleInput is the body of PATCH /api/workspaces/{id}/members/{userId}.
type RoleInput struct {
	Role string `json:"role"`
}

// memberChange runs f on the workspace with its owners locked, after
// reading the actor's and the target's roles and the owner count; 404 when
// the actor or the target is not a member.
func (s *Service) memberChange(ctx context.Context, p Principal, workspaceID, userID string,
	f func(tx *store.Tx, ws store.Scope, actorRole, targetRole string, owners int) error) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		ws := tx.InWorkspace(workspaceID)
		actorRole, err := ws.MemberRole(ctx, p.User.ID)
		if err != nil {
			return err
		}
		if err := ws.LockOwners(ctx); err != nil {
			return err
		}
		targetRole, err := ws.MemberRole(ctx, userID)
		if err != nil {
			return err
		}
		owners, _, err := ws.CountOwners(ctx)
		if err != nil {
			return err
		}
		return f(tx, ws, actorRole, targetRole, owners)
	})
}

// ChangeMemberRole gives a member another role.
func (s *Service) ChangeMemberRole(ctx context.Context, p Principal, workspaceID, userID string, in RoleInput, m Meta) (store.Member, error) {
	p.WorkspaceID = workspaceID
	err := s.memberChange(ctx, p, workspaceID, userID, func(tx *store.Tx, ws store.Scope, actorRole, targetRole string, owners int) error {
		if err := roleChange(actorRole, targetRole, in.Role, owners); err != nil {
			return err
		}
		if targetRole == in.Role {
			return nil
		}
		if err := ws.SetMemberRole(ctx, userID, in.Role); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, p.audit(m, "workspace.member_role_changed", "user", userID, map[string]any{"from": targetRole, "to": in.Role}))
	})
	if err != nil {
		return store.Member{}, err
	}
	return s.member(ctx, workspaceID, userID)
}

func (s *Service) member(ctx context.Context, workspaceID, userID string) (store.Member, error) {
	list, err := s.store.InWorkspace(workspaceID).Members(ctx)
	if err != nil {
		return store.Member{}, err
	}
	for _, mb := range list {
		if mb.UserID == userID {
			return mb, nil
		}
	}
	return store.Member{}, store.ErrNotFound
}

// RemoveMember takes a member out of the workspace: at once their sessions
// lose it and their API keys for it are revoked. Removing oneself is
// leaving.
func (s *Service) RemoveMember(ctx context.Context, p Principal, workspaceID, userID string, m Meta) error {
	p.WorkspaceID = workspaceID
	self := userID == p.User.ID
	return s.memberChange(ctx, p, workspaceID, userID, func(tx *store.Tx, ws store.Scope, actorRole, targetRole string, owners int) error {
		if err := removal(actorRole, targetRole, owners, self); err != nil {
			return err
		}
		if err := ws.RemoveMember(ctx, userID, s.now().UTC()); err != nil {
			return err
		}
		action := "workspace.member_removed"
		if self {
			action = "workspace.member_left"
		}
		return tx.InsertAudit(ctx, p.audit(m, action, "user", userID, map[string]any{"role": targetRole}))
	})
}

// LeaveWorkspace takes the principal out of a workspace (not its last
// owner).
func (s *Service) LeaveWorkspace(ctx context.Context, p Principal, workspaceID string, m Meta) error {
	return s.RemoveMember(ctx, p, workspaceID, p.User.ID, m)
}

// TransferInput is the body of POST /api/workspaces/{id}/transfer.
type TransferInput struct {
	UserID string `json:"userId"`
}

// TransferOwnership makes another member owner and the principal, an
// owner, an admin, in one transaction.
func (s *Service) TransferOwnership(ctx context.Context, p Principal, workspaceID string, in TransferInput, m Meta) error {
	if in.UserID == "" || in.UserID == p.User.ID {
		return problem.InvalidField("userId", "must be another member of the workspace")
	}
	if _, _, err := s.workspaceForMember(ctx, workspaceID, p.User); err != nil {
		return err
	}
	p.WorkspaceID = workspaceID
	err := s.memberChange(ctx, p, workspaceID, in.UserID, func(tx *store.Tx, ws store.Scope, actorRole, targetRole string, owners int) error {
		if actorRole != store.RoleOwner {
			return ErrForbiddenRole(store.RoleOwner)
		}
		if err := ws.SetMemberRole(ctx, in.UserID, store.RoleOwner); err != nil {
			return err
		}
		if err := ws.SetMemberRole(ctx, p.User.ID, store.RoleAdmin); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, p.audit(m, "workspace.ownership_transferred", "user", in.UserID, map[string]any{"from": p.User.ID}))
	})
	return err // ErrNotFound (404) for a user who is not a member
}
