package api_test

import (
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
)

func init() {
	isolationCases = append(isolationCases, struct {
		method, path string
		body         any
	}{"POST", "/api/campaigns/{campaign}/test", map[string]any{"step": 1}})
}

func TestCampaignTestSendOverHTTP(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	sent := func() []map[string]any {
		t.Helper()
		var out []map[string]any
		for _, m := range owner.Must(200, "GET", "/api/inboxes/"+mailboxID+"/sandbox/messages", nil).Map(t)["items"].([]any) {
			out = append(out, m.(map[string]any))
		}
		return out
	}
	cid := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Q1", "timezone": "UTC",
		"inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
	test := "/api/campaigns/" + cid + "/test"

	// No sequence yet: the step cannot be chosen.
	if r := owner.Do("POST", test, map[string]any{"step": 1}); r.Status != 422 || !strings.Contains(string(r.Body), `"step"`) {
		t.Fatalf("test without a sequence: %d %s", r.Status, string(r.Body))
	}
	owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": []map[string]any{
		{"delayDays": 0, "subject": "Hi {{firstName}}", "body": "Hello {{firstName}} at {{company}}, {{title}} {{lastName | \"friend\"}}."},
		{"delayDays": 3, "subject": "", "body": "Following up, {{firstName | \"there\"}}."},
	}})

	// The workspace footer is there, with no lead's unsubscribe link in it.
	owner.Must(200, "PATCH", "/api/workspaces/"+owner.WorkspaceID, map[string]any{"footerAddress": "1 Main St, Springfield"})

	// No lead in the campaign: sample values, tags without a fallback empty.
	r := owner.Must(200, "POST", test, map[string]any{"step": 1}).Map(t)
	if r["to"] != owner.Email || r["inboxId"] != mailboxID || r["subject"] != "[Test] Hi" || r["sample"] != true ||
		r["messageId"] == "" || r["leadId"] != nil || r["note"] == nil {
		t.Fatalf("sample test send: %v", r)
	}
	if tags := r["emptyTags"].([]any); len(tags) != 3 {
		t.Fatalf("empty tags of the sample: %v", tags)
	}
	msgs := sent()
	if len(msgs) != 1 || msgs[0]["to"] != owner.Email || msgs[0]["subject"] != "[Test] Hi" ||
		!strings.Contains(msgs[0]["body"].(string), "Hello  at ,  friend.") || strings.Trim(msgs[0]["messageId"].(string), "<>") != strings.Trim(r["messageId"].(string), "<>") {
		t.Fatalf("what the sandbox sent: %v", msgs)
	}

	if b := msgs[0]["body"].(string); !strings.Contains(b, "1 Main St, Springfield") || strings.Contains(b, "/u/") ||
		!strings.Contains(b, "each lead gets their own unsubscribe link") {
		t.Fatalf("footer of a test send: %q", b)
	}

	// With leads: the campaign's first lead as the preview lists it (the
	// newest), rendered by the engine's code; nothing bound to the lead.
	ann := createLead(t, owner, "ann@acme.test", "Ann")
	bob := createLead(t, owner, "bob@acme.test", "Bob")
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/leads", map[string]any{"leadIds": []string{ann}})
	r = owner.Must(200, "POST", test, map[string]any{"step": 1}).Map(t)
	if r["leadId"] != ann || r["subject"] != "[Test] Hi Ann" || r["sample"] != false || r["variant"] != "A" {
		t.Fatalf("test send for the first lead: %v", r)
	}
	if tags := r["emptyTags"].([]any); len(tags) != 1 || tags[0] != "title" {
		t.Fatalf("ann lacks only a title: %v", tags)
	}
	m := sent()[0]
	if m["to"] != owner.Email || !strings.Contains(m["body"].(string), "Hello Ann at Acme,  friend.") {
		t.Fatalf("test for ann: %v", m)
	}
	for name := range m["headers"].(map[string]any) {
		if strings.HasPrefix(strings.ToLower(name), "list-unsubscribe") {
			t.Fatalf("a test send carries %s: %v", name, m["headers"])
		}
	}
	if strings.Contains(m["body"].(string), "ann@acme.test") {
		t.Fatalf("the test went to or named the lead: %v", m)
	}

	// Another lead named, step 2 (replies in step 1's thread), another address.
	r = owner.Must(200, "POST", test, map[string]any{"step": 2, "leadId": bob, "to": "qa@tester.test"}).Map(t)
	if r["to"] != "qa@tester.test" || r["leadId"] != bob || r["subject"] != "[Test] Re: Hi Bob" {
		t.Fatalf("step 2 for bob: %v", r)
	}
	if m := sent()[0]; m["to"] != "qa@tester.test" || !strings.Contains(m["body"].(string), "Following up, Bob.") {
		t.Fatalf("step 2 for bob, sent: %v", m)
	}

	// Validation: 422 with the field.
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"step": 0}, "step"},
		{map[string]any{"step": 3}, "step"},
		{map[string]any{"step": 1, "variant": "B"}, "variant"},
		{map[string]any{"step": 1, "to": "not an address"}, "to"},
		{map[string]any{"step": "one"}, "step"},
	} {
		r := owner.Do("POST", test, tc.body)
		if r.Status != 422 {
			t.Fatalf("%v: %d %s", tc.body, r.Status, string(r.Body))
		}
		if f := r.Map(t)["error"].(map[string]any)["details"].(map[string]any)["fields"].(map[string]any); f[tc.field] == nil {
			t.Fatalf("%v: no %s field in %s", tc.body, tc.field, string(r.Body))
		}
	}
	// An API key has no person to default to: to is required.
	key := owner.Must(201, "POST", "/api/api-keys", map[string]string{"name": "script"}).Map(t)["token"].(string)
	script := srv.Client(t)
	script.Headers["Authorization"] = "Bearer " + key
	if r := script.Do("POST", test, map[string]any{"step": 1}); r.Status != 422 || !strings.Contains(string(r.Body), `"to"`) {
		t.Fatalf("API key without to: %d %s", r.Status, string(r.Body))
	}

	// Another workspace's lead, mailbox or campaign is not found.
	stranger := srv.SignUp(t, "Stranger")
	theirMailbox := stranger.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "their@other.test"}).Map(t)["id"].(string)
	theirLead := createLead(t, stranger, "their-lead@other.test", "Eve")
	for _, body := range []map[string]any{{"step": 1, "inboxId": theirMailbox}, {"step": 1, "leadId": theirLead}} {
		if r := owner.Do("POST", test, body); r.Status != 404 || r.ErrorCode() != "not_found" {
			t.Fatalf("%v from the owner: %d %s", body, r.Status, string(r.Body))
		}
	}
	if r := stranger.Do("POST", test, map[string]any{"step": 1, "inboxId": theirMailbox}); r.Status != 404 {
		t.Fatalf("stranger on the owner's campaign: %d %s", r.Status, string(r.Body))
	}

	// A paused mailbox says so.
	owner.Must(200, "PATCH", "/api/inboxes/"+mailboxID, map[string]any{"status": "paused"})
	if r := owner.Do("POST", test, map[string]any{"step": 1}); r.Status != 409 || r.ErrorCode() != "inbox_paused" ||
		!strings.Contains(string(r.Body), "sales@sender.test") {
		t.Fatalf("paused mailbox: %d %s", r.Status, string(r.Body))
	}
	owner.Must(200, "PATCH", "/api/inboxes/"+mailboxID, map[string]any{"status": "active"})

	// None of it is campaign work: no job, no stats, no lead progress, no
	// use of the mailbox's daily cap; each send is audited.
	c := owner.Must(200, "GET", "/api/campaigns/"+cid, nil).Map(t)
	for k, v := range c["stats"].(map[string]any) {
		if k != "leads" && v != float64(0) {
			t.Fatalf("campaign stats after test sends: %v", c["stats"])
		}
	}
	if c["status"] != "draft" {
		t.Fatalf("campaign status %v", c["status"])
	}
	if ib := owner.Must(200, "GET", "/api/inboxes/"+mailboxID, nil).Map(t); ib["sentToday"] != float64(0) {
		t.Fatalf("test sends counted in the mailbox's day: %v", ib)
	}
	if x := owner.Must(200, "GET", "/api/campaigns/"+cid+"/leads/"+ann+"/explain", nil).Map(t); x["jobStatus"] != nil && x["jobStatus"] != "" {
		t.Fatalf("ann has a job after a test: %v", x)
	}
	audits := 0
	for _, e := range owner.Must(200, "GET", "/api/audit-events", nil).Map(t)["items"].([]any) {
		e := e.(map[string]any)
		if e["action"] == "campaign.test_sent" {
			audits++
			if e["targetId"] != cid {
				t.Fatalf("audit event %v", e)
			}
		}
	}
	if audits != 3 {
		t.Fatalf("%d campaign.test_sent events, want 3", audits)
	}

	// Rate limit per user: five a minute. Three went; two more may.
	owner.Must(200, "POST", test, map[string]any{"step": 1})
	owner.Must(200, "POST", test, map[string]any{"step": 1})
	if r := owner.Do("POST", test, map[string]any{"step": 1}); r.Status != 429 || r.ErrorCode() != "rate_limited" ||
		!strings.Contains(string(r.Body), "5 test emails in the last minute") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth test in a minute: %d %s", r.Status, string(r.Body))
	}
	if n := len(sent()); n != 5 {
		t.Fatalf("the sandbox sent %d, want 5", n)
	}
}

