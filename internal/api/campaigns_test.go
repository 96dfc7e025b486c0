package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// sendingServer starts the app with cron routes on and a workspace owning
// a sandbox mailbox that sends at once (no ramp, no gap) every day.
func sendingServer(t *testing.T) (*apptest.Server, *apptest.Account, string) {
	t.Helper()
	srv := apptest.Start(t, map[string]string{"CRON_SECRET": "cron-secret", "LEADBITZ_SCHEDULER": "off"})
	owner := srv.SignUp(t, "Owner").AddPostalAddress()
	mailbox := owner.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "Sales@Sender.test", "displayName": "Sam"}).Map(t)
	id := mailbox["id"].(string)
	if mailbox["email"] != "sales@sender.test" || mailbox["provider"] != "sandbox" || mailbox["dailyCap"].(float64) != 30 ||
		mailbox["rampStart"].(float64) != 5 || mailbox["minGapSeconds"].(float64) != 600 || mailbox["todayLimit"].(float64) != 5 {
		t.Fatalf("new sandbox mailbox does not have the safe defaults: %v", mailbox)
	}
	owner.Must(200, "PATCH", "/api/inboxes/"+id, map[string]any{"dailyCap": 10, "rampStart": 0, "minGapSeconds": 0})
	return srv, owner, id
}

func cronTick(t *testing.T, srv *apptest.Server) map[string]any {
	t.Helper()
	c := srv.Client(t)
	c.Headers["Authorization"] = "Bearer cron-secret"
	return c.Must(200, "POST", "/api/cron/tick", nil).Map(t)
}

func createLead(t *testing.T, owner *apptest.Account, email, first string) string {
	t.Helper()
	return owner.Must(201, "POST", "/api/leads", map[string]string{"email": email, "firstName": first, "company": "Acme"}).Map(t)["id"].(string)
}

