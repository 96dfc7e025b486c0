package web

import (
	"net/http"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/systemmail"
)

// membersData is the members page.
type membersData struct {
	Members     []store.Member
	Invitations []store.Invitation // waiting ones; loaded for owners and admins
	Now         time.Time
}

func (w *Web) members(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = emptyForm(map[string]string{"role": store.RoleMember})
	if err := w.loadMembers(v); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadMembers(v *view) error {
	v.Title, v.Nav, v.Tab = "Members", "settings", "members"
	list, err := w.Accounts.Members(v.r.Context(), v.P, v.P.WorkspaceID)
	if err != nil {
		return err
	}
	d := membersData{Now: time.Now()}
	for _, m := range list {
		if !m.Pending {
			d.Members = append(d.Members, m)
		}
	}
	if v.CanManage() {
		if d.Invitations, err = w.Accounts.Invitations(v.r.Context(), v.P, v.P.WorkspaceID); err != nil {
			return err
		}
	}
	v.Data = d
	return nil
}

// addMember invites an address with a role; the account service checks
// the caller may (owner/admin) and the role is allowed. The answer is the
// same whether or not the address has an account. Without a mail server the
// flash shows the link to pass on.
func (w *Web) addMember(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	in := account.InvitationInput{Email: v.Form.Get("email"), Role: v.Form.Get("role")}
	inv, err := w.Accounts.Invite(r.Context(), v.P, v.P.WorkspaceID, in, meta(r))
	if err != nil {
		if lerr := w.loadMembers(v); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	msg := inv.Email + " is invited as " + inv.Role + ": we mailed them a link to join " + v.Workspace.Name + " (it works for 7 days)."
	if !inv.Mailed {
		msg = inv.Email + " is invited as " + inv.Role + ", but we could not mail the link (" + systemmail.NotConfiguredSentence +
			"). Send it to them yourself; it works once, for 7 days: " + inv.URL
	}
	return v.redirect(rw, "/settings/members", msg)
}

// changeMemberRole gives a member another role from the members page; the
// account service applies the rules (only owners touch owners, the last
// owner stays).
func (w *Web) changeMemberRole(rw http.ResponseWriter, r *http.Request, v *view) error {
	f := newForm(r)
	m, err := w.Accounts.ChangeMemberRole(r.Context(), v.P, v.P.WorkspaceID, r.PathValue("id"), account.RoleInput{Role: f.Get("role")}, meta(r))
	if err != nil {
		return w.membersRefused(rw, r, err)
	}
	return v.redirect(rw, "/settings/members", m.Email+" is now "+m.Role+".")
}

// removeMember takes a member out: their sessions lose the workspace and
// their API keys for it are revoked at once.
func (w *Web) removeMember(rw http.ResponseWriter, r *http.Request, v *view) error {
	if err := w.Accounts.RemoveMember(r.Context(), v.P, v.P.WorkspaceID, r.PathValue("id"), meta(r)); err != nil {
		return w.membersRefused(rw, r, err)
	}
	return v.redirect(rw, "/settings/members", "The member is removed; their sessions and API keys no longer reach "+v.Workspace.Name+".")
}

// transferOwnership makes another member owner and the caller admin.
func (w *Web) transferOwnership(rw http.ResponseWriter, r *http.Request, v *view) error {
	if err := w.Accounts.TransferOwnership(r.Context(), v.P, v.P.WorkspaceID, account.TransferInput{UserID: r.PathValue("id")}, meta(r)); err != nil {
		return w.membersRefused(rw, r, err)
	}
	return v.redirect(rw, "/settings/members", "Ownership is handed over; you are an admin of "+v.Workspace.Name+" now.")
}

// leaveWorkspace takes the caller out of the active workspace.
func (w *Web) leaveWorkspace(rw http.ResponseWriter, r *http.Request, v *view) error {
	if err := w.Accounts.LeaveWorkspace(r.Context(), v.P, v.P.WorkspaceID, meta(r)); err != nil {
		return w.membersRefused(rw, r, err)
	}
	return v.redirect(rw, "/", "You left "+v.Workspace.Name+".")
}

// membersRefused shows a rule's refusal (the last owner, a role too low)
// on the members page; other errors go to the error page.
func (w *Web) membersRefused(rw http.ResponseWriter, r *http.Request, err error) error {
	p, ok := httpserver.AsProblem(err)
	if !ok || p.Kind == problem.NotFound {
		return err
	}
	return w.redirectWithError(rw, r, "/settings/members", p.Message)
}
