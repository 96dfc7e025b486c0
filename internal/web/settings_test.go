package web_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

func TestWorkspaceSettingsValidateAndNeedAManager(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")

	r := postForm(t, owner.Client, "/settings", url.Values{"name": {"  "}, "footerAddress": {strings.Repeat("x", 301)}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid settings: status %d", r.Status)
	}
	d := doc(t, r.Body)
	for id, want := range map[string]string{
		"f-name-error":          "Workspace name must be between 1 and 200 characters.",
		"f-footerAddress-error": "Postal address must be at most 300 characters.",
	} {
		if n := byID(d, id); n == nil || !strings.Contains(text(n), want) {
			t.Errorf("no %q next to its field", want)
		}
	}

	page := follow(t, owner.Client, postForm(t, owner.Client, "/settings", url.Values{
		"name": {"Acme outreach"}, "footerAddress": {"Acme Ltd\r\n1 Main Street\r\n"}, "footerText": {"Sent by Acme."}}))
	if !strings.Contains(string(page.Body), "Workspace settings saved.") {
		t.Error("no flash after saving")
	}
	me := owner.Must(200, "GET", "/api/me", nil).Map(t)["workspace"].(map[string]any)
	if me["name"] != "Acme outreach" || me["footerAddress"] != "Acme Ltd\n1 Main Street" || me["footerText"] != "Sent by Acme." {
		t.Errorf("saved workspace: %v", me)
	}
	events := owner.Must(200, "GET", "/api/audit-events", nil).Map(t)["items"].([]any)
	if events[0].(map[string]any)["action"] != "workspace.updated" {
		t.Errorf("newest audit event: %v", events[0])
	}

	// A plain member can read the settings but not change them.
	member := srv.SignUp(t, "Max")
	owner.AddMember(member, "member")
	member.Must(200, "POST", "/api/workspaces/"+owner.WorkspaceID+"/switch", nil)
	if !strings.Contains(string(get(t, member.Client, "/settings", 200).Body), "Only owners and admins can change these settings") {
		t.Error("a member is not told they cannot change settings")
	}
	r = postForm(t, member.Client, "/settings", url.Values{"name": {"Taken over"}})
	if r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "Your role in this workspace does not allow this; it needs an owner or admin.") {
		t.Fatalf("member saving settings: %d", r.Status)
	}
}

func TestMembersPage(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	friend := srv.SignUp(t, "Fred")

	// An address with an account and one without are answered alike: an
	// invitation, whose link the page shows when no mail server is set.
	nobody := "nobody-" + apptest.Unique() + "@example.com"
	links := map[string]string{}
	for _, email := range []string{nobody, friend.Email} {
		page := string(follow(t, owner.Client, postForm(t, owner.Client, "/settings/members", url.Values{"email": {email}, "role": {"admin"}})).Body)
		if !strings.Contains(page, email+" is invited as admin, but we could not mail the link (no mail server is configured; ask your administrator)") {
			t.Errorf("no flash after inviting %s", email)
		}
		links[email] = regexp.MustCompile(`http://[^ <"]+/invite\?token=[A-Za-z0-9_%-]+`).FindString(page)
	}
	if body := string(get(t, owner.Client, "/settings/members", 200).Body); strings.Count(body, "<tr>") != 5 || strings.Count(body, `chip-neutral">Pending`) != 2 || strings.Count(body, ">Revoke<") != 2 {
		t.Errorf("want the owner's row, and two pending invitations with a header each:\n%s", body)
	}
	// Fred accepts; the other invitation is revoked.
	friend.Must(200, "POST", "/api/invitations/accept", map[string]string{"token": apptest.TokenOf(t, links[friend.Email])})
	inv := owner.Must(200, "GET", "/api/workspaces/"+owner.WorkspaceID+"/invitations", nil).Map(t)["items"].([]any)
	if len(inv) != 1 {
		t.Fatalf("waiting invitations: %v", inv)
	}
	follow(t, owner.Client, postForm(t, owner.Client, "/settings/invitations/"+inv[0].(map[string]any)["id"].(string)+"/revoke", nil))
	if body := string(get(t, owner.Client, "/settings/members", 200).Body); strings.Count(body, `chip-neutral">Pending`) != 0 || !strings.Contains(body, "Fred") {
		t.Errorf("after Fred accepted and the other was revoked, want him listed and nothing pending")
	}
	if r := srv.Client(t).Do("POST", "/api/invitations/accept", map[string]string{"token": apptest.TokenOf(t, links[nobody]), "password": "long enough pw"}); r.Status != 422 {
		t.Errorf("a revoked invitation accepted: %d", r.Status)
	}
	r := postForm(t, owner.Client, "/settings/members", url.Values{"email": {friend.Email}, "role": {"member"}})
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "is already a member of this workspace") {
		t.Errorf("adding twice: %d", r.Status)
	}
}

