package account

import (
	"context"
	"errors"
	"strings"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/systemmail"
)

// InvitationInput is the body of POST /api/workspaces/{id}/invitations (and
// of the older POST …/members, which now invites).
type InvitationInput struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// NewInvitation is a created invitation. URL is its link, given only when
// no mail carried it (no mail server, or the server failed): the admin
// passes it on.
type NewInvitation struct {
	store.Invitation
	URL    string `json:"url,omitempty"`
	Mailed bool   `json:"mailed"`
}

// checkInvitation validates an invitation's address and role for a caller
// with actorRole: a pure rule, table-tested.
func checkInvitation(in InvitationInput, actorRole string) (string, error) {
	var fields problem.Fields = map[string]string{}
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		fields.Add("email", "%s", err)
	}
	switch {
	case !KnownRole(in.Role):
		fields.Add("role", "must be owner, admin or member")
	case in.Role == store.RoleOwner && actorRole != store.RoleOwner:
		fields.Add("role", "only an owner can invite another owner")
	}
	return email, fields.Err()
}

// Invite creates an invitation to the workspace for an address and mails
// its link (or, without mail, returns it). Inviting an address that is
// waiting already replaces its invitation. The answer is the same whether
// or not the address has an account.
func (s *Service) Invite(ctx context.Context, p Principal, workspaceID string, in InvitationInput, m Meta) (NewInvitation, error) {
	ws, role, err := s.workspaceForMember(ctx, workspaceID, p.User)
	if err != nil {
		return NewInvitation{}, err
	}
	if !RoleAllows(role, store.RoleAdmin) {
		return NewInvitation{}, ErrForbiddenRole(store.RoleAdmin)
	}
	email, err := checkInvitation(in, role)
	if err != nil {
		return NewInvitation{}, err
	}
	token := newToken()
	now := s.now().UTC()
	inv := store.Invitation{Email: email, Role: in.Role, TokenHash: HashToken(token), InvitedBy: p.User.ID,
		CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	p.WorkspaceID = workspaceID
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		member, err := tx.IsMemberByEmail(ctx, workspaceID, email)
		if err != nil {
			return err
		}
		if member {
			return problem.New(problem.Conflict, "already_member", "%s is already a member of this workspace.", email)
		}
		if err := tx.InWorkspace(workspaceID).CreateInvitation(ctx, &inv, now); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, p.audit(m, "workspace.invitation_created", "invitation", inv.ID, map[string]any{"email": email, "role": in.Role}))
	})
	if err != nil {
		return NewInvitation{}, err
	}
	out := NewInvitation{Invitation: inv}
	inviter := p.User.Name
	if inviter == "" {
		inviter = p.User.Email
	}
	link := s.link("invite", token)
	err = s.opts.Mailer.Send(ctx, systemmail.Message{To: email, Kind: systemmail.Invite, Link: link,
		Data: map[string]string{"Inviter": inviter, "Workspace": ws.Name, "Role": in.Role}})
	if err == nil {
		out.Mailed = true
	} else {
		out.URL = link
	}
	return out, nil
}

// Invitations lists the workspace's waiting invitations.
func (s *Service) Invitations(ctx context.Context, p Principal, workspaceID string) ([]store.Invitation, error) {
	if _, _, err := s.workspaceForMember(ctx, workspaceID, p.User); err != nil {
		return nil, err
	}
	list, err := s.store.InWorkspace(workspaceID).WaitingInvitations(ctx)
	if list == nil {
		list = []store.Invitation{}
	}
	return list, err
}

