package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// sentTo lists what the sandbox mailbox sent to addr, newest first.
func sentTo(t *testing.T, owner *apptest.Account, mailboxID, addr string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range owner.Must(200, "GET", "/api/inboxes/"+mailboxID+"/sandbox/messages", nil).Map(t)["items"].([]any) {
		if m := m.(map[string]any); m["to"] == addr {
			out = append(out, m)
		}
	}
	return out
}

// conversationOf is the id of the lead's conversation.
func conversationOf(t *testing.T, owner *apptest.Account, campaignID, leadID string) string {
	t.Helper()
	for _, c := range owner.Must(200, "GET", "/api/replies?campaignId="+campaignID, nil).Map(t)["items"].([]any) {
		c := c.(map[string]any)
		if c["lead"].(map[string]any)["id"] == leadID {
			return c["id"].(string)
		}
	}
	t.Fatalf("no conversation for lead %s", leadID)
	return ""
}

// Issue 16, tried as a new user would with a sandbox mailbox: a lead
// replying "not now, maybe next quarter" gets the route's step in the same
// thread and no main follow-up; a lead replying "interested" enters the
// other route; a recategorisation by hand re-evaluates until the route's
// first step has gone.
func TestReplyRoutesOverHTTP(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	ann := createLead(t, owner, "ann@acme.test", "Ann")
	bob := createLead(t, owner, "bob@globex.test", "Bob")
	dan := createLead(t, owner, "dan@initech.test", "Dan")
	eve := createLead(t, owner, "eve@hooli.test", "Eve")
	c := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Q1", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)
	cid := c["id"].(string)
	steps := []map[string]any{
		{"subject": "Hi {{firstName}}", "body": "A question for {{company}}."},
		{"delayDays": 2, "body": "Bumping this."}}
	later := map[string]any{"name": "Later", "when": map[string]any{"keywords": []string{"next quarter", "later"}},
		"steps":      []map[string]any{{"delayDays": 0, "body": "Understood, {{firstName}}: I will write again next quarter."}},
		"sameThread": true}
	warm := map[string]any{"name": "Warm", "when": map[string]any{"categories": []string{"interested", "meeting_request"}},
		"steps": []map[string]any{{"body": "Great: here is my calendar."}}}

	// Bad routes are refused naming the field.
	r := owner.Do("PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": steps,
		"routes": []any{later, map[string]any{"name": "Empty", "steps": []map[string]any{{"body": "x"}}}}})
	if r.Status != 422 || !strings.Contains(string(r.Body), `"routes[1].when"`) {
		t.Fatalf("route without a condition: %d %s", r.Status, r.Body)
	}
	seq := owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": steps,
		"routes": []any{later, warm}}).Map(t)
	if rs := seq["routes"].([]any); len(rs) != 2 || rs[1].(map[string]any)["name"] != "Warm" ||
		rs[1].(map[string]any)["sameThread"] != true {
		t.Fatalf("saved routes: %v", seq["routes"])
	}
	if got := owner.Must(200, "GET", "/api/campaigns/"+cid+"/sequence", nil).Map(t)["routes"].([]any); len(got) != 2 {
		t.Fatalf("GET routes: %v", got)
	}
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/leads", map[string]any{"leadIds": []string{ann, bob, dan, eve}})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/launch", nil)
	if res := cronTick(t, srv); res["sent"].(float64) != 4 {
		t.Fatalf("tick: %v", res)
	}

	reply := func(addr, name, body string) {
		t.Helper()
		first := sentTo(t, owner, mailboxID, addr)[0]
		owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]string{"from": name + " <" + addr + ">",
			"subject": "Re: " + first["subject"].(string), "body": body, "inReplyTo": first["messageId"].(string)})
	}
	reply("ann@acme.test", "Ann", "Not now, maybe next quarter.\n\nOn Mon, Sam wrote:\n> Are you interested?")
	reply("bob@globex.test", "Bob", "Interested, tell me more!")
	reply("dan@initech.test", "Dan", "Not interested, thanks.")
	reply("eve@hooli.test", "Eve", "Ask me later")
	if res := cronSync(t, srv); res["messages"].(float64) != 4 {
		t.Fatalf("sync: %v", res)
	}
	explain := func(lead string) map[string]any {
		return owner.Must(200, "GET", "/api/campaigns/"+cid+"/leads/"+lead+"/explain", nil).Map(t)
	}
	if x := explain(ann); x["leadStatus"] != "active" || x["nextStep"].(float64) != 101 ||
		x["route"].(map[string]any)["name"] != "Later" || x["nextStepLabel"] != "route 1 (Later) step 1" {
		t.Fatalf("ann after her reply: %v", x)
	}
	if x := explain(dan); x["leadStatus"] != "replied" || x["route"] != nil {
		t.Fatalf("dan (not interested) entered a route: %v", x)
	}
	// Eve said "later"; a person recategorises her reply as interested
	// before the route's first step went: she moves to Warm.
	eveConv := conversationOf(t, owner, cid, eve)
	owner.Must(200, "POST", "/api/replies/"+eveConv+"/categorize", map[string]string{"category": "interested"})
	if x := explain(eve); x["route"].(map[string]any)["name"] != "Warm" || x["nextStep"].(float64) != 201 {
		t.Fatalf("eve after recategorising: %v", x)
	}

	if res := cronTick(t, srv); res["sent"].(float64) != 3 {
		t.Fatalf("route tick: %v", res)
	}
	annMsgs := sentTo(t, owner, mailboxID, "ann@acme.test")
	if len(annMsgs) != 2 || !strings.Contains(annMsgs[0]["body"].(string), "Understood, Ann: I will write again next quarter.") ||
		annMsgs[0]["subject"] != "Re: "+annMsgs[1]["subject"].(string) || annMsgs[0]["from"] != annMsgs[1]["from"] ||
		annMsgs[0]["threadId"] != annMsgs[1]["threadId"] {
		t.Fatalf("ann's route step: %v", annMsgs)
	}
	if h := annMsgs[0]["headers"].(map[string]any); h["In-Reply-To"] != annMsgs[1]["messageId"] {
		t.Fatalf("ann's route step is not in her thread: %v", h)
	}
	if b := sentTo(t, owner, mailboxID, "bob@globex.test"); len(b) != 2 || !strings.Contains(b[0]["body"].(string), "here is my calendar") {
		t.Fatalf("bob's route step: %v", b)
	}
	if e := sentTo(t, owner, mailboxID, "eve@hooli.test"); len(e) != 2 || !strings.Contains(e[0]["body"].(string), "here is my calendar") {
		t.Fatalf("eve's route step: %v", e)
	}
	if x := explain(ann); x["leadStatus"] != "completed" || x["nextStep"].(float64) != 0 {
		t.Fatalf("ann after her route: %v", x)
	}
	// Too late to move Eve now: her route's first step went.
	owner.Must(200, "POST", "/api/replies/"+eveConv+"/categorize", map[string]string{"category": "other"})
	if x := explain(eve); x["route"].(map[string]any)["name"] != "Warm" || x["leadStatus"] != "completed" {
		t.Fatalf("eve after a late recategorisation: %v", x)
	}
	// Dan, recategorised by hand, enters Warm.
	owner.Must(200, "POST", "/api/replies/"+conversationOf(t, owner, cid, dan)+"/categorize", map[string]string{"category": "interested"})
	if res := cronTick(t, srv); res["sent"].(float64) != 1 {
		t.Fatalf("dan's tick: %v", res)
	}
	if d := sentTo(t, owner, mailboxID, "dan@initech.test"); len(d) != 2 {
		t.Fatalf("dan: %v", d)
	}
	// Stats per route.
	st := owner.Must(200, "GET", "/api/campaigns/"+cid, nil).Map(t)
	routes := st["routes"].([]any)
	if len(routes) != 2 || routes[0].(map[string]any)["entered"].(float64) != 2 || routes[0].(map[string]any)["left"].(float64) != 1 ||
		routes[1].(map[string]any)["entered"].(float64) != 3 || routes[1].(map[string]any)["sent"].(float64) != 3 {
		t.Fatalf("route stats: %v", routes)
	}
	// Each entry is a lead.route_entered event: Ann and Bob by their
	// replies; Eve by hers, then into Warm (leaving Later) by a person's
	// recategorisation; Dan by a person's recategorisation.
	var feed struct {
		Items []struct {
			Type string `json:"type"`
			Data struct {
				Lead        struct{ Email, FirstName string }
				Route, Left struct {
					Number int
					Name   string
				}
				Reason string
			} `json:"data"`
		} `json:"items"`
	}
	owner.Must(200, "GET", "/api/events?types=lead.route_entered", nil).JSON(t, &feed)
	var entered []string
	for _, it := range feed.Items {
		if it.Type != "lead.route_entered" || it.Data.Reason == "" || it.Data.Lead.FirstName == "" {
			t.Fatalf("route event: %+v", it)
		}
		e := fmt.Sprint(it.Data.Lead.Email, " ", it.Data.Route.Number, " ", it.Data.Route.Name)
		if it.Data.Left.Number != 0 {
			e += fmt.Sprint(" (left ", it.Data.Left.Number, " ", it.Data.Left.Name, ")")
		}
		entered = append(entered, e)
	}
	want := []string{"ann@acme.test 1 Later", "bob@globex.test 2 Warm", "eve@hooli.test 1 Later",
		"eve@hooli.test 2 Warm (left 1 Later)", "dan@initech.test 2 Warm"}
	if !slices.Equal(entered, want) {
		t.Fatalf("lead.route_entered events:\n got %q\nwant %q", entered, want)
	}
	// A route step can be sent as a test: a reply in the first step's thread.
	ts := owner.Must(200, "POST", "/api/campaigns/"+cid+"/test", map[string]any{"step": 101, "leadId": ann}).Map(t)
	if !strings.HasPrefix(ts["subject"].(string), "[Test] Re: Hi Ann") || ts["step"].(float64) != 101 {
		t.Fatalf("test send of route 1's step: %v", ts)
	}
	if m := sentTo(t, owner, mailboxID, owner.Email); len(m) != 1 || !strings.Contains(m[0]["body"].(string), "Understood, Ann: I will write again next quarter.") {
		t.Fatalf("the route step's test message: %v", m)
	}
	if r := owner.Do("POST", "/api/campaigns/"+cid+"/test", map[string]any{"step": 301}); r.Status != 422 || !strings.Contains(string(r.Body), `"step"`) {
		t.Fatalf("test send of a route the campaign lacks: %d %s", r.Status, r.Body)
	}
	// Analytics names route steps after their route, in the API, the page
	// and the CSV.
	labels := map[float64]string{}
	for _, s := range owner.Must(200, "GET", "/api/campaigns/"+cid+"/analytics", nil).Map(t)["steps"].([]any) {
		s := s.(map[string]any)
		labels[s["step"].(float64)] = s["label"].(string)
	}
	if labels[1] != "step 1" || labels[101] != "route 1 (Later) step 1" || labels[201] != "route 2 (Warm) step 1" {
		t.Fatalf("analytics step labels: %v", labels)
	}
	if page := string(owner.Must(200, "GET", "/campaigns/"+cid+"/analytics", nil).Body); !strings.Contains(page, "Route 2 (Warm) step 1 · variant A") {
		t.Fatalf("the analytics page does not name the route step:\n%s", page)
	}
	csvRows := readCSV(t, owner.Must(200, "GET", "/campaigns/"+cid+"/analytics.csv?table=variants", nil).Body)
	if h, r := csvRows[0], csvRows[len(csvRows)-2]; h[len(h)-1] != "label" || r[0] != "201" || r[len(r)-1] != "route 2 (Warm) step 1" {
		t.Fatalf("analytics CSV: %v", csvRows)
	}
}

