package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/api"
	"github.com/leadbitz/leadbitz/internal/apptest"
)

// Objects one workspace owns, created for the isolation test.
type fixtures struct {
	ids map[string]string // placeholder → id, e.g. "workspace" → A's workspace id
}

// isolationCases lists every route that takes an id, called by a member of
// another workspace with workspace A's object: each must answer 404, exactly
// as for a missing object. Every new route with a path parameter must join
// this table (TestEveryIDRouteIsIsolationTested enforces it).
var isolationCases = []struct {
	method, path string // path with {name} placeholders from fixtures.ids
	body         any
}{
	{"POST", "/api/workspaces/{workspace}/switch", nil},
	{"PATCH", "/api/workspaces/{workspace}", map[string]string{"name": "taken over"}},
	{"GET", "/api/workspaces/{workspace}/members", nil},
	{"POST", "/api/workspaces/{workspace}/members", map[string]string{"email": "x@example.com", "role": "member"}},
	{"PATCH", "/api/workspaces/{workspace}/members/{heir}", map[string]string{"role": "owner"}},
	{"DELETE", "/api/workspaces/{workspace}/members/{member}", nil},
	{"POST", "/api/workspaces/{workspace}/leave", nil},
	{"POST", "/api/workspaces/{workspace}/transfer", map[string]string{"userId": "{heir}"}},
	{"POST", "/api/workspaces/{workspace}/invitations", map[string]string{"email": "x@example.com", "role": "member"}},
	{"GET", "/api/workspaces/{workspace}/invitations", nil},
	{"DELETE", "/api/workspaces/{workspace}/invitations/{invitation}", nil},
	{"DELETE", "/api/api-keys/{apiKey}", nil},
	{"GET", "/api/campaigns/{campaign}", nil},
	{"PATCH", "/api/campaigns/{campaign}", map[string]string{"name": "Mallory"}},
	{"DELETE", "/api/campaigns/{campaign}", nil},
	{"GET", "/api/campaigns/{campaign}/sequence", nil},
	{"PUT", "/api/campaigns/{campaign}/sequence", map[string]any{"steps": []map[string]any{{"subject": "x", "body": "y"}}}},
	{"POST", "/api/campaigns/{campaign}/leads", map[string]any{"leadIds": []string{"{campaignLead}"}}},
	{"POST", "/api/campaigns/{campaign}/launch", nil},
	{"POST", "/api/campaigns/{campaign}/pause", nil},
	{"POST", "/api/campaigns/{campaign}/resume", nil},
	{"GET", "/api/campaigns/{campaign}/forecast", nil},
	{"GET", "/api/campaigns/{campaign}/analytics", nil},
	{"GET", "/api/campaigns/{campaign}/leads/{campaignLead}/explain", nil},
	{"GET", "/api/inboxes/{inbox}", nil},
	{"GET", "/api/inboxes/{inbox}/health", nil},
	{"PATCH", "/api/inboxes/{inbox}", map[string]any{"dailyCap": 1}},
	{"DELETE", "/api/inboxes/{inbox}", nil},
	{"POST", "/api/inboxes/{inbox}/sent-copy/detect", map[string]bool{"apply": true}},
	{"PUT", "/api/inboxes/{inbox}/sent-copy", map[string]bool{"skipSentCopy": true}},
	{"GET", "/api/inboxes/{inbox}/sandbox/messages", nil},
	{"POST", "/api/inboxes/{inbox}/sandbox/receive", map[string]string{"from": "x@example.com", "subject": "s", "body": "b"}},
	{"GET", "/api/leads/imports/{import}", nil},
	{"GET", "/api/leads/imports/{import}/errors.csv", nil},
	{"GET", "/api/leads/{lead}", nil},
	{"PATCH", "/api/leads/{lead}", map[string]string{"firstName": "Mallory"}},
	{"DELETE", "/api/leads/{lead}", nil},
	{"DELETE", "/api/suppressions/{suppression}", nil},
	{"GET", "/api/icp/{icp}", nil},
	{"PATCH", "/api/icp/{icp}", map[string]string{"name": "Mallory"}},
	{"DELETE", "/api/sessions/{session}", nil},
}