// RevokeInvitation revokes a waiting invitation: its link stops working.
func (s *Service) RevokeInvitation(ctx context.Context, p Principal, workspaceID, id string, m Meta) error {
	_, role, err := s.workspaceForMember(ctx, workspaceID, p.User)
	if err != nil {
		return err
	}
	if !RoleAllows(role, store.RoleAdmin) {
		return ErrForbiddenRole(store.RoleAdmin)
	}
	p.WorkspaceID = workspaceID
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		inv, err := tx.InWorkspace(workspaceID).RevokeInvitation(ctx, id, s.now().UTC())
		if err != nil {
			return err
		}
		return tx.InsertAudit(ctx, p.audit(m, "workspace.invitation_revoked", "invitation", id, map[string]any{"email": inv.Email}))
	})
}

// AddMember is the older way in (POST /api/workspaces/{id}/members): it
// invites the address, and the person joins by accepting.
func (s *Service) AddMember(ctx context.Context, p Principal, workspaceID string, in InvitationInput, m Meta) (AddedMember, error) {
	inv, err := s.Invite(ctx, p, workspaceID, in, m)
	if err != nil {
		return AddedMember{}, err
	}
	return AddedMember{Member: store.Member{Email: inv.Email, Role: inv.Role, Pending: true, CreatedAt: inv.CreatedAt},
		InvitationID: inv.ID, URL: inv.URL, Mailed: inv.Mailed}, nil
}

// AddedMember is the answer of POST /api/workspaces/{id}/members: a pending
// member and the invitation they accept.
type AddedMember struct {
	store.Member
	InvitationID string `json:"invitationId"`
	URL          string `json:"url,omitempty"`
	Mailed       bool   `json:"mailed"`
}

// Members lists a workspace's members, then the invited addresses as
// pending; the principal must be a member.
func (s *Service) Members(ctx context.Context, p Principal, workspaceID string) ([]store.Member, error) {
	if _, _, err := s.workspaceForMember(ctx, workspaceID, p.User); err != nil {
		return nil, err
	}
	scope := s.store.InWorkspace(workspaceID)
	list, err := scope.Members(ctx)
	if err != nil {
		return nil, err
	}
	waiting, err := scope.WaitingInvitations(ctx)
	for _, inv := range waiting {
		list = append(list, store.Member{Email: inv.Email, Role: inv.Role, Pending: true, CreatedAt: inv.CreatedAt})
	}
	return list, err
}

// InvitationView is what the accept page shows about a link.
type InvitationView struct {
	Email         string `json:"email"`
	Role          string `json:"role"`
	WorkspaceName string `json:"workspaceName"`
	// HasAccount tells the page whether to ask for a password to sign in
	// or to create the account. Only the link's holder learns it.
	HasAccount bool `json:"hasAccount"`
}

// waitingInvitation finds the invitation of a link that can still be
// accepted.
func (s *Service) waitingInvitation(ctx context.Context, q store.Queries, token string) (store.Invitation, error) {
	if strings.TrimSpace(token) == "" {
		return store.Invitation{}, problem.InvalidField("token", "is required")
	}
	inv, err := q.InvitationByTokenHash(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (inv.AcceptedAt != nil || inv.RevokedAt != nil || !s.now().Before(inv.ExpiresAt))) {
		return store.Invitation{}, errLinkInvalid("token")
	}
	return inv, err
}

// ViewInvitation describes a link for the accept page.
func (s *Service) ViewInvitation(ctx context.Context, token string) (InvitationView, error) {
	inv, err := s.waitingInvitation(ctx, s.store.Queries, token)
	if err != nil {
		return InvitationView{}, err
	}
	name, err := s.store.WorkspaceName(ctx, inv.WorkspaceID)
	if err != nil {
		return InvitationView{}, err
	}
	_, err = s.store.UserByEmail(ctx, inv.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return InvitationView{}, err
	}
	return InvitationView{Email: inv.Email, Role: inv.Role, WorkspaceName: name, HasAccount: err == nil}, nil
}

