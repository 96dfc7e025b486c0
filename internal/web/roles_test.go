package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/web"
)

// pageRoleCases is the pages' permission table written a second time, as
// this test's specification: every page with the least workspace role that
// may open it ("" for pages that need none). TestEveryPageIsRoleTested
// makes a new page join it. They run in this order, weakest caller first,
// so an allowed deletion happens after every refused attempt; logout ends
// the sessions, so it comes last.
var pageRoleCases = []struct{ method, path, role string }{
	{"GET", "/signup", ""},
	{"POST", "/signup", ""},
	{"GET", "/login", ""},
	{"POST", "/login", ""},
	{"GET", "/forgot", ""},
	{"POST", "/forgot", ""},
	{"GET", "/reset", ""},
	{"POST", "/reset", ""},
	{"GET", "/verify", ""},
	{"POST", "/verify", ""},
	{"POST", "/verify/resend", ""},
	{"GET", "/invite", ""},
	{"POST", "/invite", ""},
	{"GET", "/confirm-email", ""},
	{"POST", "/confirm-email", ""},
	{"GET", "/account", ""},
	{"POST", "/account/email", ""},
	{"POST", "/workspaces/switch", ""},
	{"GET", "/workspaces/new", ""},
	{"POST", "/workspaces/new", ""},

	{"GET", "/{$}", web.Member},
	{"GET", "/campaigns", web.Member},
	{"GET", "/campaigns/new", web.Member},
	{"POST", "/campaigns/new", web.Member},
	{"GET", "/campaigns/{campaign}", web.Member},
	{"GET", "/campaigns/{campaign}/leads", web.Member},
	{"POST", "/campaigns/{campaign}/launch", web.Member},
	{"POST", "/campaigns/{campaign}/pause", web.Member},
	{"POST", "/campaigns/{campaign}/resume", web.Member},
	{"GET", "/campaigns/{campaign}/setup", web.Member},
	{"GET", "/campaigns/{campaign}/setup/mailboxes", web.Member},
	{"POST", "/campaigns/{campaign}/setup/mailboxes", web.Member},
	{"POST", "/campaigns/{campaign}/setup/mailboxes/sandbox", web.Member},
	{"GET", "/campaigns/{campaign}/setup/icp", web.Member},
	{"POST", "/campaigns/{campaign}/setup/icp", web.Member},
	{"POST", "/campaigns/{campaign}/setup/icp/generate", web.Member},
	{"POST", "/campaigns/{campaign}/setup/icp/use", web.Member},
	{"POST", "/campaigns/{campaign}/setup/icp/skip", web.Member},
	{"GET", "/campaigns/{campaign}/setup/leads", web.Member},
	{"POST", "/campaigns/{campaign}/setup/leads", web.Member},
	{"POST", "/campaigns/{campaign}/setup/leads/upload", web.Member},
	{"GET", "/campaigns/{campaign}/setup/leads/map/{upload}", web.Member},
	{"POST", "/campaigns/{campaign}/setup/leads/map/{upload}", web.Member},
	{"POST", "/campaigns/{campaign}/setup/leads/add", web.Member},
	{"GET", "/campaigns/{campaign}/setup/sequence", web.Member},
	{"POST", "/campaigns/{campaign}/setup/sequence", web.Member},
	{"GET", "/campaigns/{campaign}/routes", web.Member},
	{"POST", "/campaigns/{campaign}/routes", web.Member},
	{"POST", "/campaigns/{campaign}/setup/test", web.Member},
	{"GET", "/campaigns/{campaign}/setup/schedule", web.Member},
	{"POST", "/campaigns/{campaign}/setup/schedule", web.Member},
	{"GET", "/campaigns/{campaign}/setup/review", web.Member},
	{"POST", "/campaigns/{campaign}/setup/launch", web.Member},
	{"POST", "/templates/check", web.Member},

	{"GET", "/leads", web.Member},
	{"POST", "/leads/verify", web.Member},
	{"GET", "/leads/imports", web.Member},
	{"GET", "/leads/imports/{import}", web.Member},
	{"GET", "/leads/imports/{import}/progress", web.Member},
	{"GET", "/leads/imports/{import}/rejected.csv", web.Member},
	{"GET", "/leads/import", web.Member},
	{"POST", "/leads/import/upload", web.Member},
	{"GET", "/leads/import/map/{upload}", web.Member},
	{"POST", "/leads/import/map/{upload}", web.Member},
	{"GET", "/leads/suppressions", web.Member},
	{"GET", "/leads/suppressions/new", web.Member},
	{"POST", "/leads/suppressions/new", web.Member},
	{"GET", "/leads/suppressions/{suppression}/remove", web.Admin},
	{"POST", "/leads/suppressions/{suppression}/remove", web.Admin},
	{"GET", "/leads/{lead}", web.Member},
	{"POST", "/leads/{lead}/verify", web.Member},

	{"GET", "/replies", web.Member},
	{"GET", "/replies/{reply}", web.Member},
	{"GET", "/replies/{reply}/messages/{message}/html", web.Member},
	{"POST", "/replies/{reply}/category", web.Member},
	{"POST", "/replies/{reply}/read", web.Member},
	{"POST", "/replies/{reply}/unread", web.Member},
	{"POST", "/replies/{reply}/stop", web.Member},
	{"POST", "/replies/{reply}/suggest", web.Member},
	{"POST", "/replies/{reply}/send", web.Member},

	{"GET", "/mailboxes", web.Member},
	{"POST", "/mailboxes/sandbox", web.Member},
	{"GET", "/mailboxes/connect/smtp", web.Admin},
	{"POST", "/mailboxes/connect/smtp", web.Admin},
	{"GET", "/mailboxes/{mailbox}", web.Member},
	{"GET", "/mailboxes/{mailbox}/health", web.Member},
	{"GET", "/mailboxes/{mailbox}/health.csv", web.Member},
	{"GET", "/campaigns/{campaign}/analytics", web.Member},
	{"GET", "/campaigns/{campaign}/analytics.csv", web.Member},
	{"GET", "/analytics", web.Member},
	{"GET", "/analytics.csv", web.Member},
	{"POST", "/mailboxes/{mailbox}/identity", web.Admin},
	{"POST", "/mailboxes/{mailbox}/limits", web.Admin},
	{"POST", "/mailboxes/{mailbox}/pause", web.Admin},
	{"POST", "/mailboxes/{mailbox}/sent-copy", web.Admin},
	{"POST", "/mailboxes/{mailbox}/resume", web.Admin},
	{"POST", "/mailboxes/{mailbox}/sync", web.Member},
	{"POST", "/mailboxes/{mailbox}/dns", web.Member},
	{"POST", "/mailboxes/{mailbox}/sandbox/reply", web.Member},
	{"GET", "/mailboxes/{mailbox}/reconnect", web.Admin},
	{"POST", "/mailboxes/{mailbox}/reconnect", web.Admin},
	{"GET", "/mailboxes/{mailbox}/delete", web.Admin},
	{"POST", "/mailboxes/{mailbox}/delete", web.Admin},

	{"GET", "/settings", web.Member},
	{"POST", "/settings", web.Admin},
	{"GET", "/settings/members", web.Member},
	{"POST", "/settings/members", web.Admin},
	{"POST", "/settings/invitations/{invitation}/revoke", web.Admin},
	{"POST", "/settings/members/{heir}/role", web.Admin},
	{"POST", "/settings/members/{member}/remove", web.Admin},
	{"GET", "/settings/api-keys", web.Member},
	{"POST", "/settings/api-keys", web.Member},
	// The pages are open to members for their own keys; apiKey is the owner's.
	{"GET", "/settings/api-keys/{apiKey}/revoke", web.Admin},
	{"POST", "/settings/api-keys/{apiKey}/revoke", web.Admin},
	{"GET", "/settings/webhooks", web.Admin},
	{"POST", "/settings/webhooks", web.Admin},
	{"GET", "/settings/webhooks/{webhook}", web.Admin},
	{"POST", "/settings/webhooks/{webhook}", web.Admin},
	{"POST", "/settings/webhooks/{webhook}/test", web.Admin},
	{"POST", "/settings/webhooks/{webhook}/rotate-secret", web.Admin},
	{"POST", "/settings/webhooks/{webhook}/disable", web.Admin},
	{"POST", "/settings/webhooks/{webhook}/enable", web.Admin},
	{"POST", "/settings/webhooks/{webhook}/deliveries/{delivery}/retry", web.Admin},
	{"GET", "/settings/webhooks/{webhook}/delete", web.Admin},
	{"POST", "/settings/webhooks/{webhook}/delete", web.Admin},
	{"GET", "/settings/audit", web.Admin},
	{"GET", "/settings/system", instanceAdmin},
	{"GET", "/settings/security", web.Member},
	{"POST", "/settings/security/password", web.Member},
	{"GET", "/auth/google", ""},
	{"GET", "/auth/google/callback", ""},
	{"GET", "/auth/microsoft", ""},
	{"GET", "/auth/microsoft/callback", ""},

	// The person's own sessions, last: the owner ends their own session.
	{"GET", "/settings/sessions", web.Member},
	{"GET", "/settings/sessions/revoke-others", web.Member},
	{"POST", "/settings/sessions/revoke-others", web.Member},
	{"GET", "/settings/sessions/{session}/revoke", web.Member},
	{"POST", "/settings/sessions/{session}/revoke", web.Member},

	// Handing over ownership and leaving change the callers' roles: last.
	{"POST", "/settings/members/{heir}/transfer", web.Owner},
	{"POST", "/settings/leave", web.Member},
	{"POST", "/account/delete", ""},
	{"POST", "/logout", ""},
}