// setupFixtures creates one object of each kind in owner's workspace.
func setupFixtures(t *testing.T, srv *apptest.Server, owner *apptest.Account) fixtures {
	f := fixtures{ids: map[string]string{"workspace": owner.WorkspaceID}}
	f.ids["apiKey"] = owner.Must(201, "POST", "/api/api-keys", map[string]string{"name": "k"}).Map(t)["id"].(string)
	setupSendingFixtures(t, owner, f)
	setupReplyFixtures(t, owner, f)
	setupWebhookFixtures(t, owner, f)
	f.ids["lead"] = owner.Must(201, "POST", "/api/leads", map[string]string{"email": "iso@example.com"}).Map(t)["id"].(string)
	f.ids["import"] = upload(t, owner, "/api/leads/import", "iso.csv", []byte("email\niso2@example.com\n"), nil).Map(t)["importId"].(string)
	f.ids["suppression"] = owner.Must(201, "POST", "/api/suppressions", map[string]string{"domain": "iso.example"}).Map(t)["id"].(string)
	f.ids["icp"] = owner.Must(201, "POST", "/api/icp/generate", map[string]string{"productDescription": "Payroll for restaurants."}).Map(t)["icpProfileId"].(string)
	f.ids["invitation"] = owner.Must(201, "POST", "/api/workspaces/"+owner.WorkspaceID+"/invitations",
		map[string]string{"email": "iso-" + apptest.Unique() + "@example.com", "role": "member"}).Map(t)["id"].(string)
	// Two members besides the callers: one the role matrix removes, one
	// whose role it tries to change.
	for _, name := range []string{"member", "heir"} {
		acc := srv.SignUp(t, name)
		owner.AddMember(acc, "member")
		f.ids[name] = acc.UserID
	}
	f.ids["session"] = owner.Must(200, "GET", "/api/sessions", nil).Map(t)["items"].([]any)[0].(map[string]any)["id"].(string)
	return f
}

func TestTenantIsolation(t *testing.T) {
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Owner")
	stranger := srv.SignUp(t, "Stranger")
	f := setupFixtures(t, srv, owner)

	for _, tc := range isolationCases {
		path := tc.path
		for name, id := range f.ids {
			path = strings.ReplaceAll(path, "{"+name+"}", id)
		}
		if strings.Contains(path, "{") {
			t.Fatalf("%s %s: no fixture for a placeholder", tc.method, tc.path)
		}
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := stranger.Do(tc.method, path, tc.body)
			if r.Status != http.StatusNotFound || r.ErrorCode() != "not_found" {
				t.Fatalf("stranger got %d %s, want 404 not_found", r.Status, r.Body)
			}
		})
	}
	// The owner's objects are untouched: the key still exists and works.
	keys := owner.Must(200, "GET", "/api/api-keys", nil).Map(t)["items"].([]any)
	if len(keys) != 1 || keys[0].(map[string]any)["revokedAt"] != nil {
		t.Fatalf("owner's key after the stranger's attempts: %v", keys)
	}
}

// Public routes that take an id in their path and are not workspace objects
// (tokens in links, OAuth callbacks) are listed here with the reason.
var notWorkspaceObjects = map[string]string{}

func TestEveryIDRouteIsIsolationTested(t *testing.T) {
	tested := map[string]bool{}
	for _, tc := range isolationCases {
		tested[tc.method+" "+tc.path] = true
	}
	a := api.New(api.Deps{})
	for _, rt := range a.Routes() {
		if !strings.Contains(rt.Path, "{") {
			continue
		}
		key := rt.Method + " " + rt.Path
		if _, ok := notWorkspaceObjects[key]; ok {
			continue
		}
		// The table names placeholders after the object; the route uses {id}.
		found := false
		for k := range tested {
			if samePattern(k, key) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s takes an id but is not in isolationCases", key)
		}
	}
}

// samePattern compares two "METHOD /a/{x}/b" patterns ignoring placeholder
// names.
func samePattern(a, b string) bool {
	pa, pb := strings.Split(a, "/"), strings.Split(b, "/")
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if strings.HasPrefix(pa[i], "{") && strings.HasPrefix(pb[i], "{") {
			continue
		}
		if pa[i] != pb[i] {
			return false
		}
	}
	return true
}