// AcceptInput is the body of POST /api/invitations/accept.
type AcceptInput struct {
	Token    string `json:"token"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

// Accepted is the result of accepting: who, in which workspace, and the
// new session's token when one was started (signed out).
type Accepted struct {
	User      store.User
	Workspace store.Workspace
	Session   string
}

// AcceptInvitation spends an invitation. Signed in (p.User set), the
// principal joins, only if their address is the invited one. Signed out,
// the account of the invited address is created with in.Password and
// signed in; an address that has an account signs in first.
func (s *Service) AcceptInvitation(ctx context.Context, p *Principal, in AcceptInput, m Meta) (Accepted, error) {
	inv, err := s.waitingInvitation(ctx, s.store.Queries, in.Token)
	if err != nil {
		return Accepted{}, err
	}
	if p != nil {
		if p.User.Email != inv.Email {
			return Accepted{}, &problem.Error{Kind: problem.Forbidden, Code: "invitation_for_another_address",
				Message: "This invitation is for " + inv.Email + ", and you are signed in as " + p.User.Email + ". Sign out, then open the link again."}
		}
		return s.acceptAs(ctx, p.User, inv, true, m)
	}
	if _, err := s.store.UserByEmail(ctx, inv.Email); err == nil {
		return Accepted{}, problem.New(problem.Conflict, "account_exists", "%s has an account: sign in, then open the link again.", inv.Email)
	} else if !errors.Is(err, store.ErrNotFound) {
		return Accepted{}, err
	}
	var fields problem.Fields = map[string]string{}
	if len([]rune(in.Password)) < MinPasswordLength {
		fields.Add("password", "must be at least %d characters", MinPasswordLength)
	}
	name := strings.TrimSpace(in.Name)
	if len(name) > 200 {
		fields.Add("name", "must be at most 200 characters")
	}
	if err := fields.Err(); err != nil {
		return Accepted{}, err
	}
	if err := s.allowSignup(ctx, m.IP); err != nil {
		return Accepted{}, err
	}
	hash, err := s.hashes.hash(ctx, in.Password)
	if err != nil {
		return Accepted{}, err
	}
	user := store.User{Email: inv.Email, Name: name, PasswordHash: hash}
	if s.MailConfigured() {
		// The link reached the address: that is the proof verification asks.
		now := s.now().UTC()
		user.EmailVerifiedAt = &now
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, &user); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return problem.New(problem.Conflict, "account_exists", "%s has an account: sign in, then open the link again.", inv.Email)
			}
			return err
		}
		return tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecuritySignup, m))
	})
	if err != nil {
		return Accepted{}, err
	}
	return s.acceptAs(ctx, user, inv, false, m)
}

// acceptAs makes user a member through inv, in one transaction with the
// invitation spent; signedIn says the person has a session already, else
// one is started.
func (s *Service) acceptAs(ctx context.Context, user store.User, inv store.Invitation, signedIn bool, m Meta) (Accepted, error) {
	var out Accepted
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AcceptInvitation(ctx, inv.ID, user.ID, s.now().UTC()); errors.Is(err, store.ErrNotFound) {
			return errLinkInvalid("token")
		} else if err != nil {
			return err
		}
		if err := tx.JoinWorkspace(ctx, inv.WorkspaceID, user.ID, inv.Role); err != nil {
			return err
		}
		ws, _, err := tx.WorkspaceForMember(ctx, inv.WorkspaceID, user.ID)
		if err != nil {
			return err
		}
		p := Principal{User: user, WorkspaceID: inv.WorkspaceID}
		if err := tx.InsertAudit(ctx, p.audit(m, "workspace.member_joined", "user", user.ID,
			map[string]any{"role": inv.Role, "invitation": inv.ID})); err != nil {
			return err
		}
		if err := tx.InsertSecurityEvent(ctx, s.securityEvent(user.ID, store.SecurityInviteAccepted, m)); err != nil {
			return err
		}
		out.User, out.Workspace = user, ws
		if signedIn {
			return nil // the session keeps its active workspace; switching is the caller's choice
		}
		out.Session, err = s.startSession(ctx, tx, user.ID, ws.ID, m)
		return err
	})
	return out, err
}