// instanceAdmin in pageRoleCases marks a page for the administrators of the
// instance only: in TestPageRoleMatrix that is the owner, the first account.
const instanceAdmin = "instance-admin"

// TestPageRoleMatrix opens every page as a member, an admin and the owner of
// one workspace: a role at least the page's gets anything but 403; a lower
// one the 403 page saying why (not the cross-site refusal).
func TestPageRoleMatrix(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	ids := pageFixtures(t, srv, owner)
	callers := []struct {
		role   string
		client *apptest.Client
	}{
		{web.Member, joinWorkspace(t, srv, owner, "Mia", web.Member)},
		{web.Admin, joinWorkspace(t, srv, owner, "Abe", web.Admin)},
		{web.Owner, owner.Client},
	}
	for _, tc := range pageRoleCases {
		path := strings.ReplaceAll(fillPath(t, tc.method, tc.path, ids), "{$}", "")
		for _, c := range callers {
			var r apptest.Response
			if tc.method == "POST" {
				r = postForm(t, c.client, path, nil)
			} else {
				r = c.client.Do(tc.method, path, nil)
			}
			allowed := tc.role == "" || account.RoleAllows(c.role, tc.role)
			if tc.role == instanceAdmin {
				allowed = c.role == web.Owner
			}
			refused := r.Status == http.StatusForbidden && !strings.Contains(string(r.Body), "This request was refused")
			if allowed == refused || (!allowed && r.Status != http.StatusForbidden) {
				t.Errorf("%s %s as %s: %d (allowed: %v); %.300s", tc.method, tc.path, c.role, r.Status, allowed, r.Body)
			}
		}
	}
}

