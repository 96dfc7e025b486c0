package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// analyticsCampaign sends step 1 of an A/B campaign to 8 leads from the
// sandbox mailbox, then: three leads reply (two are categorised
// interested and meeting_request, one not_interested) and two hard-bounce.
// It returns the campaign id, the mailbox id and the numbers each variant
// must show, read from what the sandbox actually sent.
func analyticsCampaign(t *testing.T) (*apptest.Server, *apptest.Account, string, string, string, map[string]map[string]int) {
	t.Helper()
	zone := apptest.DaytimeZone(t, time.Now())
	srv, owner, mailboxID := sendingServer(t)
	var leads []string
	for i := range 8 {
		leads = append(leads, createLead(t, owner, fmt.Sprintf("lead%d@acme.test", i), "Lead"))
	}
	cid := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Known numbers", "timezone": zone,
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Variant A {{firstName}}", "body": "Hello.", "variants": []map[string]string{{"subject": "Variant B {{firstName}}", "body": "Hi."}}},
		{"delayDays": 3, "body": "Bump."}}})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/leads", map[string]any{"leadIds": leads})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/launch", nil)
	if res := cronTick(t, srv); res["sent"].(float64) != 8 {
		t.Fatalf("tick: %v", res)
	}
	want := map[string]map[string]int{"A": {}, "B": {}}
	variantOf := map[string]string{}
	msgOf := map[string]string{}
	for _, m := range owner.Must(200, "GET", "/api/inboxes/"+mailboxID+"/sandbox/messages?limit=200", nil).Map(t)["items"].([]any) {
		m := m.(map[string]any)
		v := strings.TrimPrefix(strings.Fields(m["subject"].(string))[1], "")
		variantOf[m["to"].(string)], msgOf[m["to"].(string)] = v, m["messageId"].(string)
		want[v]["sent"]++
	}
	if want["A"]["sent"] == 0 || want["B"]["sent"] == 0 {
		t.Fatalf("the split sent no lead one variant: %v", want)
	}
	reply := func(addr, body string) {
		owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]string{"from": addr,
			"subject": "Re: hello", "body": body, "inReplyTo": msgOf[addr]})
		want[variantOf[addr]]["replied"]++
	}
	bounce := func(addr string) {
		owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]any{"from": "mailer-daemon@sender.test",
			"subject": "Undelivered Mail Returned to Sender", "inReplyTo": msgOf[addr],
			"body":    "<" + addr + ">: host mx.acme.test said: 550 5.1.1 User unknown",
			"headers": map[string]string{"X-Failed-Recipients": addr, "Auto-Submitted": "auto-replied"}})
		want[variantOf[addr]]["bounced"]++
	}
	reply("lead0@acme.test", "Sounds good, what does it cost?")
	reply("lead1@acme.test", "Can we talk on Tuesday?")
	reply("lead2@acme.test", "We already have a provider.")
	bounce("lead3@acme.test")
	bounce("lead4@acme.test")
	syncMailboxes(t, srv)
	categories := map[string]string{"lead0@acme.test": "interested", "lead1@acme.test": "meeting_request",
		"lead2@acme.test": "not_interested"}
	for _, c := range owner.Must(200, "GET", "/api/replies?campaignId="+cid, nil).Map(t)["items"].([]any) {
		c := c.(map[string]any)
		addr := c["lead"].(map[string]any)["email"].(string)
		cat, ok := categories[addr]
		if !ok {
			continue
		}
		owner.Must(200, "POST", "/api/replies/"+c["id"].(string)+"/categorize", map[string]string{"category": cat})
		if cat != "not_interested" {
			want[variantOf[addr]]["positive"]++
		}
		delete(categories, addr)
	}
	if len(categories) != 0 {
		t.Fatalf("no conversation for %v", categories)
	}
	return srv, owner, cid, mailboxID, zone, want
}

