package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/web"
)

// pageIsolationCases are the pages with an id in their path, opened by a
// member of another workspace with workspace A's object: each must answer
// 404, exactly as for a missing one. A new page with a path id must join
// this table (TestEveryIDPageIsIsolationTested enforces it).
var pageIsolationCases = []struct{ method, path string }{
	{"GET", "/leads/{lead}"},
	{"POST", "/leads/{lead}/verify"},
	{"GET", "/campaigns/{campaign}"},
	{"POST", "/campaigns/{campaign}/launch"},
	{"POST", "/campaigns/{campaign}/pause"},
	{"POST", "/campaigns/{campaign}/resume"},
	{"GET", "/campaigns/{campaign}/leads"},
	{"GET", "/campaigns/{campaign}/setup"},
	{"GET", "/campaigns/{campaign}/setup/mailboxes"},
	{"POST", "/campaigns/{campaign}/setup/mailboxes"},
	{"POST", "/campaigns/{campaign}/setup/mailboxes/sandbox"},
	{"GET", "/campaigns/{campaign}/setup/icp"},
	{"POST", "/campaigns/{campaign}/setup/icp"},
	{"POST", "/campaigns/{campaign}/setup/icp/generate"},
	{"POST", "/campaigns/{campaign}/setup/icp/use"},
	{"POST", "/campaigns/{campaign}/setup/icp/skip"},
	{"GET", "/campaigns/{campaign}/setup/leads"},
	{"POST", "/campaigns/{campaign}/setup/leads"},
	{"POST", "/campaigns/{campaign}/setup/leads/upload"},
	{"GET", "/campaigns/{campaign}/setup/leads/map/{upload}"},
	{"POST", "/campaigns/{campaign}/setup/leads/map/{upload}"},
	{"POST", "/campaigns/{campaign}/setup/leads/add"},
	{"GET", "/campaigns/{campaign}/setup/sequence"},
	{"POST", "/campaigns/{campaign}/setup/sequence"},
	{"GET", "/campaigns/{campaign}/routes"},
	{"POST", "/campaigns/{campaign}/routes"},
	{"GET", "/campaigns/{campaign}/setup/schedule"},
	{"POST", "/campaigns/{campaign}/setup/schedule"},
	{"GET", "/campaigns/{campaign}/setup/review"},
	{"POST", "/campaigns/{campaign}/setup/launch"},
	{"GET", "/leads/import/map/{upload}"},
	{"POST", "/leads/import/map/{upload}"},
	{"GET", "/leads/imports/{import}"},
	{"GET", "/leads/imports/{import}/progress"},
	{"GET", "/leads/imports/{import}/rejected.csv"},
	{"GET", "/leads/suppressions/{suppression}/remove"},
	{"POST", "/leads/suppressions/{suppression}/remove"},
	{"GET", "/mailboxes/{mailbox}"},
	{"GET", "/mailboxes/{mailbox}/health"},
	{"GET", "/mailboxes/{mailbox}/health.csv"},
	{"GET", "/campaigns/{campaign}/analytics"},
	{"GET", "/campaigns/{campaign}/analytics.csv"},
	{"POST", "/mailboxes/{mailbox}/identity"},
	{"POST", "/mailboxes/{mailbox}/limits"},
	{"POST", "/mailboxes/{mailbox}/pause"},
	{"POST", "/mailboxes/{mailbox}/resume"},
	{"POST", "/mailboxes/{mailbox}/sync"},
	{"POST", "/mailboxes/{mailbox}/sandbox/reply"},
	{"GET", "/mailboxes/{mailbox}/reconnect"},
	{"POST", "/mailboxes/{mailbox}/reconnect"},
	{"GET", "/mailboxes/{mailbox}/delete"},
	{"POST", "/mailboxes/{mailbox}/delete"},
	{"GET", "/replies/{reply}"},
	{"GET", "/replies/{reply}/messages/{message}/html"},
	{"POST", "/replies/{reply}/category"},
	{"POST", "/replies/{reply}/unread"},
	{"POST", "/replies/{reply}/read"},
	{"POST", "/replies/{reply}/stop"},
	{"POST", "/replies/{reply}/suggest"},
	{"POST", "/replies/{reply}/send"},
	{"GET", "/settings/api-keys/{apiKey}/revoke"},
	{"POST", "/settings/api-keys/{apiKey}/revoke"},
	{"POST", "/settings/invitations/{invitation}/revoke"},
	{"POST", "/settings/members/{member}/role"},
	{"POST", "/settings/members/{member}/remove"},
	{"POST", "/settings/members/{heir}/transfer"},
	{"GET", "/settings/webhooks/{webhook}"},
	{"POST", "/settings/webhooks/{webhook}"},
	{"POST", "/settings/webhooks/{webhook}/test"},
	{"POST", "/settings/webhooks/{webhook}/rotate-secret"},
	{"POST", "/settings/webhooks/{webhook}/disable"},
	{"POST", "/settings/webhooks/{webhook}/enable"},
	{"POST", "/settings/webhooks/{webhook}/deliveries/{delivery}/retry"},
	{"GET", "/settings/webhooks/{webhook}/delete"},
	{"POST", "/settings/webhooks/{webhook}/delete"},
	{"GET", "/settings/sessions/{session}/revoke"},
	{"POST", "/settings/sessions/{session}/revoke"},
}