func TestCampaignFromDraftToSentOverHTTP(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	ann := createLead(t, owner, "ann@acme.test", "Ann")
	bob := createLead(t, owner, "bob@acme.test", "Bob")
	anon := createLead(t, owner, "anon@acme.test", "")
	gone := createLead(t, owner, "gone@acme.test", "Gone")
	owner.Must(201, "POST", "/api/suppressions", map[string]string{"email": "gone@acme.test", "reason": "manual"})

	r := owner.Do("POST", "/api/campaigns", map[string]any{"name": "", "timezone": "Mars/Olympus", "sendDays": []int{8},
		"sendStart": "17:00", "sendEnd": "09:00", "inboxIds": []string{"nope"}})
	if r.Status != 422 {
		t.Fatalf("invalid campaign: %d %s", r.Status, r.Body)
	}
	for _, f := range []string{"name", "timezone", "sendDays", "sendEnd", "inboxIds"} {
		if !strings.Contains(string(r.Body), `"`+f+`"`) {
			t.Errorf("422 does not name field %s: %s", f, r.Body)
		}
	}
	c := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Q1", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "stopOnReply": true,
		"inboxIds": []string{mailboxID}}).Map(t)
	id := c["id"].(string)
	if c["status"] != "draft" || c["sendEnd"] != "24:00" {
		t.Fatalf("new campaign: %v", c)
	}

	// A template error is a 422 that says where.
	r = owner.Do("PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{
		{"delayDays": 0, "subject": "Hi", "body": "Hello\n{{firstNam}} there"}}})
	if r.Status != 422 || r.ErrorCode() != "invalid_template" {
		t.Fatalf("bad template: %d %s", r.Status, r.Body)
	}
	var bad struct {
		Error struct {
			Details struct {
				Fields         map[string]string `json:"fields"`
				TemplateErrors []struct {
					Step, Line, Column int
					Field, Variant     string
				} `json:"templateErrors"`
			} `json:"details"`
		} `json:"error"`
	}
	r.JSON(t, &bad)
	te := bad.Error.Details.TemplateErrors
	if len(te) != 1 || te[0].Step != 1 || te[0].Field != "body" || te[0].Line != 2 || te[0].Column != 3 ||
		bad.Error.Details.Fields["steps[0].body"] == "" {
		t.Fatalf("template error position: %s", r.Body)
	}

	seq := map[string]any{"steps": []map[string]any{
		{"delayDays": 0, "subject": "Hi {{firstName}}", "body": "Hello {{firstName}} at {{company}}"},
		{"delayDays": 3, "delayMinutes": 30, "subject": "", "body": "Following up, {{firstName | \"friend\"}}",
			"variants": []map[string]string{{"subject": "", "body": "Any thoughts, {{firstName | \"friend\"}}?"}}},
	}}
	got := owner.Must(200, "PUT", "/api/campaigns/"+id+"/sequence", seq).Map(t)
	steps := got["steps"].([]any)
	if len(steps) != 2 || len(steps[1].(map[string]any)["variants"].([]any)) != 1 {
		t.Fatalf("saved sequence: %v", got)
	}

	add := owner.Must(200, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{ann, bob, anon, gone, ann}}).Map(t)
	if add["added"].(float64) != 3 || add["skippedSuppressed"].(float64) != 1 || add["skippedDuplicate"].(float64) != 1 {
		t.Fatalf("add leads: %v", add)
	}
	again := owner.Must(200, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{bob}}).Map(t)
	if again["added"].(float64) != 0 || again["skippedDuplicate"].(float64) != 1 {
		t.Fatalf("adding a lead twice: %v", again)
	}

	// {{firstName}} has no fallback and anon has no first name.
	r = owner.Do("POST", "/api/campaigns/"+id+"/launch", nil)
	if r.Status != 409 || r.ErrorCode() != "launch_blocked" {
		t.Fatalf("launch with a lead missing a field: %d %s", r.Status, r.Body)
	}
	var blocked struct {
		Error struct {
			Details struct {
				Leads []struct {
					LeadID string   `json:"leadId"`
					Fields []string `json:"fields"`
				} `json:"leadsMissingFields"`
				Count int `json:"leadsMissingFieldsCount"`
			} `json:"details"`
		} `json:"error"`
	}
	r.JSON(t, &blocked)
	if d := blocked.Error.Details; d.Count != 1 || len(d.Leads) != 1 || d.Leads[0].LeadID != anon || d.Leads[0].Fields[0] != "firstName" {
		t.Fatalf("launch refusal lists: %s", r.Body)
	}
	seq["steps"].([]map[string]any)[0]["subject"] = `Hi {{firstName | "there"}}`
	seq["steps"].([]map[string]any)[0]["body"] = `Hello {{firstName | "there"}} at {{company}}`
	owner.Must(200, "PUT", "/api/campaigns/"+id+"/sequence", seq)
	launched := owner.Must(200, "POST", "/api/campaigns/"+id+"/launch", nil).Map(t)
	if launched["status"] != "active" || launched["launchedAt"] == nil {
		t.Fatalf("launched: %v", launched)
	}
	if r := owner.Do("POST", "/api/campaigns/"+id+"/launch", nil); r.Status != 409 || r.ErrorCode() != "invalid_transition" {
		t.Fatalf("second launch: %d %s", r.Status, r.Body)
	}
	// Steps cannot be reordered while it runs (see sequence_edit_test.go).
	swapped := map[string]any{"steps": []map[string]any{{"position": 2, "subject": "x", "body": "y"}, {"position": 1, "subject": "x", "body": "y"}}}
	if r := owner.Do("PUT", "/api/campaigns/"+id+"/sequence", swapped); r.Status != 409 || r.ErrorCode() != "reorder_refused" {
		t.Fatalf("reorder of a running campaign: %d %s", r.Status, r.Body)
	}

	tick := cronTick(t, srv)
	if tick["sent"].(float64) != 3 {
		t.Fatalf("tick: %v", tick)
	}
	msgs := owner.Must(200, "GET", "/api/inboxes/"+mailboxID+"/sandbox/messages", nil).Map(t)["items"].([]any)
	if len(msgs) != 3 {
		t.Fatalf("sandbox sent %d messages, want 3", len(msgs))
	}
	subjects := map[string]string{}
	for _, m := range msgs {
		m := m.(map[string]any)
		subjects[m["to"].(string)] = m["subject"].(string)
		h := m["headers"].(map[string]any)
		if h["Message-Id"] == nil && h["Message-ID"] == nil || !strings.Contains(h["List-Unsubscribe"].(string), "mailto:") {
			t.Errorf("message headers: %v", h)
		}
	}
	if subjects["anon@acme.test"] != "Hi there" || subjects["ann@acme.test"] != "Hi Ann" {
		t.Errorf("rendered subjects: %v", subjects)
	}
	mailbox := owner.Must(200, "GET", "/api/inboxes/"+mailboxID, nil).Map(t)
	if mailbox["sentToday"].(float64) != 3 || mailbox["todayLimit"].(float64) != 10 {
		t.Errorf("mailbox usage after the tick: %v", mailbox)
	}

	x := owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+ann+"/explain", nil).Map(t)
	if x["nextStep"].(float64) != 2 || x["reason"] != "step_delay" || x["stepsSent"].(float64) != 1 || x["notBefore"] == nil {
		t.Fatalf("explain after step 1: %v", x)
	}
	fc := owner.Must(200, "GET", "/api/campaigns/"+id+"/forecast?days=5", nil).Map(t)
	days := fc["days"].([]any)
	followUps := 0.0
	for _, d := range days {
		followUps += d.(map[string]any)["followUps"].(float64)
	}
	if len(days) != 5 || followUps != 3 {
		t.Fatalf("forecast: %v", fc)
	}
	if r := owner.Do("GET", "/api/campaigns/"+id+"/forecast?days=0", nil); r.Status != 422 {
		t.Fatalf("forecast of 0 days: %d", r.Status)
	}

	got = owner.Must(200, "GET", "/api/campaigns/"+id, nil).Map(t)
	stats := got["stats"].(map[string]any)
	if stats["leads"].(float64) != 3 || stats["sent"].(float64) != 3 || stats["scheduled"].(float64) != 3 {
		t.Fatalf("stats: %v", stats)
	}
	if step1 := got["steps"].([]any)[0].(map[string]any); step1["sent"].(float64) != 3 {
		t.Fatalf("step stats: %v", got["steps"])
	}
	list := owner.Must(200, "GET", "/api/campaigns?status=active", nil).Map(t)["items"].([]any)
	if len(list) != 1 {
		t.Fatalf("active campaigns: %d", len(list))
	}

	owner.Must(200, "POST", "/api/campaigns/"+id+"/pause", nil)
	if r := owner.Do("POST", "/api/campaigns/"+id+"/pause", nil); r.Status != 409 {
		t.Fatalf("pausing a paused campaign: %d", r.Status)
	}
	if r := owner.Do("DELETE", "/api/campaigns/"+id, nil); r.Status != 204 {
		// A paused campaign may be deleted; this one stays for the rest of the test.
		t.Logf("delete paused: %d", r.Status)
	}
}

