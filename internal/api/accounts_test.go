package api_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/api"
	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

// mailServer starts a real SMTP server on loopback that keeps what it is
// given, and the app's settings to send through it.
func mailServer(t *testing.T) (*smtpimapfake.SMTPServer, map[string]string) {
	t.Helper()
	srv, err := smtpimapfake.StartSMTP(smtpimapfake.SMTPOptions{Username: "leadbitz", Password: "smtp-pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, map[string]string{"LEADBITZ_SMTP_URL": "smtp://leadbitz:smtp-pw@127.0.0.1:" + strconv.Itoa(srv.Port),
		"LEADBITZ_MAIL_FROM": "Leadbitz <noreply@leadbitz.test>"}
}

var linkPattern = regexp.MustCompile(`https?://\S+\?token=[A-Za-z0-9_%-]+`)

// mailedLink returns the link of the last message the server received for
// to, checking its subject, and how many messages to has had.
func mailedLink(t *testing.T, srv *smtpimapfake.SMTPServer, to, subject string) (string, int) {
	t.Helper()
	var last []byte
	n := 0
	for _, m := range srv.Messages() {
		if len(m.To) == 1 && m.To[0] == to {
			last, n = m.Data, n+1
		}
	}
	if last == nil {
		t.Fatalf("no message for %s", to)
	}
	in, err := mailmsg.Parse(last)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(in.Subject, subject) || in.HTML == "" {
		t.Fatalf("message for %s: subject %q, html %d bytes", to, in.Subject, len(in.HTML))
	}
	link := linkPattern.FindString(in.Text)
	if link == "" {
		t.Fatalf("no link in %q", in.Text)
	}
	return link, n
}

// TestANewTeamAsItWouldBe follows a new user: sign up, confirm the address
// through the mail a real SMTP server caught, invite a teammate who
// accepts and works, demote and remove them (their session and key stop at
// once), then forget the password and reset it.
func TestANewTeamAsItWouldBe(t *testing.T) {
	mail, env := mailServer(t)
	srv := apptest.Start(t, env)
	ann := srv.SignUp(t, "Ann")

	// Signed up: the first account of the instance is its administrator,
	// and its address waits for confirmation, which mailboxes wait for.
	me := ann.Must(200, "GET", "/api/me", nil).Map(t)
	if me["user"].(map[string]any)["isAdmin"] != true || me["emailVerificationPending"] != true {
		t.Fatalf("me after signup: %v", me)
	}
	if r := ann.Do("POST", "/api/inboxes/smtp", map[string]any{"email": "ann@example.com"}); r.Status != 403 || r.ErrorCode() != "email_not_verified" {
		t.Fatalf("connecting a mailbox unverified: %d %s", r.Status, r.Body)
	}
	link, _ := mailedLink(t, mail, ann.Email, "Confirm your email address")
	if !strings.HasPrefix(link, srv.URL+"/verify?token=") {
		t.Fatalf("verification link %q", link)
	}
	ann.Must(202, "POST", "/api/auth/verify/resend", nil)
	if _, n := mailedLink(t, mail, ann.Email, "Confirm"); n != 2 {
		t.Fatalf("%d verification messages after send again", n)
	}
	// The first link was replaced by the second.
	if r := srv.Client(t).Do("POST", "/api/auth/verify", map[string]string{"token": apptest.TokenOf(t, link)}); r.Status != 422 || r.ErrorCode() != "link_invalid" {
		t.Fatalf("replaced link: %d %s", r.Status, r.Body)
	}
	link, _ = mailedLink(t, mail, ann.Email, "Confirm")
	srv.Client(t).Must(200, "POST", "/api/auth/verify", map[string]string{"token": apptest.TokenOf(t, link)})
	if r := srv.Client(t).Do("POST", "/api/auth/verify", map[string]string{"token": apptest.TokenOf(t, link)}); r.Status != 422 {
		t.Fatalf("a link used twice: %d %s", r.Status, r.Body)
	}
	if me := ann.Must(200, "GET", "/api/me", nil).Map(t); me["emailVerificationPending"] != false {
		t.Fatalf("me after confirming: %v", me)
	}
	if r := ann.Do("POST", "/api/inboxes/smtp", map[string]any{"email": "ann@example.com"}); r.ErrorCode() == "email_not_verified" {
		t.Fatalf("still unverified: %s", r.Body)
	}
	if r := ann.Do("POST", "/api/auth/verify/resend", nil); r.Status != 409 || r.ErrorCode() != "already_verified" {
		t.Fatalf("send again once confirmed: %d %s", r.Status, r.Body)
	}

	// Ann invites Bob, who has no account: mailed, so no link in the answer.
	bobEmail := "bob-" + apptest.Unique() + "@example.com"
	inv := ann.Must(201, "POST", "/api/workspaces/"+ann.WorkspaceID+"/invitations", map[string]string{"email": bobEmail, "role": "admin"}).Map(t)
	if inv["email"] != bobEmail || inv["role"] != "admin" || inv["id"] == nil || inv["expiresAt"] == nil || inv["url"] != nil || inv["mailed"] != true {
		t.Fatalf("invitation: %v", inv)
	}
	if list := ann.Must(200, "GET", "/api/workspaces/"+ann.WorkspaceID+"/invitations", nil).Map(t)["items"].([]any); len(list) != 1 {
		t.Fatalf("waiting invitations: %v", list)
	}
	link, _ = mailedLink(t, mail, bobEmail, "invited you to")
	if !strings.HasPrefix(link, srv.URL+"/invite?token=") {
		t.Fatalf("invitation link %q", link)
	}
	// Signed in as someone else, the link does not work.
	eve := srv.SignUp(t, "Eve")
	if r := eve.Do("POST", "/api/invitations/accept", map[string]string{"token": apptest.TokenOf(t, link)}); r.Status != 403 || r.ErrorCode() != "invitation_for_another_address" {
		t.Fatalf("accepted by another address: %d %s", r.Status, r.Body)
	}
	bob := srv.Client(t)
	accepted := bob.Must(200, "POST", "/api/invitations/accept", map[string]string{"token": apptest.TokenOf(t, link), "name": "Bob", "password": "bob's long password"}).Map(t)
	bobID := accepted["user"].(map[string]any)["id"].(string)
	if list := ann.Must(200, "GET", "/api/workspaces/"+ann.WorkspaceID+"/invitations", nil).Map(t)["items"].([]any); len(list) != 0 {
		t.Fatalf("waiting invitations once accepted: %v", list)
	}
	// Bob works in Ann's workspace, with his session and an API key; the
	// invitation's link proved his address.
	if me := bob.Must(200, "GET", "/api/me", nil).Map(t); me["workspace"].(map[string]any)["id"] != ann.WorkspaceID || me["emailVerificationPending"] != false {
		t.Fatalf("Bob's me: %v", me)
	}
	lead := bob.Must(201, "POST", "/api/leads", map[string]string{"email": "lead@example.com"}).Map(t)["id"].(string)
	key := bob.Must(201, "POST", "/api/api-keys", map[string]string{"name": "bob's script"}).Map(t)["token"].(string)
	script := srv.Client(t)
	script.Headers["Authorization"] = "Bearer " + key
	script.Must(200, "GET", "/api/leads", nil)

	// Demoted to member, Bob can no longer do what admins do.
	if m := ann.Must(200, "PATCH", "/api/workspaces/"+ann.WorkspaceID+"/members/"+bobID, map[string]string{"role": "member"}).Map(t); m["role"] != "member" {
		t.Fatalf("after demotion: %v", m)
	}
	if r := bob.Do("DELETE", "/api/leads/"+lead, nil); r.Status != 403 {
		t.Fatalf("member erasing a lead: %d %s", r.Status, r.Body)
	}
	// Bob cannot take the last owner's role away, nor remove her.
	if r := bob.Do("DELETE", "/api/workspaces/"+ann.WorkspaceID+"/members/"+ann.UserID, nil); r.Status != 403 {
		t.Fatalf("member removing the owner: %d %s", r.Status, r.Body)
	}
	if r := ann.Do("PATCH", "/api/workspaces/"+ann.WorkspaceID+"/members/"+ann.UserID, map[string]string{"role": "admin"}); r.Status != 409 || r.ErrorCode() != "last_owner" {
		t.Fatalf("the last owner stepping down: %d %s", r.Status, r.Body)
	}
	if r := ann.Do("POST", "/api/workspaces/"+ann.WorkspaceID+"/leave", nil); r.Status != 409 || r.ErrorCode() != "last_owner" {
		t.Fatalf("the last owner leaving: %d %s", r.Status, r.Body)
	}

	// Removed, Bob's session and key stop working in the workspace at once.
	ann.Must(204, "DELETE", "/api/workspaces/"+ann.WorkspaceID+"/members/"+bobID, nil)
	if r := bob.Do("GET", "/api/leads", nil); r.Status != 409 || r.ErrorCode() != "no_workspace" {
		t.Fatalf("removed member's session: %d %s", r.Status, r.Body)
	}
	bob.Headers["X-Workspace-Id"] = ann.WorkspaceID
	if r := bob.Do("GET", "/api/leads", nil); r.Status != 403 || r.ErrorCode() != "not_a_member" {
		t.Fatalf("removed member naming the workspace: %d %s", r.Status, r.Body)
	}
	if r := script.Do("GET", "/api/leads", nil); r.Status != 401 {
		t.Fatalf("removed member's key: %d %s", r.Status, r.Body)
	}

	// Forgot: the same answer for an address with and without an account,
	// and a link only to the one that has one.
	forgot := srv.Client(t)
	known := forgot.Must(202, "POST", "/api/auth/forgot", map[string]string{"email": strings.ToUpper(ann.Email)})
	unknown := forgot.Must(202, "POST", "/api/auth/forgot", map[string]string{"email": "nobody-" + apptest.Unique() + "@example.com"})
	if string(known.Body) != string(unknown.Body) {
		t.Fatalf("forgot answers differ: %s / %s", known.Body, unknown.Body)
	}
	srv.Accounts.WaitBackground()
	before := len(mail.Messages())
	link, _ = mailedLink(t, mail, ann.Email, "Reset your Leadbitz password")
	if r := srv.Client(t).Do("POST", "/api/auth/reset", map[string]string{"token": apptest.TokenOf(t, link), "password": "short"}); r.Status != 422 {
		t.Fatalf("reset to a short password: %d %s", r.Status, r.Body)
	}
	srv.Client(t).Must(204, "POST", "/api/auth/reset", map[string]string{"token": apptest.TokenOf(t, link), "password": "a brand new password"})
	if r := ann.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Fatalf("session after a reset: %d", r.Status)
	}
	if r := srv.Client(t).Do("POST", "/api/auth/reset", map[string]string{"token": apptest.TokenOf(t, link), "password": "another new password"}); r.Status != 422 {
		t.Fatalf("a reset link used twice: %d %s", r.Status, r.Body)
	}
	if r := srv.Client(t).Do("POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": ann.Password}); r.Status != 401 {
		t.Fatalf("the old password after a reset: %d", r.Status)
	}
	ann.Must(200, "POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": "a brand new password"})
	if len(mail.Messages()) != before {
		t.Fatalf("mail sent after the forgot answers: %d, want %d", len(mail.Messages()), before)
	}

	// Every step is in the workspace's audit log or Ann's own security log.
	audit := string(ann.Must(200, "GET", "/api/audit-events?limit=200", nil).Body)
	for _, action := range []string{"workspace.invitation_created", "workspace.member_joined", "workspace.member_role_changed", "workspace.member_removed"} {
		if !strings.Contains(audit, `"`+action+`"`) {
			t.Errorf("audit log lacks %s", action)
		}
	}
	security := string(ann.Must(200, "GET", "/api/me/security-events?limit=200", nil).Body)
	for _, kind := range []string{"email_verified", "password_reset_requested", "password_reset"} {
		if !strings.Contains(security, `"`+kind+`"`) {
			t.Errorf("security log lacks %s", kind)
		}
	}
	logs := srv.Logs.String()
	for _, secret := range []string{"smtp-pw", apptest.TokenOf(t, link)} {
		if strings.Contains(logs, secret) || strings.Contains(audit, secret) {
			t.Errorf("a secret is in the logs or the audit log")
		}
	}
}

