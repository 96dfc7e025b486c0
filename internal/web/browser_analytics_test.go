package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/store"
)

// TestBrowserAnalyticsCharts opens the campaign's Analytics tab, the
// workspace analytics and a mailbox's health on 60 days of sends (seeded
// in bulk as the bench does) and screenshots the charts: each draws its
// bars as SVG with a title, and its numbers as a table.
func TestBrowserAnalyticsCharts(t *testing.T) {
	srv := apptest.Start(t, nil)
	b := startBrowser(t, srv.URL)
	email, _ := b.signUp("Ann")
	scope := workspaceOf(t, srv, email)
	ctx := context.Background()
	bench := store.SendBench{WorkspaceID: scope.WorkspaceID(), Campaigns: 1, Mailboxes: 2, LeadsPerCampaign: 600,
		Now: time.Now().UTC()}
	if err := srv.Store.SeedSendBench(ctx, bench); err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.SeedAnalyticsBench(ctx, bench, 40); err != nil {
		t.Fatal(err)
	}
	campaignID, mailboxID := "00000002-0000-7000-8000-100000000000", "00000001-0000-7000-8000-100000000000"

	for _, page := range []struct{ path, name string }{
		{"/campaigns/" + campaignID + "/analytics", "analytics-campaign"},
		{"/analytics", "analytics-workspace"},
		{"/mailboxes/" + mailboxID + "/health", "analytics-mailbox-health"},
	} {
		b.open(page.path)
		b.waitFor(".chart-svg")
		if n := eval[int](b, `document.querySelectorAll(".chart-svg rect.bar-sent").length`); n == 0 {
			t.Errorf("%s: the chart has no bars of sends", page.path)
		}
		if n := eval[int](b, `document.querySelectorAll(".chart-svg rect title").length`); n == 0 {
			t.Errorf("%s: the bars have no <title>", page.path)
		}
		if n := eval[int](b, `document.querySelectorAll("figure.chart table tbody tr").length`); n == 0 {
			t.Errorf("%s: no table of the chart's numbers", page.path)
		}
		if label := eval[string](b, `document.querySelector(".chart-svg").getAttribute("aria-label")`); label == "" {
			t.Errorf("%s: the chart has no accessible name", page.path)
		}
		b.checkCSP()
		b.screenshot(page.name)
	}
	b.open("/campaigns/" + campaignID + "/analytics")
	if got := b.text(".winner-call"); got == "" {
		t.Error("no winner call under the step")
	}
}