// joinWorkspace signs up a user, has owner add them with role, and makes
// owner's workspace their active one.
func joinWorkspace(t *testing.T, srv *apptest.Server, owner *apptest.Account, name, role string) *apptest.Client {
	t.Helper()
	acc := srv.SignUp(t, name)
	owner.AddMember(acc, role)
	acc.Must(200, "POST", "/api/workspaces/"+owner.WorkspaceID+"/switch", nil)
	return acc.Client
}

func TestEveryPageIsRoleTested(t *testing.T) {
	w, err := web.New(web.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range w.Routes() {
		found := false
		for _, tc := range pageRoleCases {
			found = found || (tc.method == rt.Method && sameShape(tc.path, rt.Path))
		}
		if !found {
			t.Errorf("%s %s is not in pageRoleCases", rt.Method, rt.Path)
		}
	}
}

// TestEveryPageHasARole: a page that works in a workspace says which role it
// needs, and only such pages do.
func TestEveryPageHasARole(t *testing.T) {
	w, err := web.New(web.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range w.Routes() {
		if (rt.Access == web.Workspace) != account.KnownRole(rt.Role) {
			t.Errorf("%s %s: access %d with Role %q", rt.Method, rt.Path, rt.Access, rt.Role)
		}
	}
}

// TestPagesHideWhatTheRoleCannotDo: a member sees no button the server would
// refuse them (delete, pause, reconnect or connect a mailbox; remove a
// suppression; the audit log); an admin sees them.
func TestPagesHideWhatTheRoleCannotDo(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	ids := pageFixtures(t, srv, owner)
	member := joinWorkspace(t, srv, owner, "Mia", web.Member)
	admin := joinWorkspace(t, srv, owner, "Abe", web.Admin)
	links := []struct{ page, link string }{
		{"/mailboxes/" + ids["mailbox"], "/mailboxes/" + ids["mailbox"] + "/delete"},
		{"/mailboxes/" + ids["mailbox"], "/mailboxes/" + ids["mailbox"] + "/pause"},
		{"/mailboxes", "/mailboxes/connect/smtp"},
		{"/leads/suppressions", "/leads/suppressions/" + ids["suppression"] + "/remove"},
		{"/settings/api-keys", "/settings/audit"},
		{"/settings/api-keys", "/settings/webhooks"},
	}
	for _, l := range links {
		if body := string(get(t, member, l.page, 200).Body); strings.Contains(body, `"`+l.link+`"`) {
			t.Errorf("member sees %s on %s", l.link, l.page)
		}
		if body := string(get(t, admin, l.page, 200).Body); !strings.Contains(body, `"`+l.link+`"`) {
			t.Errorf("admin does not see %s on %s", l.link, l.page)
		}
	}
}
