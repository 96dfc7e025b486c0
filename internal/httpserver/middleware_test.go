package httpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
)

// The access log names the route pattern, never the path or the query: an
// unsubscribe link's token must not end up in the logs.
func TestAccessLogOmitsPathAndQuery(t *testing.T) {
	var logs bytes.Buffer
	mux := http.NewServeMux()
	mux.HandleFunc("GET /u/{token}", func(w http.ResponseWriter, r *http.Request) {})
	h := Observe(mux, slog.New(slog.NewJSONHandler(&logs, nil)), nil, func(http.ResponseWriter, *http.Request) {})
	for _, target := range []string{"/u/tok3n-s3cr3t-value?x=qu3ry-s3cr3t", "/nope/tok3n-s3cr3t-value?x=qu3ry-s3cr3t"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", target, nil))
	}
	out := logs.String()
	for _, secret := range []string{"tok3n-s3cr3t-value", "qu3ry-s3cr3t"} {
		if strings.Contains(out, secret) {
			t.Errorf("the access log holds %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{`"route":"GET /u/{token}"`, `"route":"unmatched"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the access log lacks %s:\n%s", want, out)
		}
	}
}

// A line a service logs while serving a request names the request and, once
// the caller is known, the workspace, without the service passing them.
func TestServiceLogsCarryTheRequestAndWorkspace(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(env.LogHandler(slog.NewJSONHandler(&logs, nil)))
	service := func(ctx context.Context) { log.InfoContext(ctx, "service line") }
	mux := http.NewServeMux()
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
		r = Identified(r, account.Principal{User: store.User{ID: "u1"}, WorkspaceID: "w1"})
		service(r.Context())
	})
	h := Observe(mux, log, nil, func(http.ResponseWriter, *http.Request) {})
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("X-Request-Id", "req-12345678")
	h.ServeHTTP(httptest.NewRecorder(), req)
	var line map[string]any
	for l := range strings.SplitSeq(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if m["msg"] == "service line" {
			line = m
		}
	}
	if line["request_id"] != "req-12345678" || line["workspace_id"] != "w1" {
		t.Fatalf("service line %v lacks the request or workspace id:\n%s", line, logs.String())
	}
}
