package web

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/store"
)

// membersData is the members page.
type membersData struct {
	Members []store.Member
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
	v.Data = membersData{Members: list}
	return err
}

// addMember adds an address with a role here, pending until its owner next
// uses the app; the account service checks the caller may (owner/admin) and
// the role is allowed. The answer is the same whether or not the address has
// an account.
func (w *Web) addMember(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	in := account.InvitationInput{Email: v.Form.Get("email"), Role: v.Form.Get("role")}
	m, err := w.Accounts.AddMember(r.Context(), v.P, v.P.WorkspaceID, in, meta(r))
	if err != nil {
		if lerr := w.loadMembers(v); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	return v.redirect(rw, "/settings/members", m.Email+" is added as "+m.Role+": they join "+v.Workspace.Name+
		" the next time they log in or sign up with this address.")
}
