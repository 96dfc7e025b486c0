package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEventsCarryTheLeadAndHowTheyUnsubscribed: every lead-carrying event
// holds the lead with its custom fields, and lead.unsubscribed says how:
// the message's link and its page ("link"), the mail provider's button
// ("one-click"), a reply ("reply"), a user marking the lead or suppressing
// its address as unsubscribed ("manual").
func TestEventsCarryTheLeadAndHowTheyUnsubscribed(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	owner.Must(200, "PATCH", "/api/inboxes/"+mailboxID, map[string]any{"dailyCap": 20})
	leads := map[string]string{} // email → id
	for _, name := range []string{"ann", "bob", "cat", "dan", "eve"} {
		email := name + "@acme.test"
		leads[email] = owner.Must(201, "POST", "/api/leads", map[string]any{"email": email, "firstName": name, "company": "Acme",
			"custom": map[string]string{"city": "Lyon", "plan": "pro-" + name}}).Map(t)["id"].(string)
	}
	ids := []string{leads["ann@acme.test"], leads["bob@acme.test"], leads["cat@acme.test"], leads["dan@acme.test"], leads["eve@acme.test"]}
	cid := launchTo(t, srv, owner, mailboxID, "Q1", ids...)
	link := func(email string) *url.URL {
		x := owner.Must(200, "GET", "/api/campaigns/"+cid+"/leads/"+leads[email]+"/explain", nil).Map(t)
		u, err := url.Parse(srv.Sending.Unsubscribe.URL(x["campaignLeadId"].(string)))
		if err != nil {
			t.Fatal(err)
		}
		return u
	}

	// ann: the link, then the page's button.
	visitor := srv.Client(t)
	page := visitor.Must(200, "GET", link("ann@acme.test").Path, nil)
	if !strings.Contains(string(page.Body), `name="via" value="link"`) {
		t.Fatalf("the page's form does not say it is the link: %s", page.Body)
	}
	req, _ := http.NewRequest("POST", srv.URL+link("ann@acme.test").Path, strings.NewReader("List-Unsubscribe=One-Click&via=link"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := visitor.Send(req); r.Status != 200 {
		t.Fatalf("the page's button: %d", r.Status)
	}
	// bob: the mail provider's one-click.
	if r := oneClick(t, srv, link("bob@acme.test")); r.Status != 200 {
		t.Fatalf("one-click: %d", r.Status)
	}
	// cat: marked unsubscribed by hand; dan: suppressed by hand as
	// unsubscribed.
	owner.Must(200, "PATCH", "/api/leads/"+leads["cat@acme.test"], map[string]string{"status": "unsubscribed"})
	owner.Must(201, "POST", "/api/suppressions", map[string]string{"email": "dan@acme.test", "reason": "unsubscribe"})
	// eve: asks in a reply.
	eveMsg, subject := sentMessageID(t, owner, mailboxID, "eve@acme.test")
	owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]string{"from": "Eve <eve@acme.test>",
		"subject": "Re: " + subject, "body": "Please unsubscribe me.", "inReplyTo": eveMsg})
	cronSync(t, srv)

	var feed feedPage
	owner.Must(200, "GET", "/api/events?limit=500", nil).JSON(t, &feed)
	sources := map[string]string{}
	carrying := 0
	for _, e := range feed.Items {
		lead, _ := e.Data["lead"].(map[string]any)
		if lead == nil {
			continue
		}
		carrying++
		email, _ := lead["email"].(string)
		custom, _ := lead["custom"].(map[string]any)
		if leads[email] != lead["id"] || lead["company"] != "Acme" || custom["city"] != "Lyon" ||
			custom["plan"] != "pro-"+strings.TrimSuffix(email, "@acme.test") {
			t.Errorf("%s: lead %v", e.Type, lead)
		}
		if e.Type == "lead.unsubscribed" {
			if sources[email] != "" {
				t.Errorf("%s unsubscribed twice", email)
			}
			sources[email], _ = e.Data["source"].(string)
		}
	}
	if carrying < 10 {
		t.Errorf("only %d events carry a lead", carrying)
	}
	want := map[string]string{"ann@acme.test": "link", "bob@acme.test": "one-click", "cat@acme.test": "manual",
		"dan@acme.test": "manual", "eve@acme.test": "reply"}
	for email, src := range want {
		if sources[email] != src {
			t.Errorf("%s unsubscribed with source %q, want %q", email, sources[email], src)
		}
	}
}

// TestMailboxLimitReachedOncePerDay: the tick that fills a mailbox's daily
// cap reports mailbox.limit_reached with the reason and the limit; later
// ticks of the same day, which send nothing, do not report it again. A
// warm-up day's lower limit reports ramp_limit.
func TestMailboxLimitReachedOncePerDay(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	owner.Must(200, "PATCH", "/api/inboxes/"+mailboxID, map[string]any{"dailyCap": 2})
	var ids []string
	for _, name := range []string{"ann", "bob", "cat"} {
		ids = append(ids, createLead(t, owner, name+"@acme.test", name))
	}
	launchTo2 := func(name string, leadIDs ...string) {
		id := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": name, "timezone": "UTC",
			"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
		owner.Must(200, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{{"subject": "Hi", "body": "One"}}})
		owner.Must(200, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": leadIDs})
		owner.Must(200, "POST", "/api/campaigns/"+id+"/launch", nil)
	}
	launchTo2("Q1", ids...)
	if res := cronTick(t, srv); res["sent"].(float64) != 2 {
		t.Fatalf("tick: %v", res)
	}
	cronTick(t, srv)
	var feed feedPage
	owner.Must(200, "GET", "/api/events?types=mailbox.limit_reached", nil).JSON(t, &feed)
	if len(feed.Items) != 1 {
		t.Fatalf("%d limit_reached events, want 1: %+v", len(feed.Items), feed.Items)
	}
	d := feed.Items[0].Data
	if d["mailbox"].(map[string]any)["id"] != mailboxID || d["reason"] != "inbox_daily_cap" || d["limit"].(float64) != 2 ||
		d["day"] == "" || d["appUrl"] == nil {
		t.Errorf("limit_reached: %v", d)
	}

	// A mailbox on its first warm-up day: its lower limit is the reason.
	other := owner.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "warm@sender.test"}).Map(t)["id"].(string)
	owner.Must(200, "PATCH", "/api/inboxes/"+other, map[string]any{"dailyCap": 10, "rampStart": 1, "rampIncrement": 1, "minGapSeconds": 0})
	mailboxID = other
	launchTo2("Q2", createLead(t, owner, "dan@acme.test", "Dan"), createLead(t, owner, "eve@acme.test", "Eve"))
	cronTick(t, srv)
	owner.Must(200, "GET", "/api/events?types=mailbox.limit_reached", nil).JSON(t, &feed)
	if len(feed.Items) != 2 || feed.Items[1].Data["reason"] != "ramp_limit" || feed.Items[1].Data["limit"].(float64) != 1 {
		t.Errorf("limit_reached events: %+v", feed.Items)
	}
}