// TestSignupModes: invite and closed refuse sign-ups once the instance has
// its first account (its administrator); an invitation still lets people in.
func TestSignupModes(t *testing.T) {
	for _, mode := range []string{"invite", "closed"} {
		t.Run(mode, func(t *testing.T) {
			srv := apptest.Start(t, map[string]string{"LEADBITZ_SIGNUP": mode})
			admin := srv.SignUp(t, "Admin")
			if me := admin.Must(200, "GET", "/api/me", nil).Map(t); me["user"].(map[string]any)["isAdmin"] != true {
				t.Fatalf("first account: %v", me)
			}
			r := srv.Client(t).Do("POST", "/api/auth/signup", map[string]string{"email": "late@example.com", "password": "long enough pw"})
			if r.Status != http.StatusForbidden || r.ErrorCode() != "signup_closed" {
				t.Fatalf("second sign-up: %d %s", r.Status, r.Body)
			}
			token := admin.Invite("late@example.com", "member")
			got := srv.Client(t).Must(200, "POST", "/api/invitations/accept", map[string]string{"token": token, "password": "long enough pw"}).Map(t)
			if u := got["user"].(map[string]any); u["email"] != "late@example.com" || u["isAdmin"] != false {
				t.Fatalf("invited account: %v", got)
			}
		})
	}
	srv := apptest.Start(t, nil)
	srv.SignUp(t, "First")
	if me := srv.SignUp(t, "Second").Must(200, "GET", "/api/me", nil).Map(t); me["user"].(map[string]any)["isAdmin"] != false {
		t.Fatalf("second account of an open instance: %v", me)
	}
}

