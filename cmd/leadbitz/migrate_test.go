package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMigrateStatusAndDryRun(t *testing.T) {
	ctx := context.Background()
	vars := map[string]string{"DATABASE_URL": storetest.EmptyURL(t), "LEADBITZ_DATA_DIR": filepath.Join(t.TempDir(), "data")}
	getenv := func(k string) string { return vars[k] }
	latest, err := store.LatestSchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	lastLine := fmt.Sprintf("%04d", latest)
	runOut := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(ctx, args, getenv, &out, &errOut); err != nil {
			t.Fatalf("leadbitz %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
		return out.String()
	}

	for range 2 { // the second time proves the first changed nothing
		if out := runOut("migrate", "--dry-run"); !strings.Contains(out, "would apply") || !strings.Contains(out, "0001_init") ||
			!strings.Contains(out, lastLine+"_") {
			t.Fatalf("dry run on an empty database:\n%s", out)
		}
		if out := runOut("migrate", "--status"); !strings.Contains(out, "pending") || strings.Contains(out, "applied ") {
			t.Fatalf("status of an empty database:\n%s", out)
		}
	}
	runOut("migrate")
	if out := runOut("migrate", "--status"); strings.Contains(out, "pending") || !strings.Contains(out, "up to date") {
		t.Fatalf("status after migrate:\n%s", out)
	}
	if out := runOut("migrate", "--dry-run"); !strings.Contains(out, "nothing to apply") {
		t.Fatalf("dry run after migrate:\n%s", out)
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	// An environment FromEnv refuses: version must not need one.
	bad := func(k string) string { return map[string]string{"LEADBITZ_ADDR": "nonsense"}[k] }
	if err := run(context.Background(), []string{"version"}, bad, &out, &out); err != nil {
		t.Fatal(err)
	}
	latest, _ := store.LatestSchemaVersion()
	for _, want := range []string{"leadbitz ", "commit ", "go ", fmt.Sprintf("schema   %d", latest)} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("version output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestReadyURL(t *testing.T) {
	for addr, want := range map[string]string{
		"0.0.0.0:8080":   "http://127.0.0.1:8080/readyz",
		":8080":          "http://127.0.0.1:8080/readyz",
		"[::]:8080":      "http://127.0.0.1:8080/readyz",
		"127.0.0.1:9000": "http://127.0.0.1:9000/readyz",
		"10.1.2.3:80":    "http://10.1.2.3:80/readyz",
	} {
		if got := readyURL(addr); got != want {
			t.Errorf("readyURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestHealthcheck(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	getenv := func(k string) string { return map[string]string{"LEADBITZ_ADDR": srv.Listener.Addr().String()}[k] }
	var out bytes.Buffer
	if err := run(context.Background(), []string{"healthcheck"}, getenv, &out, &out); err != nil {
		t.Fatalf("a ready server: %v", err)
	}
	status = http.StatusServiceUnavailable
	if err := run(context.Background(), []string{"healthcheck"}, getenv, &out, &out); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("a server not ready: %v", err)
	}
}
