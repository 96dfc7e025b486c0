package api_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// startWithAITimeout is apptest.Start with AI calls bounded by timeout instead of the
// production bound (45 s), so a test of a slow provider takes seconds. Like apptest.Start
// it uses the real Redis limiter on the Postgres run.
func startWithAITimeout(t *testing.T, env map[string]string, timeout time.Duration) *apptest.Server {
	t.Helper()
	vars := map[string]string{"DATABASE_URL": storetest.URL(t), "LEADBITZ_DATA_DIR": t.TempDir()}
	for k, v := range env {
		vars[k] = v
	}
	ts := httptest.NewUnstartedServer(nil)
	vars["LEADBITZ_BASE_URL"] = "http://" + ts.Listener.Addr().String()
	cfg, err := config.FromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	logs := &apptest.SyncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var limiter ratelimit.Limiter
	if storetest.Dialect() == "postgres" {
		opts, err := redis.ParseURL(storetest.RedisURL())
		if err != nil {
			t.Fatal(err)
		}
		client := redis.NewClient(opts)
		t.Cleanup(func() { client.Close() })
		limiter = ratelimit.NewRedis(client, "leadbitz-test:"+apptest.Unique()+":")
	}
	a, err := app.New(context.Background(), cfg, log, app.Options{Limiter: limiter, AITimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = a.Handler
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		a.Close()
	})
	return &apptest.Server{App: a, URL: ts.URL, Logs: logs}
}
