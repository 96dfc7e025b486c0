package web

import (
	"net/http"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
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
