package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/api"
	"github.com/leadbitz/leadbitz/internal/apptest"
)

// roleCases is the permission table written a second time, as this test's
// specification: every route of the API with the least workspace role that
// may call it ("" when the route needs none: public routes and the user's
// own). TestEveryRouteIsRoleTested makes a new route join it. The cases run
// in this order, weakest caller first, so an allowed deletion happens after
// every refused attempt; logout comes last because it ends the sessions.
var roleCases = []struct {
	method, path string // with {name} placeholders from setupFixtures
	role         string
}{
	{"POST", "/api/auth/signup", ""},
	{"POST", "/api/auth/login", ""},
	{"GET", "/api/me", ""},
	{"GET", "/api/me/security-events", ""},
	{"POST", "/api/auth/verify", ""},
	{"POST", "/api/auth/verify/resend", ""},
	{"POST", "/api/auth/forgot", ""},
	{"POST", "/api/auth/reset", ""},
	{"POST", "/api/auth/email/confirm", ""},
	{"POST", "/api/me/email", ""},
	{"POST", "/api/invitations/accept", ""},
	{"POST", "/api/workspaces", ""},
	{"PATCH", "/api/workspaces/{workspace}", api.Admin},
	{"POST", "/api/workspaces/{workspace}/switch", api.Member},
	{"GET", "/api/workspaces/{workspace}/members", api.Member},
	{"POST", "/api/workspaces/{workspace}/members", api.Admin},
	{"PATCH", "/api/workspaces/{workspace}/members/{heir}", api.Admin},
	{"POST", "/api/workspaces/{workspace}/transfer", api.Owner},
	{"POST", "/api/workspaces/{workspace}/invitations", api.Admin},
	{"GET", "/api/workspaces/{workspace}/invitations", api.Admin},
	{"DELETE", "/api/workspaces/{workspace}/invitations/{invitation}", api.Admin},
	{"DELETE", "/api/workspaces/{workspace}/members/{member}", api.Admin},
	{"POST", "/api/api-keys", api.Member},
	{"GET", "/api/api-keys", api.Member},
	// The route is open to members for their own keys; apiKey is the owner's.
	{"DELETE", "/api/api-keys/{apiKey}", api.Admin},
	{"GET", "/api/audit-events", api.Admin},
	{"GET", "/api/events", api.Admin},
	{"POST", "/api/webhooks", api.Admin},
	{"GET", "/api/webhooks", api.Admin},
	{"GET", "/api/webhooks/{webhook}", api.Admin},
	{"PATCH", "/api/webhooks/{webhook}", api.Admin},
	{"POST", "/api/webhooks/{webhook}/rotate-secret", api.Admin},
	{"POST", "/api/webhooks/{webhook}/test", api.Admin},
	{"GET", "/api/webhooks/{webhook}/deliveries", api.Admin},
	{"POST", "/api/webhooks/{webhook}/deliveries/{delivery}/retry", api.Admin},
	{"DELETE", "/api/webhooks/{webhook}", api.Admin},

	{"POST", "/api/icp/generate", api.Member},
	{"GET", "/api/icp", api.Member},
	{"GET", "/api/icp/{icp}", api.Member},
	{"PATCH", "/api/icp/{icp}", api.Member},
	{"POST", "/api/messages/draft", api.Member},
	{"GET", "/api/ai/usage", api.Member},

	{"POST", "/api/leads", api.Member},
	{"GET", "/api/leads", api.Member},
	{"POST", "/api/leads/verify", api.Member},
	{"GET", "/api/leads/export", api.Admin},
	{"POST", "/api/leads/import", api.Member},
	{"POST", "/api/leads/import/preview", api.Member},
	{"GET", "/api/leads/imports/{import}", api.Member},
	{"GET", "/api/leads/imports/{import}/errors.csv", api.Member},
	{"GET", "/api/leads/{lead}", api.Member},
	{"PATCH", "/api/leads/{lead}", api.Member},
	{"DELETE", "/api/leads/{lead}", api.Admin},
	{"GET", "/api/suppressions", api.Member},
	{"POST", "/api/suppressions", api.Member},
	{"POST", "/api/suppressions/import", api.Member},
	{"DELETE", "/api/suppressions/{suppression}", api.Admin},

	{"POST", "/api/campaigns", api.Member},
	{"GET", "/api/campaigns", api.Member},
	{"GET", "/api/campaigns/{campaign}", api.Member},
	{"PATCH", "/api/campaigns/{campaign}", api.Member},
	{"GET", "/api/campaigns/{campaign}/sequence", api.Member},
	{"PUT", "/api/campaigns/{campaign}/sequence", api.Member},
	{"POST", "/api/campaigns/{campaign}/leads", api.Member},
	{"POST", "/api/campaigns/{campaign}/launch", api.Member},
	{"POST", "/api/campaigns/{campaign}/pause", api.Member},
	{"POST", "/api/campaigns/{campaign}/resume", api.Member},
	{"POST", "/api/campaigns/{campaign}/test", api.Member},
	{"GET", "/api/campaigns/{campaign}/forecast", api.Member},
	{"GET", "/api/campaigns/{campaign}/analytics", api.Member},
	{"GET", "/api/campaigns/{campaign}/leads/{campaignLead}/explain", api.Member},
	{"DELETE", "/api/campaigns/{campaign}", api.Admin},

	{"GET", "/api/inboxes", api.Member},
	{"GET", "/api/inboxes/{inbox}", api.Member},
	{"GET", "/api/inboxes/{inbox}/health", api.Member},
	{"GET", "/api/analytics", api.Member},
	{"GET", "/api/analytics/domains", api.Member},
	{"GET", "/api/analytics/settings", api.Member},
	{"PUT", "/api/analytics/settings", api.Admin},
	{"POST", "/api/inboxes/sandbox", api.Member},
	{"POST", "/api/inboxes/smtp", api.Admin},
	{"GET", "/api/oauth/google/start", api.Admin},
	{"GET", "/api/oauth/google/callback", ""},
	{"GET", "/api/oauth/microsoft/start", api.Admin},
	{"GET", "/api/oauth/microsoft/callback", ""},
	{"GET", "/api/inboxes/{inbox}/sandbox/messages", api.Member},
	{"GET", "/api/inboxes/{inbox}/dns", api.Member},
	{"POST", "/api/inboxes/{inbox}/sandbox/receive", api.Member},

	{"GET", "/api/replies", api.Member},
	{"GET", "/api/replies/{conversation}", api.Member},
	{"POST", "/api/replies/{conversation}/read", api.Member},
	{"POST", "/api/replies/{conversation}/categorize", api.Member},
	{"POST", "/api/replies/{conversation}/suggest", api.Member},
	{"POST", "/api/replies/{conversation}/send", api.Member},
	{"POST", "/api/inboxes/{inbox}/sync", api.Member},
	{"POST", "/api/inboxes/{inbox}/sent-copy/detect", api.Admin},
	{"PUT", "/api/inboxes/{inbox}/sent-copy", api.Admin},
	{"POST", "/api/inbound/classify", ""},
	{"PATCH", "/api/inboxes/{inbox}", api.Admin},
	{"DELETE", "/api/inboxes/{inbox}", api.Admin},

	{"GET", "/u/{token}", ""},
	{"POST", "/u/{token}", ""},
	{"POST", "/api/cron/tick", ""},
	{"POST", "/api/cron/sync-inbox", ""},
	{"POST", "/api/cron/bounce-guard", ""},
	{"POST", "/api/cron/account-upkeep", ""},
	{"POST", "/api/cron/event-upkeep", ""},
	{"GET", "/api/system", instanceAdmin},
	{"GET", "/healthz", ""},
	{"GET", "/readyz", ""},
	{"GET", "/metrics", ""},
	{"GET", "/api/openapi.json", ""},
	// The user's own sessions: after the rest, since revoking ends
	// sessions the callers use (the member's API key ends every session of
	// the member; the owner ends their own).
	{"POST", "/api/auth/password", ""},
	{"GET", "/api/sessions", ""},
	{"POST", "/api/sessions/revoke-others", ""},
	{"DELETE", "/api/sessions/{session}", ""},
	// Leaving and deleting the account end what the callers can do: last.
	{"DELETE", "/api/me", ""},
	{"POST", "/api/workspaces/{workspace}/leave", api.Member},
	{"POST", "/api/auth/logout", ""},
}