func TestUnsubscribeLink(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	ann := createLead(t, owner, "ann@acme.test", "Ann")
	id := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "U", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi", "body": "One"}, {"delayDays": 1, "body": "Two"}}})
	owner.Must(200, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{ann}})
	owner.Must(200, "POST", "/api/campaigns/"+id+"/launch", nil)
	if res := cronTick(t, srv); res["sent"].(float64) != 1 {
		t.Fatalf("tick: %v; %s", res, owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+ann+"/explain", nil).Body)
	}
	// The test server runs on http, so messages carry only the mailto
	// List-Unsubscribe (one-click needs https); the link is the same token.
	msg := owner.Must(200, "GET", "/api/inboxes/"+mailboxID+"/sandbox/messages", nil).Map(t)["items"].([]any)[0].(map[string]any)
	if lu := msg["headers"].(map[string]any)["List-Unsubscribe"].(string); lu != "<mailto:sales@sender.test?subject=unsubscribe>" {
		t.Fatalf("List-Unsubscribe on an http server: %q", lu)
	}
	x := owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+ann+"/explain", nil).Map(t)
	u, err := url.Parse(srv.Sending.Unsubscribe.URL(x["campaignLeadId"].(string)))
	if err != nil {
		t.Fatal(err)
	}

	visitor := srv.Client(t)
	page := visitor.Must(200, "GET", u.Path, nil)
	if !strings.Contains(string(page.Body), "a•••@acme.test") || !strings.Contains(string(page.Body), `<form method="post">`) {
		t.Fatalf("unsubscribe page: %s", page.Body)
	}
	// A GET (a link scanner) changes nothing.
	if x := owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+ann+"/explain", nil).Map(t); x["leadStatus"] != "active" {
		t.Fatalf("after GET the lead is %v", x["leadStatus"])
	}
	// Forged and altered tokens are 404.
	for _, bad := range []string{"/u/not-a-token", u.Path[:len(u.Path)-2] + "AA"} {
		if r := visitor.Do("GET", bad, nil); r.Status != 404 {
			t.Errorf("GET %s: %d, want 404", bad, r.Status)
		}
		if r := visitor.Do("POST", bad, "List-Unsubscribe=One-Click"); r.Status != 404 {
			t.Errorf("POST %s: %d, want 404", bad, r.Status)
		}
	}

	// The mail provider posts one-click from its own origin.
	req, _ := http.NewRequest("POST", srv.URL+u.Path, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://mail.google.com")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := visitor.Send(req); r.Status != 200 || !strings.Contains(string(r.Body), "unsubscribed") {
		t.Fatalf("one-click POST: %d %s", r.Status, r.Body)
	}
	x = owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+ann+"/explain", nil).Map(t)
	if x["leadStatus"] != "unsubscribed" || x["nextStep"].(float64) != 0 {
		t.Fatalf("after one-click the lead is %v", x)
	}
	sups := owner.Must(200, "GET", "/api/suppressions", nil).Map(t)["items"].([]any)
	found := false
	for _, s := range sups {
		s := s.(map[string]any)
		if s["value"] == "ann@acme.test" && s["reason"] == "unsubscribe" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no unsubscribe suppression: %v", sups)
	}
	// A second click is harmless.
	visitor.Must(200, "POST", u.Path, "List-Unsubscribe=One-Click")
	if res := cronTick(t, srv); res["sent"].(float64) != 0 {
		t.Fatalf("a tick after the unsubscribe sent %v", res)
	}
}

