package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// replica is one `serve` process of a scaled-out installation.
type replica struct {
	*app.App
	url string
}

// startReplicas runs n apps as separate processes would: each its own
// database pool, its own Redis client (the same key prefix: one Redis), its
// own data directory, the same key and database, the scheduler on.
func startReplicas(t *testing.T, n int, settings map[string]string) []replica {
	t.Helper()
	dbURL := storetest.EmptyURL(t) // migrated by the replicas themselves, at once
	prefix := "leadbitz-test:" + apptest.Unique() + ":"
	ctx, stop := context.WithCancel(context.Background())
	var (
		replicas = make([]replica, n)
		started  sync.WaitGroup
		failures = make(chan error, n)
		served   sync.WaitGroup
	)
	for i := range replicas {
		started.Add(1)
		go func() {
			defer started.Done()
			vars := map[string]string{"DATABASE_URL": dbURL, "LEADBITZ_DATA_DIR": t.TempDir(),
				"LEADBITZ_SECRET_KEY": "cmVwbGljYXMtc2hhcmUtb25lLWtleS0zMi1ieXRlcyE=", "LEADBITZ_ADDR": "127.0.0.1:0"}
			for k, v := range settings {
				vars[k] = v
			}
			cfg, err := config.FromEnv(func(k string) string { return vars[k] })
			if err != nil {
				failures <- err
				return
			}
			opts, err := redis.ParseURL(storetest.RedisURL())
			if err != nil {
				failures <- err
				return
			}
			client := redis.NewClient(opts)
			t.Cleanup(func() { client.Close() })
			a, err := app.New(ctx, cfg, env.New(nil, nil), app.Options{Limiter: ratelimit.NewRedis(client, prefix)})
			if err != nil {
				failures <- fmt.Errorf("replica %d: %w", i, err)
				return
			}
			replicas[i].App = a
		}()
	}
	started.Wait()
	close(failures)
	for err := range failures {
		t.Fatal(err)
	}
	for i := range replicas {
		ready := make(chan app.Listening, 1)
		served.Add(1)
		go func() {
			defer served.Done()
			if err := replicas[i].Serve(ctx, ready); err != nil {
				t.Errorf("replica %d: %v", i, err)
			}
		}()
		select {
		case l := <-ready:
			replicas[i].url = "http://" + l.Addr
		case <-time.After(30 * time.Second):
			t.Fatalf("replica %d did not listen", i)
		}
	}
	t.Cleanup(func() {
		stop()
		served.Wait()
		for _, r := range replicas {
			r.Close()
		}
	})
	return replicas
}