// instanceAdmin in roleCases marks a route for the administrators of the
// instance only (Route.InstanceAdmin): in workspaceTeam that is the owner,
// the first account, and nobody else whatever their role.
const instanceAdmin = "instance-admin"

// roleCaller is one way of calling the API with a role in the workspace.
type roleCaller struct {
	name, role string
	client     *apptest.Client
}

// workspaceTeam signs up an owner with the isolation fixtures, adds an admin
// and a member to the owner's workspace, and gives the member an API key.
// Callers come weakest first.
func workspaceTeam(t *testing.T, srv *apptest.Server) (*apptest.Account, fixtures, []roleCaller) {
	t.Helper()
	owner := srv.SignUp(t, "Owner")
	f := setupFixtures(t, srv, owner)
	f.ids["token"] = "not-a-token"
	ws := owner.WorkspaceID
	join := func(name, role string) *apptest.Account {
		acc := srv.SignUp(t, name)
		owner.AddMember(acc, role)
		acc.Headers["X-Workspace-Id"] = ws
		return acc
	}
	admin, member := join("Admin", api.Admin), join("Member", api.Member)
	key := member.Must(201, "POST", "/api/api-keys", map[string]string{"name": "member script"}).Map(t)["token"].(string)
	script := srv.Client(t)
	script.Headers["Authorization"] = "Bearer " + key
	return owner, f, []roleCaller{
		{"member's API key", api.Member, script},
		{"member", api.Member, member.Client},
		{"admin", api.Admin, admin.Client},
		{"owner", api.Owner, owner.Client},
	}
}