func TestDeletingAMailboxMovesItsLeads(t *testing.T) {
	_, owner, first := sendingServer(t)
	second := owner.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "two@sender.test"}).Map(t)["id"].(string)
	// Same capacity as the first, so AssignMailbox splits the leads evenly.
	owner.Must(200, "PATCH", "/api/inboxes/"+second, map[string]any{"dailyCap": 10, "rampStart": 0, "minGapSeconds": 0})
	var leads []string
	for _, e := range []string{"a@x.test", "b@x.test", "c@x.test", "d@x.test"} {
		leads = append(leads, createLead(t, owner, e, "X"))
	}
	id := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "D", "timezone": "UTC",
		"inboxIds": []string{first, second}}).Map(t)["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{{"subject": "Hi", "body": "One"}}})
	owner.Must(200, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": leads})
	owner.Must(200, "POST", "/api/campaigns/"+id+"/launch", nil)
	per := map[string]int{}
	for _, l := range leads {
		per[owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+l+"/explain", nil).Map(t)["inboxId"].(string)]++
	}
	if per[first] != 2 || per[second] != 2 {
		t.Fatalf("leads per mailbox at launch: %v, want 2 and 2", per)
	}
	owner.Must(204, "DELETE", "/api/inboxes/"+first, nil)
	for _, l := range leads {
		x := owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+l+"/explain", nil).Map(t)
		if x["inboxId"] != second || x["nextStep"].(float64) != 1 {
			t.Errorf("after deleting a mailbox, lead %s: %v", l, x)
		}
	}
	owner.Must(204, "DELETE", "/api/inboxes/"+second, nil)
	x := owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+leads[0]+"/explain", nil).Map(t)
	if x["reason"] != "no_inbox" || x["nextStep"].(float64) != 1 {
		t.Fatalf("with no mailbox left the step must wait, not vanish: %v", x)
	}
	if got := owner.Must(200, "GET", "/api/inboxes", nil).Map(t)["items"].([]any); len(got) != 0 {
		t.Fatalf("mailboxes left: %v", got)
	}
}
