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
	ws, _, err := s.store.WorkspaceForMember(ctx, workspaceID, p.User.ID)
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

// AddMember gives an existing Leadbitz user a role in a workspace. Only owners
// and admins may add members, and only owners may add owners.
func (s *Service) AddMember(ctx context.Context, p Principal, workspaceID string, in AddMemberInput, m Meta) (store.Member, error) {
	_, role, err := s.store.WorkspaceForMember(ctx, workspaceID, p.User.ID)
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
	user, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return store.Member{}, problem.InvalidField("email", "has no Leadbitz account yet: ask them to sign up, then add them")
	}
	if err != nil {
		return store.Member{}, err
	}
	p.WorkspaceID = workspaceID
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AddMember(ctx, workspaceID, user.ID, in.Role); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return problem.New(problem.Conflict, "already_member", "%s is already a member of this workspace.", email)
			}
			return err
		}
		return tx.InsertAudit(ctx, p.audit(m, "workspace.member_added", "user", user.ID, map[string]any{"role": in.Role}))
	})
	if err != nil {
		return store.Member{}, err
	}
	return store.Member{UserID: user.ID, Email: user.Email, Name: user.Name, Role: in.Role}, nil
}

// Members lists a workspace's members; the principal must be one of them.
func (s *Service) Members(ctx context.Context, p Principal, workspaceID string) ([]store.Member, error) {
	if _, _, err := s.store.WorkspaceForMember(ctx, workspaceID, p.User.ID); err != nil {
		return nil, err
	}
	return s.store.InWorkspace(workspaceID).Members(ctx)
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
	ws, role, err := s.store.WorkspaceForMember(ctx, workspaceID, p.User.ID)
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