// A step whose skipIf holds when it falls due is skipped, said so in
// explain, and the lead moves on to the next step.
func TestSkipIfOverHTTP(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	ann := createLead(t, owner, "ann@acme.test", "Ann")
	nobody := owner.Must(201, "POST", "/api/leads", map[string]string{"email": "solo@gmail.test", "firstName": "Solo"}).Map(t)["id"].(string)
	c := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Q1", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)
	cid := c["id"].(string)
	steps := []map[string]any{
		{"subject": "Hi {{firstName}}", "body": "Hello."},
		{"body": "How is {{company | \"the team\"}} doing?", "skipIf": map[string]string{"field": "company", "op": "empty"}},
		{"body": "Last one."}}
	r := owner.Do("PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": []map[string]any{steps[0],
		{"body": "x", "skipIf": map[string]string{"field": "shoeSize", "op": "empty"}}}})
	if r.Status != 422 || !strings.Contains(string(r.Body), `"steps[1].skipIf.field"`) {
		t.Fatalf("bad skipIf: %d %s", r.Status, r.Body)
	}
	seq := owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": steps}).Map(t)
	if s := seq["steps"].([]any)[1].(map[string]any)["skipIf"].(map[string]any); s["op"] != "empty" {
		t.Fatalf("saved skipIf: %v", seq["steps"])
	}
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/leads", map[string]any{"leadIds": []string{ann, nobody}})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/launch", nil)
	cronTick(t, srv) // step 1 to both
	x := owner.Must(200, "GET", "/api/campaigns/"+cid+"/leads/"+nobody+"/explain", nil).Map(t)
	if x["nextStep"].(float64) != 2 || x["willSkip"] != "step 2 will be skipped when it falls due: company is empty" {
		t.Fatalf("explain before the skip: %v", x)
	}
	for range 3 { // step 2 to Ann; Solo's skipped, then step 3 to both
		cronTick(t, srv)
	}
	if got := sentTo(t, owner, mailboxID, "ann@acme.test"); len(got) != 3 {
		t.Fatalf("ann: %d messages", len(got))
	}
	solo := sentTo(t, owner, mailboxID, "solo@gmail.test")
	if len(solo) != 2 || !strings.Contains(solo[0]["body"].(string), "Last one.") {
		t.Fatalf("solo: %v", solo)
	}
	x = owner.Must(200, "GET", "/api/campaigns/"+cid+"/leads/"+nobody+"/explain", nil).Map(t)
	if sk := x["skipped"].([]any); len(sk) != 1 || sk[0] != "step 2 skipped: company is empty" || x["leadStatus"] != "completed" {
		t.Fatalf("explain after the skip: %v", x)
	}
}