// TestRoleMatrix tries every route as every role: a role at least the
// route's answers anything but 403; a lower one 403 forbidden, whatever the
// object and the body.
func TestRoleMatrix(t *testing.T) {
	srv := apptest.Start(t, map[string]string{"CRON_SECRET": "cron-secret"})
	_, f, callers := workspaceTeam(t, srv)
	for _, tc := range roleCases {
		path := fill(t, tc.method, tc.path, f.ids)
		for _, c := range callers {
			r := c.client.Do(tc.method, path, nil)
			allowed := tc.role == "" || account.RoleAllows(c.role, tc.role)
			if tc.role == instanceAdmin {
				allowed = c.role == api.Owner
			}
			switch {
			case allowed && r.Status == http.StatusForbidden:
				t.Errorf("%s %s as %s: 403 %s, want it allowed", tc.method, tc.path, c.name, r.Body)
			case !allowed && (r.Status != http.StatusForbidden || r.ErrorCode() != "forbidden"):
				t.Errorf("%s %s as %s: %d %s, want 403 forbidden", tc.method, tc.path, c.name, r.Status, r.Body)
			}
		}
	}
}

// fill replaces a path's placeholders with fixture ids.
func fill(t *testing.T, method, path string, ids map[string]string) string {
	t.Helper()
	for name, id := range ids {
		path = strings.ReplaceAll(path, "{"+name+"}", id)
	}
	if strings.Contains(path, "{") {
		t.Fatalf("%s %s: no fixture for a placeholder", method, path)
	}
	return path
}

func TestEveryRouteIsRoleTested(t *testing.T) {
	for _, rt := range api.New(api.Deps{}).Routes() {
		found := false
		for _, tc := range roleCases {
			found = found || samePattern(tc.method+" "+tc.path, rt.Method+" "+rt.Path)
		}
		if !found {
			t.Errorf("%s %s is not in roleCases", rt.Method, rt.Path)
		}
	}
}

// TestEveryRouteHasARole: a route that acts in a workspace says which role
// it needs, and only such routes do.
func TestEveryRouteHasARole(t *testing.T) {
	for _, rt := range api.New(api.Deps{}).Routes() {
		inPath := strings.HasPrefix(rt.Path, "/api/workspaces/{id}")
		switch {
		case (rt.Access == api.Workspace || inPath) && !account.KnownRole(rt.Role):
			t.Errorf("%s %s: Role %q, want member, admin or owner", rt.Method, rt.Path, rt.Role)
		case rt.Access != api.Workspace && !inPath && rt.Role != "":
			t.Errorf("%s %s: Role %q on a route that acts in no workspace", rt.Method, rt.Path, rt.Role)
		}
	}
}

// TestMemberAPIKeys: a member creates keys, sees and revokes only their own,
// and their key cannot do what they cannot.
func TestMemberAPIKeys(t *testing.T) {
	srv := apptest.Start(t, nil)
	owner, f, callers := workspaceTeam(t, srv)
	script, member := callers[0].client, callers[1].client
	keys := member.Must(200, "GET", "/api/api-keys", nil).Map(t)["items"].([]any)
	if len(keys) != 1 || keys[0].(map[string]any)["name"] != "member script" {
		t.Fatalf("member's keys: %v", keys)
	}
	if n := len(owner.Must(200, "GET", "/api/api-keys", nil).Map(t)["items"].([]any)); n != 2 {
		t.Fatalf("owner sees %d keys, want the owner's and the member's", n)
	}
	if r := script.Do("DELETE", "/api/api-keys/"+f.ids["apiKey"], nil); r.Status != 403 || r.ErrorCode() != "forbidden" {
		t.Fatalf("member's key revoking the owner's: %d %s", r.Status, r.Body)
	}
	if r := script.Do("DELETE", "/api/suppressions/"+f.ids["suppression"], nil); r.Status != 403 {
		t.Fatalf("member's key removing a suppression: %d %s", r.Status, r.Body)
	}
	own := keys[0].(map[string]any)["id"].(string)
	member.Must(204, "DELETE", "/api/api-keys/"+own, nil)
	if r := script.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Fatalf("revoked key still works: %d", r.Status)
	}
	if r := owner.Do("GET", "/api/suppressions", nil).Map(t)["items"].([]any); len(r) != 1 {
		t.Fatalf("suppressions after the member's attempts: %v", r)
	}
}

// TestOpenAPIShowsRoles: each operation names its role for clients and docs.
func TestOpenAPIShowsRoles(t *testing.T) {
	doc := api.New(api.Deps{}).OpenAPI()
	paths := doc["paths"].(map[string]map[string]any)
	for _, tc := range []struct{ method, path, role string }{
		{"get", "/api/leads/export", "admin"}, {"post", "/api/leads", "member"}, {"delete", "/api/inboxes/{id}", "admin"},
	} {
		op := paths[tc.path][tc.method].(map[string]any)
		if op["x-leadbitz-role"] != tc.role || !strings.Contains(op["description"].(string), "403 forbidden") {
			t.Errorf("%s %s: x-leadbitz-role %v, description %q", tc.method, tc.path, op["x-leadbitz-role"], op["description"])
		}
	}
	if op := paths["/healthz"]["get"].(map[string]any); op["x-leadbitz-role"] != nil {
		t.Errorf("healthz has a role: %v", op["x-leadbitz-role"])
	}
}
