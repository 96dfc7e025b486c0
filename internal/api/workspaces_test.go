package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

func TestWorkspacesMembersAndHeader(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	bob := srv.SignUp(t, "Bob")
	cat := srv.SignUp(t, "Cat")

	second := ann.Must(201, "POST", "/api/workspaces", map[string]string{"name": "Agency client"}).Map(t)
	secondID := second["id"].(string)
	if r := ann.Do("POST", "/api/workspaces", map[string]string{"name": "  "}); r.Status != 422 {
		t.Fatalf("blank workspace name: %d", r.Status)
	}

	// Switching makes it the active workspace.
	ann.Must(200, "POST", "/api/workspaces/"+secondID+"/switch", nil)
	me := ann.Must(200, "GET", "/api/me", nil).Map(t)
	if me["workspace"].(map[string]any)["id"] != secondID || len(me["workspaces"].([]any)) != 2 {
		t.Fatalf("after switch: %v", me)
	}

	// X-Workspace-Id picks a workspace per request; a stranger's is 403.
	ann.Headers["X-Workspace-Id"] = ann.WorkspaceID
	if got := ann.Must(200, "GET", "/api/me", nil).Map(t)["workspace"].(map[string]any)["id"]; got != ann.WorkspaceID {
		t.Fatalf("X-Workspace-Id ignored: %v", got)
	}
	ann.Headers["X-Workspace-Id"] = bob.WorkspaceID
	if r := ann.Do("GET", "/api/me", nil); r.Status != 403 || r.ErrorCode() != "not_a_member" {
		t.Fatalf("foreign X-Workspace-Id: %d %s", r.Status, r.Body)
	}
	delete(ann.Headers, "X-Workspace-Id")

	// Owners add members; members cannot; owners only by owners. Adding an
	// address invites it, and answers alike whether or not it has an
	// account; it is pending until the person accepts the invitation.
	ghost := "ghost-" + apptest.Unique() + "@example.com"
	added := ann.Must(201, "POST", "/api/workspaces/"+secondID+"/members", map[string]string{"email": strings.ToUpper(bob.Email), "role": "member"})
	addedGhost := ann.Must(201, "POST", "/api/workspaces/"+secondID+"/members", map[string]string{"email": ghost, "role": "member"})
	if alike := func(r apptest.Response) string {
		m := r.Map(t)
		for _, k := range []string{"createdAt", "invitationId", "url"} {
			delete(m, k)
		}
		m["email"] = "x"
		return fmt.Sprint(m)
	}; alike(added) != alike(addedGhost) {
		t.Fatalf("adding an account and an address without one answer differently:\n%s\n%s", added.Body, addedGhost.Body)
	}
	// Adding an address again replaces its invitation: the first link stops
	// working.
	firstLink := added.Map(t)["url"].(string)
	again := ann.Must(201, "POST", "/api/workspaces/"+secondID+"/members", map[string]string{"email": bob.Email, "role": "member"}).Map(t)
	if r := bob.Do("POST", "/api/invitations/accept", map[string]string{"token": apptest.TokenOf(t, firstLink)}); r.Status != 422 || r.ErrorCode() != "link_invalid" {
		t.Fatalf("accepting a replaced invitation: %d %s", r.Status, r.Body)
	}
	members := ann.Must(200, "GET", "/api/workspaces/"+secondID+"/members", nil).Map(t)["items"].([]any)
	if len(members) != 3 || members[1].(map[string]any)["pending"] != true || members[1].(map[string]any)["userId"] != "" {
		t.Fatalf("members before Bob accepts: %v", members)
	}
	if r := bob.Do("GET", "/api/workspaces/"+secondID+"/members", nil); r.Status != 404 {
		t.Fatalf("Bob before accepting: %d %s", r.Status, r.Body)
	}
	bob.Must(200, "POST", "/api/invitations/accept", map[string]string{"token": apptest.TokenOf(t, again["url"].(string))})
	if r := ann.Do("POST", "/api/workspaces/"+secondID+"/members", map[string]string{"email": bob.Email, "role": "admin"}); r.Status != 409 {
		t.Fatalf("adding a member twice: %d %s", r.Status, r.Body)
	}
	if r := bob.Do("POST", "/api/workspaces/"+secondID+"/members", map[string]string{"email": cat.Email, "role": "member"}); r.Status != 403 {
		t.Fatalf("member adding a member: %d %s", r.Status, r.Body)
	}
	if r := ann.Do("POST", "/api/workspaces/"+secondID+"/members", map[string]string{"email": cat.Email, "role": "boss"}); r.Status != 422 {
		t.Fatalf("unknown role: %d %s", r.Status, r.Body)
	}
	members = ann.Must(200, "GET", "/api/workspaces/"+secondID+"/members", nil).Map(t)["items"].([]any)
	if len(members) != 3 || members[1].(map[string]any)["userId"] != bob.UserID || members[1].(map[string]any)["pending"] != false {
		t.Fatalf("members once Bob accepted: %v", members)
	}

	// Owners and admins edit settings; members cannot.
	footer := "Agency Ltd\n1 Main St, Springfield"
	got := ann.Must(200, "PATCH", "/api/workspaces/"+secondID, map[string]any{"footerAddress": " Agency Ltd \r\n 1 Main St, Springfield "}).Map(t)
	if got["footerAddress"] != footer || got["name"] != "Agency client" {
		t.Fatalf("after PATCH: %v", got)
	}
	if r := ann.Do("PATCH", "/api/workspaces/"+secondID, map[string]any{"name": ""}); r.Status != 422 {
		t.Fatalf("empty name: %d", r.Status)
	}
	if r := bob.Do("PATCH", "/api/workspaces/"+secondID, map[string]any{"name": "mine"}); r.Status != 403 {
		t.Fatalf("member editing settings: %d %s", r.Status, r.Body)
	}

	// Bob now sees the workspace and can switch to it.
	bob.Must(200, "POST", "/api/workspaces/"+secondID+"/switch", nil)
	if r := cat.Do("POST", "/api/workspaces/"+secondID+"/switch", nil); r.Status != 404 {
		t.Fatalf("switching to a workspace you are not in: %d", r.Status)
	}

	// Signing up with an invited address joins nothing: the invitation's
	// link does, signed out, creating the account of that address only.
	newcomer := srv.Client(t)
	token := apptest.TokenOf(t, addedGhost.Map(t)["url"].(string))
	if r := newcomer.Do("POST", "/api/invitations/accept", map[string]string{"token": token, "password": "short"}); r.Status != 422 {
		t.Fatalf("accepting with a short password: %d %s", r.Status, r.Body)
	}
	joined := newcomer.Must(200, "POST", "/api/invitations/accept", map[string]string{"token": token, "name": "Gus", "password": "long enough pw"}).Map(t)
	if joined["user"].(map[string]any)["email"] != ghost || joined["workspace"].(map[string]any)["id"] != secondID {
		t.Fatalf("accepted: %v", joined)
	}
	me = newcomer.Must(200, "GET", "/api/me", nil).Map(t)
	if ws := me["workspaces"].([]any); len(ws) != 1 || me["workspace"].(map[string]any)["id"] != secondID {
		t.Fatalf("the newcomer's workspaces: %v", me)
	}
	if r := srv.Client(t).Do("POST", "/api/invitations/accept", map[string]string{"token": token, "password": "long enough pw"}); r.Status != 422 {
		t.Fatalf("a used invitation accepted again: %d %s", r.Status, r.Body)
	}
}

