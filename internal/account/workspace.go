package account

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Me is what GET /api/me answers.
type Me struct {
	User       store.User         `json:"user"`
	Workspace  *store.Workspace   `json:"workspace"`
	Workspaces []store.Membership `json:"workspaces"`
}

// Me describes the principal and their workspaces.
func (s *Service) Me(ctx context.Context, p Principal) (Me, error) {
	if err := s.claimPendingWorkspaces(ctx, p.User); err != nil {
		return Me{}, err
	}
	list, err := s.store.Memberships(ctx, p.User.ID)
	if err != nil {
		return Me{}, err
	}
	if list == nil {
		list = []store.Membership{}
	}
	me := Me{User: p.User, Workspaces: list}
	if p.WorkspaceID != "" {
		ws, _, err := s.store.WorkspaceForMember(ctx, p.WorkspaceID, p.User.ID)
		if err != nil {
			return Me{}, err
		}
		me.Workspace = &ws
	}
	return me, nil
}

func validWorkspaceName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return "", problem.InvalidField("name", "must be between 1 and 200 characters")
	}
	return name, nil
}

// CreateWorkspace creates a workspace owned by the principal's user.
func (s *Service) CreateWorkspace(ctx context.Context, p Principal, name string, m Meta) (store.Workspace, error) {
	name, err := validWorkspaceName(name)
	if err != nil {
		return store.Workspace{}, err
	}
	ws := store.Workspace{Name: name}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateWorkspace(ctx, &ws, p.User.ID); err != nil {
			return err
		}
		p.WorkspaceID = ws.ID
		return tx.InsertAudit(ctx, p.audit(m, "workspace.created", "workspace", ws.ID, map[string]any{"name": name}))
	})
	return ws, err
}

// SwitchWorkspace makes another of the user's workspaces the session's active
// one. A workspace the user is not in answers 404, like a missing one.
func (s *Service) SwitchWorkspace(ctx context.Context, p Principal, workspaceID string) (store.Workspace, error) {
	if p.SessionID == "" {
		return store.Workspace{}, &problem.Error{Kind: problem.Conflict, Code: "api_key_workspace_fixed",
			Message: "An API key always works in its own workspace; send X-Workspace-Id with a session instead."}
	}
	ws, _, err := s.workspaceForMember(ctx, workspaceID, p.User)
	if err != nil {
		return store.Workspace{}, err
	}
	return ws, s.store.SetSessionWorkspace(ctx, p.SessionID, ws.ID)
}

// AddMemberInput is the body of POST /api/workspaces/{id}/members.
type AddMemberInput struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// AddMember adds a person to a workspace by address. Only owners and admins
// may add members, and only owners may add owners.
//
// The answer, and the work behind it, is the same whether or not the
// address has a Leadbitz account, so that adding members cannot be used to
// find out who has one: the address is recorded as a pending member, and
// the person joins when they next log in, sign up or open the app with it
// (joinPendingWorkspaces). The members list shows them as pending until
// then. Invitations by mail will replace this once the product sends its
// own mail.
func (s *Service) AddMember(ctx context.Context, p Principal, workspaceID string, in AddMemberInput, m Meta) (store.Member, error) {
	_, role, err := s.workspaceForMember(ctx, workspaceID, p.User)
	if err != nil {
		return store.Member{}, err
	}
	if role != store.RoleOwner && role != store.RoleAdmin {
		return store.Member{}, problem.New(problem.Forbidden, "forbidden", "Only owners and admins can add members.")
	}
	var fields problem.Fields = map[string]string{}
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		fields.Add("email", "%s", err)
	}
	switch in.Role {
	case store.RoleOwner, store.RoleAdmin, store.RoleMember:
		if in.Role == store.RoleOwner && role != store.RoleOwner {
			fields.Add("role", "only an owner can add another owner")
		}
	default:
		fields.Add("role", "must be owner, admin or member")
	}
	if err := fields.Err(); err != nil {
		return store.Member{}, err
	}
	p.WorkspaceID = workspaceID
	alreadyMember := problem.New(problem.Conflict, "already_member", "%s is already a member of this workspace.", email)
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		member, err := tx.IsMemberByEmail(ctx, workspaceID, email)
		if err != nil {
			return err
		}
		if member {
			return alreadyMember
		}
		if err := tx.AddPendingMember(ctx, workspaceID, email, in.Role, p.User.ID); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return alreadyMember
			}
			return err
		}
		return tx.InsertAudit(ctx, p.audit(m, "workspace.member_added", "member", email, map[string]any{"role": in.Role}))
	})
	if err != nil {
		return store.Member{}, err
	}
	return store.Member{Email: email, Role: in.Role, Pending: true, CreatedAt: s.now().UTC()}, nil
}

