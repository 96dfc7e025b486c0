package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/analytics"
	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() { benches["analytics"] = benchAnalytics }

// benchAnalytics is `leadbitz-bench analytics`: it starts the app (its
// HTTP handler, no scheduler) on the database, signs up, seeds the new
// workspace with one campaign (by default) of a million campaign leads and
// three sent steps each (three million sends, A/B on step 1), 5 % replies
// (a third positive), 2 % bounces and 0.5 % unsubscribes over 60 days, in
// bulk SQL, fills the analytics counters with migration 0022's backfill,
// then times
//
//  1. the campaign's report for the last 30 days, the service alone and
//     GET /api/campaigns/{id}/analytics through the app;
//
//  2. the same report over the whole history;
//
//  3. the workspace dashboard: its data (GET /api/analytics and the
//     domains' health) and the /analytics page rendered by the app.
//
//     leadbitz-bench analytics                                   # SQLite in a temp dir
//     leadbitz-bench analytics --db postgres://…/empty_db        # Postgres
func benchAnalytics(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench analytics", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	campaigns := fs.Int("campaigns", 1, "campaigns")
	perCampaign := fs.Int("leads-per-campaign", 1_000_000, "campaign leads per campaign")
	mailboxes := fs.Int("inboxes", 10, "mailboxes (a multiple of campaigns)")
	days := fs.Int("days", 60, "days of history")
	runs := fs.Int("runs", 5, "timed runs of each report")
	reuse := fs.Bool("reuse", false, "time the reports on a database a previous run seeded (with --db; no seeding)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "leadbitz-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if *dbURL == "" {
		*dbURL = "sqlite://" + dir + "/bench.db"
	}
	st, cleanup, err := benchStore(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	web, ws, err := benchApp(ctx, *dbURL, dir)
	if err != nil {
		return err
	}
	defer web.close()
	now := time.Now().UTC()
	if *reuse {
		if ws, err = web.signInToSeeded(ctx, st); err != nil {
			return err
		}
		return timeAnalytics(ctx, st, web, ws, now, *days, *runs, stdout)
	}

	b := store.SendBench{WorkspaceID: ws, Campaigns: *campaigns, Mailboxes: *mailboxes, LeadsPerCampaign: *perCampaign, Now: now}
	start := time.Now()
	if err := st.SeedSendBench(ctx, b); err != nil {
		return err
	}
	if err := st.SeedAnalyticsBenchRows(ctx, b, *days); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: seeded %d campaign leads and %d sends in %d campaign(s) over %d days in %s\n", st.Dialect(),
		*campaigns**perCampaign, 3**campaigns**perCampaign, *campaigns, *days, time.Since(start).Round(time.Second))
	start = time.Now()
	if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.InWorkspace(ws).RebuildAnalytics(ctx) }); err != nil {
		return err
	}
	if err := st.AnalyzeAnalyticsBench(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "counters backfilled (migration 0022's SQL) in %s\n", time.Since(start).Round(time.Millisecond))
	return timeAnalytics(ctx, st, web, ws, now, *days, *runs, stdout)
}

// timeAnalytics times the reports of the seeded campaign and workspace.
func timeAnalytics(ctx context.Context, st *store.Store, web *benchWeb, ws string, now time.Time, days, runs int, stdout io.Writer) error {
	campaignRows, mailboxRows, err := st.AnalyticsCounterRows(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "counter rows: %d per campaign, step, variant and slot; %d per mailbox and slot\n", campaignRows, mailboxRows)
	svc := analytics.New(st, env.New(nil, func() time.Time { return now }))
	campaignID := "00000002-0000-7000-8000-100000000000"
	all := now.AddDate(0, 0, -days).Format(time.DateOnly)
	var check analytics.CampaignReport
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"campaign, last 30 days (service)", func() (err error) {
			check, err = svc.Campaign(ctx, ws, campaignID, analytics.Query{})
			return err
		}},
		{"campaign, last 30 days (API)", func() error {
			return web.get("/api/campaigns/"+campaignID+"/analytics", &check)
		}},
		{"campaign, whole history (API)", func() error {
			return web.get("/api/campaigns/"+campaignID+"/analytics?from="+all, &check)
		}},
		{"dashboard data, 30 days (service)", func() error {
			if _, err := svc.Workspace(ctx, ws, analytics.Query{}); err != nil {
				return err
			}
			_, err := svc.Domains(ctx, ws, analytics.Query{})
			return err
		}},
		{"workspace report (API /api/analytics)", func() error { return web.get("/api/analytics", &map[string]any{}) }},
		{"domains' health (API)", func() error { return web.get("/api/analytics/domains", &map[string]any{}) }},
		{"dashboard page /analytics (rendered)", func() error { return web.get("/analytics", nil) }},
		// The same layout (alerts strip, navigation) without analytics: what
		// every page of the workspace costs.
		{"for comparison: page /settings", func() error { return web.get("/settings", nil) }},
	} {
		var times []time.Duration
		for range runs {
			t0 := time.Now()
			if err := c.run(); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			times = append(times, time.Since(t0))
		}
		slices.Sort(times)
		fmt.Fprintf(stdout, "%-40s median %8s  min %8s  max %8s\n", c.name, times[len(times)/2].Round(time.Millisecond),
			times[0].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
		if c.name == "campaign, whole history (API)" {
			t := check.Totals
			fmt.Fprintf(stdout, "  (whole history: sent %d, replied %d, positive %d, bounced %d, unsubscribed %d)\n",
				t.Sent, t.Replied, t.Positive, t.Bounced, t.Unsubscribed)
		}
	}
	return nil
}