// An edit of a running campaign's main sequence leaves a lead in a reply
// route where it is: its route step still goes, and no main step follows.
func TestSequenceEditLeavesReplyRoutesAlone(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	ann := createLead(t, owner, "ann@acme.test", "Ann")
	bob := createLead(t, owner, "bob@globex.test", "Bob")
	c := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Q1", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)
	cid := c["id"].(string)
	later := map[string]any{"name": "Later", "when": map[string]any{"keywords": []string{"next quarter"}},
		"steps": []map[string]any{{"body": "Talk next quarter."}}, "sameThread": true}
	owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi {{firstName}}", "body": "Hello."}, {"delayDays": 3, "body": "Bumping this."}},
		"routes": []any{later}})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/leads", map[string]any{"leadIds": []string{ann, bob}})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/launch", nil)
	cronTick(t, srv)
	first := sentTo(t, owner, mailboxID, "ann@acme.test")[0]
	owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]string{"from": "Ann <ann@acme.test>",
		"subject": "Re: " + first["subject"].(string), "body": "Not now, maybe next quarter.", "inReplyTo": first["messageId"].(string)})
	cronSync(t, srv)

	// A new step between the two, due at once.
	edit := map[string]any{"steps": []map[string]any{
		{"position": 1, "subject": "Hi {{firstName}}", "body": "Hello."},
		{"delayDays": 0, "body": "A new step."},
		{"position": 2, "delayDays": 3, "body": "Bumping this."}},
		"routes": []any{later}}
	dry := owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence?dryRun=true", edit).Map(t)
	owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", edit)
	x := owner.Must(200, "GET", "/api/campaigns/"+cid+"/leads/"+ann+"/explain", nil).Map(t)
	if x["nextStep"].(float64) != 101 || x["route"].(map[string]any)["name"] != "Later" {
		t.Fatalf("ann after the edit (dry run %v): %v", dry, x)
	}
	if res := cronTick(t, srv); res["sent"].(float64) != 2 {
		t.Fatalf("tick after the edit: %v", res)
	}
	if a := sentTo(t, owner, mailboxID, "ann@acme.test"); len(a) != 2 || !strings.Contains(a[0]["body"].(string), "Talk next quarter.") {
		t.Fatalf("ann: %v", a)
	}
	if b := sentTo(t, owner, mailboxID, "bob@globex.test"); len(b) != 2 || !strings.Contains(b[0]["body"].(string), "A new step.") {
		t.Fatalf("bob: %v", b)
	}
	cronTick(t, srv)
	if a := sentTo(t, owner, mailboxID, "ann@acme.test"); len(a) != 2 {
		t.Fatalf("ann got a main step after her route: %v", a[0])
	}
}