// Members lists a workspace's members, then the pending ones; the principal
// must be a member.
func (s *Service) Members(ctx context.Context, p Principal, workspaceID string) ([]store.Member, error) {
	if _, _, err := s.workspaceForMember(ctx, workspaceID, p.User); err != nil {
		return nil, err
	}
	scope := s.store.InWorkspace(workspaceID)
	list, err := scope.Members(ctx)
	if err != nil {
		return nil, err
	}
	pending, err := scope.PendingMembers(ctx)
	for _, pm := range pending {
		list = append(list, store.Member{Email: pm.Email, Role: pm.Role, Pending: true, CreatedAt: pm.CreatedAt})
	}
	return list, err
}

// workspaceForMember is store.WorkspaceForMember for a user who may have
// been added to the workspace since their login: a pending membership of
// their address is taken up first.
func (s *Service) workspaceForMember(ctx context.Context, workspaceID string, user store.User) (store.Workspace, string, error) {
	ws, role, err := s.store.WorkspaceForMember(ctx, workspaceID, user.ID)
	if !errors.Is(err, store.ErrNotFound) {
		return ws, role, err
	}
	if err := s.claimPendingWorkspaces(ctx, user); err != nil {
		return ws, role, err
	}
	return s.store.WorkspaceForMember(ctx, workspaceID, user.ID)
}

// claimPendingWorkspaces makes the user a member of the workspaces their
// address was added to. Most requests find none and write nothing.
func (s *Service) claimPendingWorkspaces(ctx context.Context, user store.User) error {
	pending, err := s.store.PendingMembershipsOf(ctx, user.Email)
	if err != nil || len(pending) == 0 {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error { return s.joinPendingWorkspaces(ctx, tx, user, Meta{}) })
}

// joinPendingWorkspaces turns the address's pending memberships into
// memberships, in the caller's transaction, and notes each in its
// workspace's audit log.
func (s *Service) joinPendingWorkspaces(ctx context.Context, tx *store.Tx, user store.User, m Meta) error {
	pending, err := tx.PendingMembershipsOf(ctx, user.Email)
	if err != nil {
		return err
	}
	for _, pm := range pending {
		if err := tx.JoinWorkspace(ctx, pm.WorkspaceID, user.ID, pm.Role); err != nil {
			return err
		}
		if err := tx.DeletePendingMember(ctx, pm.WorkspaceID, pm.Email); err != nil {
			return err
		}
		p := Principal{User: user, WorkspaceID: pm.WorkspaceID}
		if err := tx.InsertAudit(ctx, p.audit(m, "workspace.member_joined", "user", user.ID, map[string]any{"role": pm.Role})); err != nil {
			return err
		}
	}
	return nil
}

// Limits of a workspace's settings.
const (
	maxFooterAddress = 300
	maxFooterText    = 1000
)

// WorkspaceSettings are the editable settings of a workspace. Nil fields are
// left as they are (PATCH semantics).
type WorkspaceSettings struct {
	Name          *string `json:"name"`
	FooterAddress *string `json:"footerAddress"`
	FooterText    *string `json:"footerText"`
	// PostalAddress is the sender's postal address: another name of
	// FooterAddress, the field that holds it.
	PostalAddress *string `json:"postalAddress"`
}

// UpdateWorkspace changes a workspace's name and CAN-SPAM footer. Only owners
// and admins may; a workspace the user is not in answers 404.
func (s *Service) UpdateWorkspace(ctx context.Context, p Principal, workspaceID string, in WorkspaceSettings, m Meta) (store.Workspace, error) {
	ws, role, err := s.workspaceForMember(ctx, workspaceID, p.User)
	if err != nil {
		return store.Workspace{}, err
	}
	if role != store.RoleOwner && role != store.RoleAdmin {
		return store.Workspace{}, problem.New(problem.Forbidden, "forbidden", "Only owners and admins can change workspace settings.")
	}
	var fields problem.Fields = map[string]string{}
	if in.Name != nil {
		if ws.Name, err = validWorkspaceName(*in.Name); err != nil {
			fields.Add("name", "must be between 1 and 200 characters")
		}
	}
	address, addressField := in.FooterAddress, "footerAddress"
	if in.PostalAddress != nil {
		if address != nil && cleanMultiline(*address) != cleanMultiline(*in.PostalAddress) {
			fields.Add("postalAddress", "differs from footerAddress, its other name; give one of them")
		}
		address, addressField = in.PostalAddress, "postalAddress"
	}
	if address != nil {
		ws.FooterAddress = cleanMultiline(*address)
		if utf8.RuneCountInString(ws.FooterAddress) > maxFooterAddress {
			fields.Add(addressField, "must be at most %d characters", maxFooterAddress)
		}
	}
	if in.FooterText != nil {
		ws.FooterText = cleanMultiline(*in.FooterText)
		if utf8.RuneCountInString(ws.FooterText) > maxFooterText {
			fields.Add("footerText", "must be at most %d characters", maxFooterText)
		}
	}
	if err := fields.Err(); err != nil {
		return store.Workspace{}, err
	}
	p.WorkspaceID = workspaceID
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InWorkspace(workspaceID).UpdateWorkspace(ctx, ws); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, p.audit(m, "workspace.updated", "workspace", workspaceID, nil))
	})
	return ws, err
}

// cleanMultiline trims a textarea's value and normalises its line endings.
func cleanMultiline(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n")
}
