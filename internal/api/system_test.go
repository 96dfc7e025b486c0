package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/api"
	"github.com/leadbitz/leadbitz/internal/apptest"
)

func TestErrorShapeForUnknownRoutesAndBadBodies(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	cases := []struct {
		method, path string
		body         any
		status       int
		code         string
	}{
		{"GET", "/api/nope", nil, 404, "not_found"},
		{"PUT", "/api/me", nil, 405, "method_not_allowed"},
		{"POST", "/api/workspaces", "[1,2", 400, "malformed_json"},
		{"POST", "/api/workspaces", `{"name":"a"} {"name":"b"}`, 400, "malformed_json"},
		{"POST", "/api/workspaces", `{"name":"` + strings.Repeat("x", 2<<20) + `"}`, 413, "too_large"},
	}
	for _, tc := range cases {
		r := ann.Do(tc.method, tc.path, tc.body)
		if r.Status != tc.status || r.ErrorCode() != tc.code {
			t.Errorf("%s %s: %d %.200s, want %d %s", tc.method, tc.path, r.Status, r.Body, tc.status, tc.code)
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: content type %q", tc.method, tc.path, r.Header.Get("Content-Type"))
		}
	}
	if r := ann.Do("PUT", "/api/me", nil); r.Header.Get("Allow") != "GET, DELETE" {
		t.Errorf("405 Allow header %q", r.Header.Get("Allow"))
	}
	if r := srv.Client(t).Do("GET", "/api/me", nil); r.Status != 401 {
		t.Errorf("no auth: %d", r.Status)
	}
}

func TestCrossSiteStateChangesAreRefused(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	ann.Headers["Sec-Fetch-Site"] = "cross-site"
	if r := ann.Do("POST", "/api/workspaces", map[string]string{"name": "evil"}); r.Status != 403 {
		t.Fatalf("cross-site POST with the session cookie: %d %s", r.Status, r.Body)
	}
	ann.Must(200, "GET", "/api/me", nil) // safe methods pass
	ann.Headers["Sec-Fetch-Site"] = "same-origin"
	ann.Must(201, "POST", "/api/workspaces", map[string]string{"name": "fine"})
}

func TestCronRoutes(t *testing.T) {
	off := apptest.Start(t, nil)
	if r := off.Client(t).Do("POST", "/api/cron/tick", nil); r.Status != 404 {
		t.Fatalf("cron without CRON_SECRET: %d", r.Status)
	}
	on := apptest.Start(t, map[string]string{"CRON_SECRET": "s3cret-cron"})
	c := on.Client(t)
	c.Headers["Authorization"] = "Bearer wrong"
	if r := c.Do("POST", "/api/cron/tick", nil); r.Status != 401 {
		t.Fatalf("wrong cron secret: %d", r.Status)
	}
	c.Headers["Authorization"] = "Bearer s3cret-cron"
	for _, path := range []string{"/api/cron/tick", "/api/cron/sync-inbox"} {
		m := c.Must(200, "POST", path, nil).Map(t)
		if _, ok := m["processed"]; !ok && path == "/api/cron/tick" {
			t.Fatalf("tick answer %v", m)
		}
		if _, ok := m["inboxes"]; !ok && path == "/api/cron/sync-inbox" {
			t.Fatalf("sync answer %v", m)
		}
	}
}

func TestHealthReadinessMetrics(t *testing.T) {
	srv := apptest.Start(t, map[string]string{"LEADBITZ_METRICS_TOKEN": "m3trics-token"})
	c := srv.Client(t)
	c.Must(200, "GET", "/healthz", nil)
	if got := c.Must(200, "GET", "/readyz", nil).Map(t)["database"]; got == "" {
		t.Fatal("readyz does not name the database")
	}
	c.Do("GET", "/api/nope", nil)
	for _, auth := range []string{"", "Bearer wrong", "m3trics-token", "Bearer m3trics-token2"} {
		c.Headers["Authorization"] = auth
		if r := c.Do("GET", "/metrics", nil); r.Status != 401 || r.ErrorCode() != "invalid_token" {
			t.Errorf("metrics with Authorization %q: %d %s, want 401", auth, r.Status, r.Body)
		}
	}
	c.Headers["Authorization"] = "Bearer m3trics-token"
	m := c.Must(200, "GET", "/metrics", nil)
	for _, want := range []string{"leadbitz_http_request_duration_seconds", `route="GET /readyz"`, "go_goroutines"} {
		if !strings.Contains(string(m.Body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// Without LEADBITZ_METRICS_TOKEN or LEADBITZ_METRICS_ADDR nobody gets the
// metrics; with LEADBITZ_METRICS_ADDR they are not on the main address
// (internal/app tests the listener of their own).
func TestMetricsAreOffByDefault(t *testing.T) {
	for _, env := range []map[string]string{nil, {"LEADBITZ_METRICS_ADDR": "127.0.0.1:0", "LEADBITZ_METRICS_TOKEN": "m3trics-token"}} {
		c := apptest.Start(t, env).Client(t)
		c.Headers["Authorization"] = "Bearer m3trics-token"
		if r := c.Do("GET", "/metrics", nil); r.Status != 404 || strings.Contains(string(r.Body), "go_goroutines") {
			t.Errorf("metrics with %v: %d %.200s, want 404", env, r.Status, r.Body)
		}
	}
}

func TestOpenAPIListsEveryRoute(t *testing.T) {
	srv := apptest.Start(t, nil)
	body := srv.Client(t).Must(200, "GET", "/api/openapi.json", nil).Body
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi.json: %v %q", err, doc.OpenAPI)
	}
	for _, rt := range api.New(api.Deps{}).Routes() {
		if _, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("%s %s missing from openapi.json", rt.Method, rt.Path)
		}
	}
	// And nothing is served that the table does not list: every documented
	// path answers something other than 404-for-unknown-route.
	c := srv.Client(t)
	for path, ops := range doc.Paths {
		for method := range ops {
			probe := strings.NewReplacer("{id}", "x", "{leadId}", "x", "{token}", "x", "{importId}", "x", "{conversationId}", "x").Replace(path)
			req, _ := http.NewRequest(strings.ToUpper(method), c.URL()+probe, nil)
			if r := c.Send(req); r.Status == 404 && strings.Contains(string(r.Body), "No such endpoint") {
				t.Errorf("%s %s documented but not routed", method, path)
			}
		}
	}
}