// TestWithoutSystemMail: links are shown or logged, never lost, and the
// answers say there is no mail server; nothing waits for a confirmation.
func TestWithoutSystemMail(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	if me := ann.Must(200, "GET", "/api/me", nil).Map(t); me["emailVerificationPending"] != false {
		t.Fatalf("verification pending without mail: %v", me)
	}
	if r := ann.Do("POST", "/api/auth/verify/resend", nil); r.Status != 409 || r.ErrorCode() != "mail_not_configured" ||
		!strings.Contains(string(r.Body), "no mail server is configured; ask your administrator") {
		t.Fatalf("send again without mail: %d %s", r.Status, r.Body)
	}
	inv := ann.Must(201, "POST", "/api/workspaces/"+ann.WorkspaceID+"/invitations", map[string]string{"email": "cat@example.com", "role": "member"}).Map(t)
	if inv["mailed"] != false || !strings.Contains(inv["url"].(string), "/invite?token=") {
		t.Fatalf("invitation without mail: %v", inv)
	}
	r := srv.Client(t).Must(202, "POST", "/api/auth/forgot", map[string]string{"email": ann.Email})
	if !strings.Contains(string(r.Body), "no mail server is configured; ask your administrator") {
		t.Fatalf("forgot without mail: %s", r.Body)
	}
	srv.Accounts.WaitBackground()
	if !strings.Contains(srv.Logs.String(), `"level":"INFO"`) || !regexp.MustCompile(`"link":"[^"]+/reset\?token=`).MatchString(srv.Logs.String()) {
		t.Fatalf("the reset link is not in the log")
	}
}