func TestPagesOfAnotherWorkspaceAreNotFound(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	stranger := srv.SignUp(t, "Sid")
	ids := pageFixtures(t, srv, owner)
	for _, tc := range pageIsolationCases {
		path := fillPath(t, tc.method, tc.path, ids)
		var r apptest.Response
		if tc.method == "POST" {
			r = postForm(t, stranger.Client, path, nil)
		} else {
			r = stranger.Do(tc.method, path, nil)
		}
		if r.Status != http.StatusNotFound || !strings.Contains(string(r.Body), "Page not found") {
			t.Errorf("%s %s: stranger got %d", tc.method, tc.path, r.Status)
		}
	}
	// The owner's objects are untouched.
	if c := owner.Must(200, "GET", "/api/campaigns/"+ids["campaign"], nil).Map(t); c["status"] != "draft" || len(c["inboxIds"].([]any)) != 0 {
		t.Errorf("owner's campaign after the stranger's attempts: %v", c)
	}
	owner.Must(200, "GET", "/leads/suppressions/"+ids["suppression"]+"/remove", nil)
	owner.Must(200, "GET", "/settings/api-keys/"+ids["apiKey"]+"/revoke", nil)
	if h := owner.Must(200, "GET", "/api/webhooks/"+ids["webhook"], nil).Map(t); h["enabled"] != true {
		t.Errorf("owner's webhook after the stranger's attempts: %v", h)
	}
	if c := owner.Must(200, "GET", "/api/replies/"+ids["reply"], nil).Map(t); c["category"] != "interested" || len(c["messages"].([]any)) != 1 {
		t.Errorf("owner's conversation after the stranger's attempts: %v", c)
	}
	if m := owner.Must(200, "GET", "/api/inboxes/"+ids["mailbox"], nil).Map(t); m["status"] != "active" {
		t.Errorf("owner's mailbox after the stranger's attempts: %v", m["status"])
	}
}

// pageFixtures creates one object of each kind in owner's workspace and
// returns their ids by placeholder name.
func pageFixtures(t *testing.T, srv *apptest.Server, owner *apptest.Account) map[string]string {
	t.Helper()
	ids := map[string]string{
		"apiKey":      owner.Must(201, "POST", "/api/api-keys", map[string]string{"name": "k"}).Map(t)["id"].(string),
		"lead":        owner.Must(201, "POST", "/api/leads", map[string]string{"email": "x@acme.example"}).Map(t)["id"].(string),
		"campaign":    owner.Must(201, "POST", "/api/campaigns", map[string]string{"name": "c", "timezone": "UTC"}).Map(t)["id"].(string),
		"suppression": owner.Must(201, "POST", "/api/suppressions", map[string]string{"email": "gone@acme.example"}).Map(t)["id"].(string),
		"import":      apiImport(t, owner.Client, "email,firstName\nx@acme.example,X\n"),
		"upload":      stagedUpload(t, owner.Client, "email\ny@acme.example\n"),
		"mailbox":     owner.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "own@acme.example"}).Map(t)["id"].(string),
		"invitation": owner.Must(201, "POST", "/api/workspaces/"+owner.WorkspaceID+"/invitations",
			map[string]string{"email": "invited-" + apptest.Unique() + "@acme.example", "role": "member"}).Map(t)["id"].(string),
	}
	ids["reply"], ids["message"] = replyFixture(t, owner.Client, ids["mailbox"])
	// Two members besides the role matrix's callers: one it removes, one it
	// hands ownership to.
	for _, name := range []string{"member", "heir"} {
		acc := srv.SignUp(t, name)
		owner.AddMember(acc, "member")
		ids[name] = acc.UserID
	}
	// A webhook to a closed port, and the delivery of its test.
	ids["webhook"] = owner.Must(201, "POST", "/api/webhooks", map[string]string{"url": "http://127.0.0.1:9/hook"}).Map(t)["id"].(string)
	ids["delivery"] = owner.Must(200, "POST", "/api/webhooks/"+ids["webhook"]+"/test", nil).Map(t)["id"].(string)
	ids["session"] = owner.Must(200, "GET", "/api/sessions", nil).Map(t)["items"].([]any)[0].(map[string]any)["id"].(string)
	return ids
}

// fillPath replaces a path's placeholders with fixture ids.
func fillPath(t *testing.T, method, path string, ids map[string]string) string {
	t.Helper()
	for name, id := range ids {
		path = strings.ReplaceAll(path, "{"+name+"}", id)
	}
	if strings.Contains(strings.TrimSuffix(path, "{$}"), "{") {
		t.Fatalf("%s %s: no fixture for a placeholder", method, path)
	}
	return path
}

func TestEveryIDPageIsIsolationTested(t *testing.T) {
	tested := map[string]bool{}
	for _, tc := range pageIsolationCases {
		tested[tc.method+" "+tc.path] = true
	}
	w, err := web.New(web.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range w.Routes() {
		if !strings.Contains(strings.TrimSuffix(rt.Path, "{$}"), "{") {
			continue
		}
		found := false
		for key := range tested {
			method, path, _ := strings.Cut(key, " ")
			if method == rt.Method && sameShape(path, rt.Path) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s %s has a path id but is not in pageIsolationCases", rt.Method, rt.Path)
		}
	}
}

// sameShape compares two paths ignoring the names of their {params}.
func sameShape(a, b string) bool {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	if len(as) != len(bs) {
		return false
	}
	for i := range as {
		ap, bp := strings.HasPrefix(as[i], "{"), strings.HasPrefix(bs[i], "{")
		if ap != bp || (!ap && as[i] != bs[i]) {
			return false
		}
	}
	return true
}