// TestCampaignAnalyticsShowsKnownNumbers is the "done when" on the
// API: a sandbox campaign with known sends, replies and bounces shows
// exactly those numbers, per variant and in total, in the daily series,
// and in the workspace report.
func TestCampaignAnalyticsShowsKnownNumbers(t *testing.T) {
	_, owner, cid, mailboxID, zone, want := analyticsCampaign(t)
	rep := owner.Must(200, "GET", "/api/campaigns/"+cid+"/analytics", nil).Map(t)
	if rep["campaignId"] != cid || rep["timezone"] != zone {
		t.Fatalf("report head: %v", rep)
	}
	num := func(m map[string]any, k string) int { return int(m[k].(float64)) }
	totals := rep["totals"].(map[string]any)
	for k, n := range map[string]int{"sent": 8, "delivered": 6, "replied": 3, "positive": 2, "bounced": 2, "unsubscribed": 0} {
		if num(totals, k) != n {
			t.Errorf("totals.%s = %v, want %d", k, totals[k], n)
		}
	}
	if r := totals["replyRate"].(map[string]any); r["value"].(float64) != 0.5 || r["low"].(float64) >= 0.5 || r["high"].(float64) <= 0.5 {
		t.Errorf("replyRate 3 of 6 delivered: %v", r)
	}
	steps := rep["steps"].([]any)
	if len(steps) != 1 {
		t.Fatalf("steps: %v", steps)
	}
	step := steps[0].(map[string]any)
	for _, v := range step["variants"].([]any) {
		v := v.(map[string]any)
		w := want[v["variant"].(string)]
		for _, k := range []string{"sent", "replied", "positive", "bounced"} {
			if num(v, k) != w[k] {
				t.Errorf("variant %s %s = %v, want %d", v["variant"], k, v[k], w[k])
			}
		}
		if num(v, "delivered") != w["sent"]-w["bounced"] {
			t.Errorf("variant %s delivered = %v", v["variant"], v["delivered"])
		}
	}
	winner := step["winner"].(map[string]any)
	if winner["tooEarly"] != true || num(winner, "sendsNeeded") != 200-8 {
		t.Errorf("winner with 8 sends: %v", winner)
	}
	today := time.Now().In(mustZone(t, zone)).Format(time.DateOnly)
	daily := rep["daily"].([]any)
	last := daily[len(daily)-1].(map[string]any)
	if len(daily) != 30 || last["date"] != today || num(last, "sent") != 8 || num(last, "replied") != 3 ||
		num(last, "positive") != 2 || num(last, "bounced") != 2 {
		t.Errorf("daily: %d days, last %v (today %s)", len(daily), last, today)
	}

	ws := owner.Must(200, "GET", "/api/analytics", nil).Map(t)
	if wt := ws["totals"].(map[string]any); num(wt, "sent") != 8 || num(wt, "replied") != 3 || num(wt, "positive") != 2 || num(wt, "bounced") != 2 {
		t.Errorf("workspace totals: %v", wt)
	}
	if cs := ws["campaigns"].([]any); len(cs) != 1 || cs[0].(map[string]any)["name"] != "Known numbers" {
		t.Errorf("workspace campaigns: %v", cs)
	}

	// The page and the CSV show the same numbers.
	page := owner.Must(200, "GET", "/campaigns/"+cid+"/analytics", nil)
	row := `<tr class="totals-row"><th scope="row">All steps</th><td class="num" data-k="sent">8</td>` +
		`<td class="num" data-k="delivered">6</td><td class="num" data-k="replied">3</td><td class="num" data-k="positive">2</td>` +
		`<td class="num" data-k="bounced">2</td><td class="num" data-k="unsubscribed">0</td>`
	if body := string(page.Body); !strings.Contains(body, row) || !strings.Contains(body, "<svg") || !strings.Contains(body, "Too early") {
		t.Errorf("the analytics page lacks the totals row %s, the chart or the call:\n%s", row, body)
	}
	csvRows := readCSV(t, owner.Must(200, "GET", "/campaigns/"+cid+"/analytics.csv?table=variants", nil).Body)
	for _, r := range csvRows[1:] {
		w := map[string]int{"sent": 8, "replied": 3, "positive": 2, "bounced": 2}
		if r[0] != "all" {
			w = want[r[1]]
		}
		for i, k := range []string{"sent", "", "replied", "positive", "bounced"} {
			if k != "" && r[2+i] != fmt.Sprint(w[k]) {
				t.Errorf("CSV row %v: %s = %s, want %d", r, k, r[2+i], w[k])
			}
		}
	}
	if len(csvRows) != 4 {
		t.Errorf("CSV rows: %v", csvRows)
	}
	dailyCSV := readCSV(t, owner.Must(200, "GET", "/campaigns/"+cid+"/analytics.csv?table=daily", nil).Body)
	if last := dailyCSV[len(dailyCSV)-1]; last[0] != today || last[1] != "8" || last[2] != "3" || last[3] != "2" || last[4] != "2" {
		t.Errorf("daily CSV's last day: %v", last)
	}
	dash := string(owner.Must(200, "GET", "/analytics", nil).Body)
	if !strings.Contains(dash, `data-k="sent">8<`) || !strings.Contains(dash, `data-k="positive">2<`) {
		t.Errorf("the workspace dashboard lacks the numbers")
	}

	// Only what counts as positive changes the positive numbers.
	owner.Must(422, "PUT", "/api/analytics/settings", map[string]any{"positiveCategories": []string{"great"}})
	owner.Must(200, "PUT", "/api/analytics/settings", map[string]any{"positiveCategories": []string{"interested"}})
	rep = owner.Must(200, "GET", "/api/campaigns/"+cid+"/analytics", nil).Map(t)
	if n := num(rep["totals"].(map[string]any), "positive"); n != 1 {
		t.Errorf("positive with interested only: %d, want 1", n)
	}

	// The mailbox's health counts the same sends and bounces.
	h := owner.Must(200, "GET", "/api/inboxes/"+mailboxID+"/health", nil).Map(t)
	l7 := h["last7Days"].(map[string]any)
	if num(l7, "sent") != 8 || num(l7, "bounced") != 2 || num(l7, "replied") != 3 {
		t.Errorf("mailbox last 7 days: %v", l7)
	}
	if hb := h["health"].(map[string]any); hb["band"] != "good" || !strings.Contains(hb["rule"].(string), "too few") {
		t.Errorf("health of 8 sends: %v", hb)
	}
	if body := string(owner.Must(200, "GET", "/mailboxes/"+mailboxID+"/health", nil).Body); !strings.Contains(body, "<svg") ||
		!strings.Contains(body, "8 sent, 2 bounced") {
		t.Errorf("the mailbox health page lacks the chart or the numbers")
	}
	if h := readCSV(t, owner.Must(200, "GET", "/mailboxes/"+mailboxID+"/health.csv", nil).Body); h[len(h)-1][1] != "8" {
		t.Errorf("mailbox health CSV's last day: %v", h[len(h)-1])
	}
	doms := owner.Must(200, "GET", "/api/analytics/domains", nil).Map(t)["domains"].([]any)
	if len(doms) != 1 || doms[0].(map[string]any)["domain"] != "sender.test" {
		t.Errorf("domains: %v", doms)
	}

	// A window before the sends has none of them.
	old := time.Now().AddDate(0, 0, -40).Format(time.DateOnly)
	rep = owner.Must(200, "GET", "/api/campaigns/"+cid+"/analytics?from="+old+"&to="+old, nil).Map(t)
	if n := num(rep["totals"].(map[string]any), "sent"); n != 0 || len(rep["daily"].([]any)) != 1 {
		t.Errorf("a day 40 days ago: sent %d, %d days", n, len(rep["daily"].([]any)))
	}
	owner.Must(422, "GET", "/api/campaigns/"+cid+"/analytics?from=yesterday", nil)
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, body)
	}
	return rows
}