// TestTransferLeaveAndDeleteAccount: ownership moves, members leave, and an
// account is deleted only when no workspace is left without its owner.
func TestTransferLeaveAndDeleteAccount(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann, bob := srv.SignUp(t, "Ann"), srv.SignUp(t, "Bob")
	ann.AddMember(bob, "member")
	if r := ann.Do("DELETE", "/api/me", nil); r.Status != 409 || r.ErrorCode() != "sole_owner" {
		t.Fatalf("deleting the only owner: %d %s", r.Status, r.Body)
	}
	if r := bob.Do("POST", "/api/workspaces/"+ann.WorkspaceID+"/transfer", map[string]string{"userId": bob.UserID}); r.Status != 403 {
		t.Fatalf("a member taking ownership: %d %s", r.Status, r.Body)
	}
	ann.Must(204, "POST", "/api/workspaces/"+ann.WorkspaceID+"/transfer", map[string]string{"userId": bob.UserID})
	members := ann.Must(200, "GET", "/api/workspaces/"+ann.WorkspaceID+"/members", nil).Map(t)["items"].([]any)
	roles := map[string]any{}
	for _, m := range members {
		roles[m.(map[string]any)["userId"].(string)] = m.(map[string]any)["role"]
	}
	if roles[ann.UserID] != "admin" || roles[bob.UserID] != "owner" {
		t.Fatalf("roles after the transfer: %v", roles)
	}
	ann.Must(204, "POST", "/api/workspaces/"+ann.WorkspaceID+"/leave", nil)
	if r := ann.Do("GET", "/api/workspaces/"+ann.WorkspaceID+"/members", nil); r.Status != 404 {
		t.Fatalf("after leaving: %d", r.Status)
	}
	// Ann is alone in no workspace now (hers is Bob's): deleting works.
	ann.Must(204, "DELETE", "/api/me", nil)
	if r := srv.Client(t).Do("POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": ann.Password}); r.Status != 401 {
		t.Fatalf("login after deletion: %d", r.Status)
	}
	bob.Headers["X-Workspace-Id"] = ann.WorkspaceID
	audit := string(bob.Must(200, "GET", "/api/audit-events?limit=200", nil).Body)
	for _, action := range []string{"workspace.ownership_transferred", "workspace.member_left"} {
		if !strings.Contains(audit, action) {
			t.Errorf("audit log lacks %s", action)
		}
	}
}

