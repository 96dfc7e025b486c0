package account

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Me is what GET /api/me answers.
type Me struct {
	User store.User `json:"user"`
	// EmailVerificationPending is true while the user's address waits for
	// its confirmation and the instance sends mail: connecting a mailbox
	// and launching a campaign wait for it too.
	EmailVerificationPending bool               `json:"emailVerificationPending"`
	Workspace                *store.Workspace   `json:"workspace"`
	Workspaces               []store.Membership `json:"workspaces"`
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
	me := Me{User: p.User, Workspaces: list, EmailVerificationPending: s.verificationPending(p.User)}
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
