package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// TestManageMembersPage: from the members page an owner changes a role,
// hands over ownership and removes someone; a member leaves; the last
// owner is told why they cannot step down.
func TestManageMembersPage(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner, fred, gus := srv.SignUp(t, "Olga"), srv.SignUp(t, "Fred"), srv.SignUp(t, "Gus")
	owner.AddMember(fred, "member")
	owner.AddMember(gus, "member")
	fred.Must(200, "POST", "/api/workspaces/"+owner.WorkspaceID+"/switch", nil)
	gus.Must(200, "POST", "/api/workspaces/"+owner.WorkspaceID+"/switch", nil)

	page := string(follow(t, owner.Client, postForm(t, owner.Client, "/settings/members/"+fred.UserID+"/role", url.Values{"role": {"admin"}})).Body)
	if !strings.Contains(page, fred.Email+" is now admin.") {
		t.Error("no flash after the role change")
	}
	page = string(follow(t, owner.Client, postForm(t, owner.Client, "/settings/members/"+owner.UserID+"/role", url.Values{"role": {"member"}})).Body)
	if !strings.Contains(page, "A workspace always keeps one owner") {
		t.Error("the last owner stepping down is not explained")
	}
	// Fred, an admin, cannot remove the owner; Gus, a member, leaves.
	page = string(follow(t, fred.Client, postForm(t, fred.Client, "/settings/members/"+owner.UserID+"/remove", nil)).Body)
	if !strings.Contains(page, "needs an owner") {
		t.Error("an admin removing the owner is not refused")
	}
	follow(t, gus.Client, postForm(t, gus.Client, "/settings/leave", nil))
	if r := gus.Do("GET", "/api/workspaces/"+owner.WorkspaceID+"/members", nil); r.Status != 404 {
		t.Errorf("Gus after leaving: %d", r.Status)
	}
	// Ownership to Fred; Olga, an admin now, cannot hand it over again.
	follow(t, owner.Client, postForm(t, owner.Client, "/settings/members/"+fred.UserID+"/transfer", nil))
	roles := map[string]string{}
	for _, m := range owner.Must(200, "GET", "/api/workspaces/"+owner.WorkspaceID+"/members", nil).Map(t)["items"].([]any) {
		roles[m.(map[string]any)["userId"].(string)] = m.(map[string]any)["role"].(string)
	}
	if roles[owner.UserID] != "admin" || roles[fred.UserID] != "owner" || len(roles) != 2 {
		t.Fatalf("roles after the transfer: %v", roles)
	}
	// Fred removes Olga: her session no longer reaches the workspace.
	follow(t, fred.Client, postForm(t, fred.Client, "/settings/members/"+owner.UserID+"/remove", nil))
	if r := owner.Do("GET", "/settings/members", nil); r.Status != 303 || r.Header.Get("Location") != "/workspaces/new" {
		t.Errorf("the removed owner's members page: %d %s", r.Status, r.Header.Get("Location"))
	}
}