func TestAPIKeys(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")

	if r := ann.Do("POST", "/api/api-keys", map[string]string{"name": ""}); r.Status != 422 {
		t.Fatalf("unnamed key: %d", r.Status)
	}
	key := ann.Must(201, "POST", "/api/api-keys", map[string]string{"name": "zapier"}).Map(t)
	token := key["token"].(string)
	if !strings.HasPrefix(token, "lbz_") || len(token) < 40 {
		t.Fatalf("token %q", token)
	}

	script := srv.Client(t)
	script.Headers["Authorization"] = "Bearer " + token
	me := script.Must(200, "GET", "/api/me", nil).Map(t)
	if me["workspace"].(map[string]any)["id"] != ann.WorkspaceID {
		t.Fatalf("API key acts in %v", me["workspace"])
	}

	list := ann.Must(200, "GET", "/api/api-keys", nil)
	if strings.Contains(string(list.Body), token) || strings.Contains(string(list.Body), "tokenHash") {
		t.Fatalf("list reveals the token: %s", list.Body)
	}

	ann.Must(204, "DELETE", "/api/api-keys/"+key["id"].(string), nil)
	if r := script.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Fatalf("revoked key still works: %d", r.Status)
	}
	if r := ann.Do("DELETE", "/api/api-keys/"+key["id"].(string), nil); r.Status != 404 {
		t.Fatalf("revoking twice: %d", r.Status)
	}
	bad := srv.Client(t)
	bad.Headers["Authorization"] = "Bearer lbz_not-a-real-key"
	if r := bad.Do("GET", "/api/me", nil); r.Status != 401 || r.ErrorCode() != "unauthenticated" {
		t.Fatalf("unknown key: %d %s", r.Status, r.Body)
	}
}

func TestAuditEventsAndNoSecretsInLogs(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	bob := srv.SignUp(t, "Bob")
	srv.Client(t).Do("POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": "wrong password!"})
	ann.Must(200, "POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": ann.Password})
	ann.Must(201, "POST", "/api/workspaces/"+ann.WorkspaceID+"/members", map[string]string{"email": bob.Email, "role": "admin"})
	key := ann.Must(201, "POST", "/api/api-keys", map[string]string{"name": "ci"}).Map(t)
	ann.Must(204, "DELETE", "/api/api-keys/"+key["id"].(string), nil)

	var seen []string
	cursor := ""
	for page := 0; page < 10; page++ {
		path := "/api/audit-events?limit=2"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		var out struct {
			Items []struct {
				Action string `json:"action"`
			} `json:"items"`
			NextCursor *string `json:"nextCursor"`
		}
		ann.Must(200, "GET", path, nil).JSON(t, &out)
		for _, e := range out.Items {
			seen = append(seen, e.Action)
		}
		if out.NextCursor == nil {
			break
		}
		cursor = *out.NextCursor
	}
	// Logins and failed logins are in each person's own security log, not
	// in the workspaces' audit logs.
	want := []string{"api_key.revoked", "api_key.created", "workspace.invitation_created", "workspace.created", "user.signup"}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Fatalf("audit events newest first:\n got %v\nwant %v", seen, want)
	}
	if r := ann.Do("GET", "/api/audit-events?limit=500", nil); r.Status != 422 {
		t.Fatalf("limit over 200: %d", r.Status)
	}

	logs := srv.Logs.String()
	for _, secret := range []string{ann.Password, bob.Password, key["token"].(string), ann.Cookie("leadbitz_session")} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a secret appears in the logs")
		}
		if r := ann.Must(200, "GET", "/api/audit-events?limit=200", nil); strings.Contains(string(r.Body), secret) {
			t.Fatalf("a secret appears in the audit log")
		}
	}
}