// TestOpenAPIDescribesTheAccountRoutes: the lifecycle's routes are in the
// description, with their roles and what waits for a confirmed address.
func TestOpenAPIDescribesTheAccountRoutes(t *testing.T) {
	doc := api.New(api.Deps{}).OpenAPI()
	paths := doc["paths"].(map[string]map[string]any)
	for _, tc := range []struct{ method, path, role string }{
		{"post", "/api/workspaces/{id}/invitations", "admin"}, {"get", "/api/workspaces/{id}/invitations", "admin"},
		{"delete", "/api/workspaces/{id}/invitations/{invitationId}", "admin"}, {"patch", "/api/workspaces/{id}/members/{userId}", "admin"},
		{"delete", "/api/workspaces/{id}/members/{userId}", "admin"}, {"post", "/api/workspaces/{id}/transfer", "owner"},
		{"post", "/api/workspaces/{id}/leave", "member"}, {"post", "/api/invitations/accept", ""}, {"post", "/api/auth/verify", ""},
		{"post", "/api/auth/verify/resend", ""}, {"post", "/api/auth/forgot", ""}, {"post", "/api/auth/reset", ""}, {"delete", "/api/me", ""},
	} {
		op, ok := paths[tc.path][tc.method].(map[string]any)
		if !ok {
			t.Errorf("%s %s is not described", tc.method, tc.path)
			continue
		}
		if role, _ := op["x-leadbitz-role"].(string); role != tc.role {
			t.Errorf("%s %s: role %q, want %q", tc.method, tc.path, role, tc.role)
		}
	}
	if op := paths["/api/campaigns/{id}/launch"]["post"].(map[string]any); !strings.Contains(op["description"].(string), "email_not_verified") {
		t.Errorf("launch does not say it waits for a confirmed address: %q", op["description"])
	}
}