func TestAPIKeyRevokeConfirmsAndStaysInItsWorkspace(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	stranger := srv.SignUp(t, "Sid")
	key := owner.Must(201, "POST", "/api/api-keys", map[string]string{"name": "ci"}).Map(t)
	id, token := key["id"].(string), key["token"].(string)

	// Another workspace's key is a 404, on the confirm page and the action.
	if r := stranger.Do("GET", "/settings/api-keys/"+id+"/revoke", nil); r.Status != http.StatusNotFound {
		t.Errorf("stranger's confirm page: %d", r.Status)
	}
	if r := postForm(t, stranger.Client, "/settings/api-keys/"+id+"/revoke", nil); r.Status != http.StatusNotFound {
		t.Errorf("stranger's revoke: %d", r.Status)
	}
	bearer := srv.Client(t)
	bearer.Headers["Authorization"] = "Bearer " + token
	bearer.Must(200, "GET", "/api/me", nil)

	confirm := string(get(t, owner.Client, "/settings/api-keys/"+id+"/revoke", 200).Body)
	if !strings.Contains(confirm, "stops working at once") {
		t.Error("the confirm page does not name the consequence")
	}
	page := follow(t, owner.Client, postForm(t, owner.Client, "/settings/api-keys/"+id+"/revoke", nil))
	if !strings.Contains(string(page.Body), "Revoked “ci”") || !strings.Contains(string(page.Body), "Revoked</span>") {
		t.Error("the list does not show the key revoked")
	}
	bearer.Must(401, "GET", "/api/me", nil)
	if r := owner.Do("GET", "/settings/api-keys/"+id+"/revoke", nil); r.Status != http.StatusNotFound {
		t.Errorf("confirm page of a revoked key: %d", r.Status)
	}

	r := postForm(t, owner.Client, "/settings/api-keys", url.Values{"name": {""}})
	if n := byID(doc(t, r.Body), "f-name-error"); r.Status != 422 || n == nil {
		t.Errorf("nameless key: %d", r.Status)
	}
	created := postForm(t, owner.Client, "/settings/api-keys", url.Values{"name": {"deploy"}})
	if created.Status != http.StatusCreated || created.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("create: %d, Cache-Control %q", created.Status, created.Header.Get("Cache-Control"))
	}
}

func TestAuditLogPages(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	for i := range 30 {
		a.Must(201, "POST", "/api/api-keys", map[string]string{"name": fmt.Sprintf("key-%02d", i)})
	}
	// 2 events at sign-up + 30 keys = 32: a full page of 25 and 7 more.
	first := string(get(t, a.Client, "/settings/audit", 200).Body)
	if n := strings.Count(first, "<time "); n != 25 {
		t.Fatalf("first page has %d events", n)
	}
	if !strings.Contains(first, "key-29") || strings.Contains(first, "Signed up") || strings.Contains(first, "← Newest") {
		t.Error("the first page is not the newest 25")
	}
	d := doc(t, []byte(first))
	var older string
	walk(d, func(n *html.Node) {
		if rel, _ := attr(n, "rel"); n.Data == "a" && rel == "next" {
			older, _ = attr(n, "href")
		}
	})
	if older == "" {
		t.Fatal("no link to older events")
	}
	second := string(get(t, a.Client, older, 200).Body)
	if n := strings.Count(second, "<time "); n != 7 || !strings.Contains(second, "Signed up") || strings.Contains(second, `rel="next"`) {
		t.Errorf("second page: %d events", n)
	}
	if !strings.Contains(second, "Ann") || !strings.Contains(second, a.Email) {
		t.Error("the actor is not named")
	}
}

