package app_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// With LEADBITZ_METRICS_ADDR, /metrics is served on that listener (behind
// the token when one is set too) and not on the main address.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	vars := map[string]string{
		"DATABASE_URL": storetest.URL(t), "LEADBITZ_DATA_DIR": t.TempDir(), "LEADBITZ_SCHEDULER": "off",
		"LEADBITZ_ADDR": "127.0.0.1:0", "LEADBITZ_METRICS_ADDR": "127.0.0.1:0", "LEADBITZ_METRICS_TOKEN": "m3trics-token",
	}
	cfg, err := config.FromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, env.New(nil, nil), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan app.Listening, 1)
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ready) }()
	var at app.Listening
	select {
	case at = <-ready:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	get := func(addr, token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+addr+"/metrics", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if at.MetricsAddr == "" || at.MetricsAddr == at.Addr {
		t.Fatalf("listening at %+v: no metrics listener of their own", at)
	}
	if status, _ := get(at.Addr, "m3trics-token"); status != 404 {
		t.Errorf("metrics on the main address: %d, want 404", status)
	}
	if status, _ := get(at.MetricsAddr, ""); status != 401 {
		t.Errorf("metrics listener without the token: %d, want 401", status)
	}
	if status, body := get(at.MetricsAddr, "m3trics-token"); status != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics listener: %d %.200s", status, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after shutdown: %v", err)
	}
}
