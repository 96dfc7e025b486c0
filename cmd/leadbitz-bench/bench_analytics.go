package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/leadbitz/leadbitz/internal/analytics"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() { benches["analytics"] = benchAnalytics }

// benchAnalytics is `leadbitz-bench analytics`: it seeds one campaign (by
// default) with a million campaign leads and three sent steps each (three
// million sends, A/B on step 1), 5 % replies (a third positive), 2 %
// bounces and 0.5 % unsubscribes over 60 days, in bulk SQL, then times
//
//  1. the campaign's report for the last 30 days (GET /api/campaigns/{id}/analytics);
//
//  2. the same over its whole history;
//
//  3. the workspace dashboard's data (GET /api/analytics and the domains'
//     health, what /analytics renders).
//
//     leadbitz-bench analytics                                   # SQLite in a temp dir
//     leadbitz-bench analytics --db postgres://…/empty_db        # Postgres
func benchAnalytics(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench analytics", flag.ContinueOnError)
	dbURL := fs.String("db", "", "database URL (default: a new SQLite file in a temporary directory)")
	campaigns := fs.Int("campaigns", 1, "campaigns")
	perCampaign := fs.Int("leads-per-campaign", 1_000_000, "campaign leads per campaign")
	mailboxes := fs.Int("inboxes", 10, "mailboxes (a multiple of campaigns)")
	days := fs.Int("days", 60, "days of history")
	runs := fs.Int("runs", 5, "timed runs of each report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, cleanup, err := benchStore(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	_, ws, err := benchWorkspace(ctx, st)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	b := store.SendBench{WorkspaceID: ws.ID, Campaigns: *campaigns, Mailboxes: *mailboxes, LeadsPerCampaign: *perCampaign, Now: now}
	start := time.Now()
	if err := st.SeedSendBench(ctx, b); err != nil {
		return err
	}
	if err := st.SeedAnalyticsBench(ctx, b, *days); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: seeded %d campaign leads and %d sends in %d campaign(s) over %d days in %s\n", st.Dialect(),
		*campaigns**perCampaign, 3**campaigns**perCampaign, *campaigns, *days, time.Since(start).Round(time.Second))
	svc := analytics.New(st, env.New(nil, func() time.Time { return now }))
	campaignID := "00000002-0000-7000-8000-100000000000"
	all := now.AddDate(0, 0, -*days).Format(time.DateOnly)
	var check analytics.CampaignReport
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"campaign, last 30 days", func() (err error) {
			check, err = svc.Campaign(ctx, ws.ID, campaignID, analytics.Query{})
			return err
		}},
		{"campaign, whole history", func() (err error) {
			check, err = svc.Campaign(ctx, ws.ID, campaignID, analytics.Query{From: all})
			return err
		}},
		{"workspace dashboard data, last 30 days", func() error {
			if _, err := svc.Workspace(ctx, ws.ID, analytics.Query{}); err != nil {
				return err
			}
			_, err := svc.Domains(ctx, ws.ID, analytics.Query{})
			return err
		}},
	} {
		var times []time.Duration
		for range *runs {
			t0 := time.Now()
			if err := c.run(); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			times = append(times, time.Since(t0))
		}
		slices.Sort(times)
		fmt.Fprintf(stdout, "%-40s median %8s  min %8s  max %8s\n", c.name, times[len(times)/2].Round(time.Millisecond),
			times[0].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
		if c.name == "campaign, whole history" {
			t := check.Totals
			fmt.Fprintf(stdout, "  (whole history: sent %d, replied %d, positive %d, bounced %d, unsubscribed %d)\n",
				t.Sent, t.Replied, t.Positive, t.Bounced, t.Unsubscribed)
		}
	}
	return nil
}