func TestWorkspaceSwitcherAndNewWorkspace(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	r := postForm(t, a.Client, "/workspaces/new", url.Values{"name": {""}})
	if n := byID(doc(t, r.Body), "f-name-error"); r.Status != 422 || n == nil {
		t.Fatalf("nameless workspace: %d", r.Status)
	}
	page := follow(t, a.Client, postForm(t, a.Client, "/workspaces/new", url.Values{"name": {"Client B"}}))
	if !strings.Contains(string(page.Body), "Created Client B.") {
		t.Error("no flash after creating a workspace")
	}
	me := a.Must(200, "GET", "/api/me", nil).Map(t)
	if me["workspace"].(map[string]any)["name"] != "Client B" {
		t.Fatalf("the new workspace is not the active one: %v", me["workspace"])
	}
	r = postForm(t, a.Client, "/workspaces/switch", url.Values{"workspace": {a.WorkspaceID}, "next": {"/settings/members"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/settings/members" {
		t.Fatalf("switch: %d to %q", r.Status, r.Header.Get("Location"))
	}
	if !strings.Contains(string(follow(t, a.Client, r).Body), "You are now working in Ann&#39;s workspace.") {
		t.Error("no flash after switching")
	}
	// Someone else's workspace is not one to switch to.
	other := srv.SignUp(t, "Otto")
	if r := postForm(t, a.Client, "/workspaces/switch", url.Values{"workspace": {other.WorkspaceID}}); r.Status != http.StatusNotFound {
		t.Errorf("switch to a stranger's workspace: %d", r.Status)
	}
}

func TestForgedFlashCookiesAreIgnored(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	c := srv.Client(t)
	req, _ := http.NewRequest("GET", srv.URL+"/login", nil)
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"k":"success","m":"Call +1 555 0100 to verify your account"}`))
	req.AddCookie(&http.Cookie{Name: "leadbitz_flash", Value: forged})
	r := c.Send(req)
	if r.Status != 200 || strings.Contains(string(r.Body), "555 0100") {
		t.Fatalf("a forged flash was shown: %d", r.Status)
	}
}

func TestSecurityLogPageShowsOnlyYourOwnEvents(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	other := srv.SignUp(t, "Sid")
	if r := srv.Client(t).Do("POST", "/api/auth/login", map[string]string{"email": owner.Email, "password": "wrong password"}); r.Status != 401 {
		t.Fatalf("wrong password: %d", r.Status)
	}
	body := string(get(t, owner.Client, "/settings/security", 200).Body)
	if !strings.Contains(body, "Failed login (wrong password)") || !strings.Contains(body, "Signed up") || !strings.Contains(body, "127.0.0.1") {
		t.Errorf("Olga's security log lacks her events:\n%s", body)
	}
	if body := string(get(t, other.Client, "/settings/security", 200).Body); strings.Contains(body, "Failed login") {
		t.Error("Sid sees Olga's failed login")
	}
	if body := string(get(t, owner.Client, "/settings/audit", 200).Body); strings.Contains(body, "log in") || strings.Contains(body, "Logged in") {
		t.Error("logins are still in the workspace's audit log")
	}
}

func TestLoginFormIsSlowedDownWithRetryAfter(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	c := srv.Client(t)
	for i := 0; i < 5; i++ {
		if r := postForm(t, c, "/login", url.Values{"email": {owner.Email}, "password": {"wrong password"}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.Status)
		}
	}
	r := postForm(t, c, "/login", url.Values{"email": {owner.Email}, "password": {owner.Password}})
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1" || !strings.Contains(string(r.Body), "Too many login attempts") {
		t.Fatalf("6th attempt: %d Retry-After=%q", r.Status, r.Header.Get("Retry-After"))
	}
}