// benchWeb is the app's handler behind httptest with a signed-up account.
type benchWeb struct {
	srv    *httptest.Server
	client *http.Client
	close  func()
}

// benchApp starts the app's HTTP handler (no scheduler, no background
// work) on the database and signs up; it returns the new workspace's id.
func benchApp(ctx context.Context, dbURL, dir string) (*benchWeb, string, error) {
	ts := httptest.NewUnstartedServer(nil)
	settings := map[string]string{"DATABASE_URL": dbURL, "LEADBITZ_DATA_DIR": dir + "/data", "LEADBITZ_SCHEDULER": "off",
		"LEADBITZ_BASE_URL": "http://" + ts.Listener.Addr().String()}
	cfg, err := config.FromEnv(func(k string) string { return settings[k] })
	if err != nil {
		return nil, "", err
	}
	a, err := app.New(ctx, cfg, env.New(nil, time.Now), app.Options{SkipMigrate: true})
	if err != nil {
		return nil, "", err
	}
	ts.Config.Handler = a.Handler
	ts.Start()
	jar, _ := cookiejar.New(nil)
	w := &benchWeb{srv: ts, client: &http.Client{Jar: jar}, close: func() { ts.Close(); a.Close() }}
	body, _ := json.Marshal(map[string]string{"email": "bench-" + store.NewID() + "@example.com",
		"password": "bench-password-" + store.NewID(), "name": "Bench"})
	resp, err := w.client.Post(ts.URL+"/api/auth/signup", "application/json", bytes.NewReader(body))
	if err != nil {
		w.close()
		return nil, "", err
	}
	defer resp.Body.Close()
	var out struct {
		Workspace struct{ ID string } `json:"workspace"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		w.close()
		return nil, "", fmt.Errorf("sign up: %s %v", resp.Status, err)
	}
	return w, out.Workspace.ID, nil
}

// get fetches a path, decoding JSON into out when set (the page is read to
// its end otherwise).
func (w *benchWeb) get(path string, out any) error {
	req, err := http.NewRequest("GET", w.srv.URL+path, nil)
	if err != nil {
		return err
	}
	if out != nil {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		return fmt.Errorf("GET %s: %s %s", path, resp.Status, msg)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// signInToSeeded gives the client a session of the owner of the workspace
// a previous run seeded (the one holding the bench campaign), and returns
// that workspace's id.
func (w *benchWeb) signInToSeeded(ctx context.Context, st *store.Store) (string, error) {
	ws, user, err := st.AnalyticsBenchOwner(ctx, "00000002-0000-7000-8000-100000000000")
	if err != nil {
		return "", fmt.Errorf("no seeded workspace (run once without --reuse): %w", err)
	}
	token := "bench-" + store.NewID()
	now := time.Now()
	if err := st.CreateSession(ctx, &store.Session{TokenHash: account.HashToken(token), UserID: user, WorkspaceID: ws,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		return "", err
	}
	u, _ := url.Parse(w.srv.URL)
	w.client.Jar.SetCookies(u, []*http.Cookie{{Name: httpserver.SessionCookie, Value: token, Path: "/"}})
	return ws, nil
}
