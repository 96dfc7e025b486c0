package httpserver

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
