package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestChangeEmailAndDeleteAccount: the address changes only through the
// link mailed to the new one; deleting asks for the address and is refused
// to the only owner of a workspace with others.
func TestChangeEmailAndDeleteAccount(t *testing.T) {
	t.Parallel()
	srv, mail := withMail(t)
	ann, bob := srv.SignUp(t, "Ann"), srv.SignUp(t, "Bob")
	if body := string(get(t, ann.Client, "/account", 200).Body); !strings.Contains(body, ann.Email) {
		t.Fatal("the account page does not show the address")
	}
	r := postForm(t, ann.Client, "/account/email", url.Values{"email": {"ann-new@example.com"}, "password": {"wrong password"}})
	if r.Status != 422 || !strings.Contains(string(r.Body), "is not your current password") {
		t.Fatalf("change with a wrong password: %d", r.Status)
	}
	page := string(follow(t, ann.Client, postForm(t, ann.Client, "/account/email", url.Values{"email": {"ann-new@example.com"}, "password": {ann.Password}})).Body)
	if !strings.Contains(page, "We mailed a link to ann-new@example.com") {
		t.Error("no flash after asking for the change")
	}
	if me := ann.Must(200, "GET", "/api/me", nil).Map(t); me["user"].(map[string]any)["email"] != ann.Email {
		t.Fatalf("the address changed before its link: %v", me)
	}
	path := mailedPath(t, srv, mail, "ann-new@example.com")
	if !strings.HasPrefix(path, "/confirm-email?token=") {
		t.Fatalf("link %q", path)
	}
	token, _ := url.ParseQuery(strings.TrimPrefix(path, "/confirm-email?"))
	page = string(follow(t, ann.Client, postForm(t, ann.Client, "/confirm-email", url.Values{"token": {token.Get("token")}})).Body)
	if !strings.Contains(page, "Your account&#39;s address is ann-new@example.com now.") {
		t.Errorf("no flash after confirming the new address: %s", page)
	}
	ann.Must(200, "POST", "/api/auth/login", map[string]string{"email": "ann-new@example.com", "password": ann.Password})

	// Ann is the only owner of a workspace Bob belongs to: refused.
	ann.Must(201, "POST", "/api/workspaces/"+ann.WorkspaceID+"/invitations", map[string]string{"email": bob.Email, "role": "member"})
	invite, _ := url.ParseQuery(strings.TrimPrefix(mailedPath(t, srv, mail, bob.Email), "/invite?"))
	bob.Must(200, "POST", "/api/invitations/accept", map[string]string{"token": invite.Get("token")})
	r = postForm(t, ann.Client, "/account/delete", url.Values{"confirm": {"someone else"}})
	if r.Status != 422 {
		t.Fatalf("delete without typing the address: %d", r.Status)
	}
	r = postForm(t, ann.Client, "/account/delete", url.Values{"confirm": {"ann-new@example.com"}})
	if r.Status != 409 || !strings.Contains(string(r.Body), "You are the only owner of") {
		t.Fatalf("deleting the only owner: %d", r.Status)
	}
	// Bob, alone in his own workspace, deletes his account.
	r = postForm(t, bob.Client, "/account/delete", url.Values{"confirm": {bob.Email}})
	if r.Status != 303 || r.Header.Get("Location") != "/signup" {
		t.Fatalf("deleting Bob: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r := srv.Client(t).Do("POST", "/api/auth/login", map[string]string{"email": bob.Email, "password": bob.Password}); r.Status != 401 {
		t.Errorf("Bob logs in after deletion: %d", r.Status)
	}
}