// TestCampaignTestSendProviderFailure sends through a Gmail mailbox whose
// provider refuses the message: 502 with the provider's classified answer.
func TestCampaignTestSendProviderFailure(t *testing.T) {
	srv, gf := gmailServer(t)
	const sales = "sales@gmail.test"
	gf.AddUser(sales)
	gf.SetConsentUser(sales)
	owner := srv.SignUp(t, "Owner")
	gf.AddUser(owner.Email)
	q := oauthConnect(t, owner, "google", "")
	id := q.Get("connected")
	if id == "" {
		t.Fatalf("connect: %v", q)
	}
	cid := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "G", "timezone": "UTC",
		"inboxIds": []string{id}}).Map(t)["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": []map[string]any{
		{"delayDays": 0, "subject": "Quick question", "body": "Hello {{firstName | \"there\"}}.",
			"variants": []map[string]any{{"subject": "Another idea", "body": "Hi {{firstName | \"there\"}}."}}}}})

	gf.FailNext(1, gmailfake.BadRequest.On("send"))
	r := owner.Do("POST", "/api/campaigns/"+cid+"/test", map[string]any{"step": 1})
	if r.Status != 502 || r.ErrorCode() != "provider_error" || !strings.Contains(string(r.Body), "Invalid To header") ||
		!strings.Contains(string(r.Body), `"kind":"permanent"`) {
		t.Fatalf("refused send: %d %s", r.Status, string(r.Body))
	}
	for _, secret := range []string{"access_token", "refresh_token", "ya29", "Bearer"} {
		if strings.Contains(string(r.Body), secret) {
			t.Fatalf("the answer shows %q: %s", secret, r.Body)
		}
	}
	// The next one goes through the same registry the engine uses.
	r = owner.Do("POST", "/api/campaigns/"+cid+"/test", map[string]any{"step": 1})
	if r.Status != 200 {
		t.Fatalf("test through gmail: %d %s", r.Status, string(r.Body))
	}
	got := gf.Messages(owner.Email, "INBOX")
	if len(got) != 1 || !strings.Contains(string(got[0].Raw), "[Test] Quick question") {
		t.Fatalf("%s received %d messages", owner.Email, len(got))
	}
	// Variant B when asked for.
	if r := owner.Must(200, "POST", "/api/campaigns/"+cid+"/test", map[string]any{"step": 1, "variant": "b"}).Map(t); r["subject"] != "[Test] Another idea" || r["variant"] != "B" {
		t.Fatalf("variant B: %v", r)
	}

	// Google revokes the grant: 502 saying the mailbox needs reconnecting,
	// the registry marks it disconnected, and the next test is refused
	// before any call with a clear message.
	gf.RevokeGrants(sales)
	gf.ExpireAccessTokens()
	r = owner.Do("POST", "/api/campaigns/"+cid+"/test", map[string]any{"step": 1})
	if r.Status != 502 || !strings.Contains(string(r.Body), `"kind":"auth"`) || !strings.Contains(string(r.Body), "reconnected") {
		t.Fatalf("revoked grant: %d %s", r.Status, string(r.Body))
	}
	r = owner.Do("POST", "/api/campaigns/"+cid+"/test", map[string]any{"step": 1})
	if r.Status != 409 || r.ErrorCode() != "inbox_disconnected" || !strings.Contains(string(r.Body), sales) {
		t.Fatalf("disconnected mailbox: %d %s", r.Status, string(r.Body))
	}
}