// Two replicas of the app on one Postgres and one Redis: they migrate the
// empty database together, one of them leads the periodic work (each task
// is enqueued once), due sends are sent once whichever replica ticks, and
// the rate limits and sessions are the same on both.
func TestReplicasShareLeadershipTicksAndLimits(t *testing.T) {
	if storetest.Dialect() != "postgres" {
		t.Skip("replicas share a Postgres database (SQLite is one process's file)")
	}
	rs := startReplicas(t, 2, map[string]string{"LEADBITZ_SIGNUPS_PER_IP_HOUR": "2"})
	ctx := context.Background()
	db := rs[0].Store.DB()

	t.Run("one leader runs the periodic tasks", func(t *testing.T) {
		// account_upkeep runs hourly, and once at the start of a leader.
		deadline := time.Now().Add(60 * time.Second)
		ticker := time.NewTicker(100 * time.Millisecond)
		defer ticker.Stop()
		for {
			var done int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job
				WHERE kind = 'leadbitz_periodic_task' AND args->>'name' = 'account_upkeep' AND state = 'completed'`).Scan(&done); err != nil {
				t.Fatal(err)
			}
			if done > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the hourly task never ran")
			}
			<-ticker.C
		}
		var leaders int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_leader`).Scan(&leaders); err != nil {
			t.Fatal(err)
		}
		if leaders != 1 {
			t.Errorf("%d leaders, want 1", leaders)
		}
		rows, err := db.QueryContext(ctx, `SELECT args->>'name', COUNT(*) FROM river_job
			WHERE kind = 'leadbitz_periodic_task' AND args->>'name' IN ('account_upkeep') GROUP BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			var n int
			if err := rows.Scan(&name, &n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("the hourly task %s was enqueued %d times by two replicas, want once", name, n)
			}
		}
	})

	t.Run("due sends go out once, whichever replica ticks", func(t *testing.T) {
		st := rs[0].Store
		u := store.User{Email: "replicas-" + apptest.Unique() + "@example.com", Name: "R", PasswordHash: "-"}
		ws := store.Workspace{Name: "replicas", FooterAddress: "1 Replica Street, Springfield"}
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			return tx.CreateWorkspace(ctx, &ws, u.ID)
		}); err != nil {
			t.Fatal(err)
		}
		const mailboxes = 40
		if err := st.SeedSendBench(ctx, store.SendBench{WorkspaceID: ws.ID, Campaigns: 4, Mailboxes: mailboxes,
			LeadsPerCampaign: 20, Now: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
		ids, err := st.LiftBenchMailboxLimits(ctx, store.ProviderSandbox)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if err := st.InWorkspace(ws.ID).CreateSandboxMailbox(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		due, err := st.MakeBenchJobsDue(ctx, mailboxes, time.Now().UTC().Add(-time.Minute))
		if err != nil || due != mailboxes {
			t.Fatalf("made %d jobs due (%v), want %d", due, err, mailboxes)
		}
		// Both replicas tick at once, twice (the scheduler's own tick may
		// join them: it is one more replica ticking).
		results := make([]sending.Result, 2*len(rs))
		var wg sync.WaitGroup
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := rs[i%len(rs)].Sending.Engine.Tick(ctx)
				if err != nil {
					t.Errorf("tick on replica %d: %v", i%len(rs), err)
				}
				results[i] = res
			}()
		}
		wg.Wait()
		var sentJobs, copies int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM send_jobs WHERE workspace_id = $1 AND status = 'sent'`, ws.ID).Scan(&sentJobs); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sandbox_messages WHERE workspace_id = $1 AND folder = 'sent'`, ws.ID).Scan(&copies); err != nil {
			t.Fatal(err)
		}
		if sentJobs != mailboxes || copies != mailboxes {
			t.Errorf("%d due jobs: %d marked sent, %d messages delivered (ticks: %+v); want each sent once", mailboxes, sentJobs, copies, results)
		}
	})

	t.Run("rate limits and sessions are shared", func(t *testing.T) {
		jar, err := cookiejar.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		client := &http.Client{Jar: jar, Timeout: 30 * time.Second}
		signup := func(r replica) int {
			body, _ := json.Marshal(map[string]string{"email": "limit-" + apptest.Unique() + "@example.com",
				"password": "pw-" + apptest.Unique() + "-long", "name": "L"})
			resp, err := client.Post(r.url+"/api/auth/signup", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		// LEADBITZ_SIGNUPS_PER_IP_HOUR=2: one signup on each replica uses
		// the address's allowance; a third, on either, is refused.
		if a, b := signup(rs[0]), signup(rs[1]); a != http.StatusCreated || b != http.StatusCreated {
			t.Fatalf("signups: %d on replica 0, %d on replica 1", a, b)
		}
		for i, r := range rs {
			if got := signup(r); got != http.StatusTooManyRequests {
				t.Errorf("third signup from the address on replica %d: %d, want 429 (the limit counted on both)", i, got)
			}
		}
		// The last signup's session, made on replica 1, works on replica 0.
		resp, err := client.Get(rs[0].url + "/api/me")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("a session made on replica 1 on replica 0: %d", resp.StatusCode)
		}
	})
}
