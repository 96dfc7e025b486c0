package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() {
	isolationCases = append(isolationCases, []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/replies/{conversation}", nil},
		{"POST", "/api/replies/{conversation}/categorize", map[string]string{"category": "interested"}},
		{"POST", "/api/replies/{conversation}/read", nil},
		{"POST", "/api/replies/{conversation}/send", map[string]string{"body": "Hello from another workspace"}},
		{"POST", "/api/inboxes/{inbox}/sync", nil},
	}...)
}

// setupReplyFixtures gives owner's sandbox mailbox a received message and
// syncs it, so the workspace has a conversation.
func setupReplyFixtures(t *testing.T, owner *apptest.Account, f fixtures) {
	t.Helper()
	owner.Must(201, "POST", "/api/inboxes/"+f.ids["inbox"]+"/sandbox/receive",
		map[string]string{"from": "someone@iso.test", "subject": "Hello", "body": "Hi there"})
	owner.Must(200, "POST", "/api/inboxes/"+f.ids["inbox"]+"/sync", nil)
	items := owner.Must(200, "GET", "/api/replies", nil).Map(t)["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("reply fixture: %d conversations", len(items))
	}
	f.ids["conversation"] = items[0].(map[string]any)["id"].(string)
}

func cronSync(t *testing.T, srv *apptest.Server) map[string]any {
	t.Helper()
	c := srv.Client(t)
	c.Headers["Authorization"] = "Bearer cron-secret"
	return c.Must(200, "POST", "/api/cron/sync-inbox", nil).Map(t)
}

// sentMessageID is the Message-ID of the newest message the sandbox mailbox
// sent to addr.
func sentMessageID(t *testing.T, owner *apptest.Account, mailboxID, addr string) (id, subject string) {
	t.Helper()
	for _, m := range owner.Must(200, "GET", "/api/inboxes/"+mailboxID+"/sandbox/messages", nil).Map(t)["items"].([]any) {
		m := m.(map[string]any)
		if m["to"] == addr {
			return m["messageId"].(string), m["subject"].(string)
		}
	}
	t.Fatalf("nothing sent to %s", addr)
	return "", ""
}

func TestReplyLoopOverHTTP(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	ann := createLead(t, owner, "ann@acme.test", "Ann")
	bob := createLead(t, owner, "bob@globex.test", "Bob")
	c := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Q1", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)
	cid := c["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi {{firstName}}", "body": "A question for {{company}}."},
		{"delayDays": 2, "body": "Bumping this."}}})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/leads", map[string]any{"leadIds": []string{ann, bob}})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/launch", nil)
	if res := cronTick(t, srv); res["sent"].(float64) != 2 {
		t.Fatalf("tick: %v", res)
	}

	annMsg, subject := sentMessageID(t, owner, mailboxID, "ann@acme.test")
	owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]string{"from": "Ann <ann@acme.test>",
		"subject": "Re: " + subject, "body": "Interested, tell me more!", "inReplyTo": annMsg})
	bobMsg, _ := sentMessageID(t, owner, mailboxID, "bob@globex.test")
	owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]any{"from": "mailer-daemon@sender.test",
		"subject": "Undelivered Mail Returned to Sender", "inReplyTo": bobMsg,
		"body":    "<bob@globex.test>: host mx.globex.test said: 550 5.1.1 User unknown",
		"headers": map[string]string{"X-Failed-Recipients": "bob@globex.test", "Auto-Submitted": "auto-replied"}})
	if res := cronSync(t, srv); res["inboxes"].(float64) != 1 || res["messages"].(float64) != 2 {
		t.Fatalf("sync: %v", res)
	}

	// Ann's sequence stopped; Bob bounced and is suppressed.
	x := owner.Must(200, "GET", "/api/campaigns/"+cid+"/leads/"+ann+"/explain", nil).Map(t)
	if x["leadStatus"] != "replied" {
		t.Fatalf("ann: %v", x)
	}
	x = owner.Must(200, "GET", "/api/campaigns/"+cid+"/leads/"+bob+"/explain", nil).Map(t)
	if x["leadStatus"] != "bounced" {
		t.Fatalf("bob: %v", x)
	}
	sups := owner.Must(200, "GET", "/api/suppressions?q=bob", nil).Map(t)["items"].([]any)
	if len(sups) != 1 || sups[0].(map[string]any)["reason"] != "bounce" {
		t.Fatalf("suppressions: %v", sups)
	}

	// The list, its filters and pages.
	list := owner.Must(200, "GET", "/api/replies?campaignId="+cid, nil).Map(t)
	items := list["items"].([]any)
	if len(items) != 2 || list["nextCursor"] != nil {
		t.Fatalf("replies: %v", list)
	}
	byCat := owner.Must(200, "GET", "/api/replies?category=interested", nil).Map(t)["items"].([]any)
	if len(byCat) != 1 {
		t.Fatalf("interested: %v", byCat)
	}
	conv := byCat[0].(map[string]any)
	convID := conv["id"].(string)
	if conv["lead"].(map[string]any)["id"] != ann || conv["campaign"].(map[string]any)["name"] != "Q1" ||
		conv["unread"] != true || conv["latestMessage"].(map[string]any)["preview"] != "Interested, tell me more!" {
		t.Fatalf("conversation: %v", conv)
	}
	if b := owner.Must(200, "GET", "/api/replies?category=bounce", nil).Map(t)["items"].([]any); len(b) != 1 ||
		b[0].(map[string]any)["lead"].(map[string]any)["id"] != bob {
		t.Fatalf("bounces: %v", b)
	}
	if n := owner.Must(200, "GET", "/api/replies?inboxId=nope", nil).Map(t)["items"].([]any); len(n) != 0 {
		t.Fatalf("unknown mailbox filter: %v", n)
	}
	for _, bad := range []string{"category=vip", "unread=maybe", "limit=0", "cursor=abc"} {
		if r := owner.Do("GET", "/api/replies?"+bad, nil); r.Status != 422 {
			t.Errorf("?%s: %d %s", bad, r.Status, r.Body)
		}
	}
	p1 := owner.Must(200, "GET", "/api/replies?limit=1", nil).Map(t)
	cursor, _ := p1["nextCursor"].(string)
	if len(p1["items"].([]any)) != 1 || cursor == "" {
		t.Fatalf("page 1: %v", p1)
	}
	p2 := owner.Must(200, "GET", "/api/replies?limit=1&cursor="+cursor, nil).Map(t)
	if len(p2["items"].([]any)) != 1 || p2["nextCursor"] != nil ||
		p2["items"].([]any)[0].(map[string]any)["id"] == p1["items"].([]any)[0].(map[string]any)["id"] {
		t.Fatalf("page 2: %v", p2)
	}

	// The thread, oldest first. Reading it changes nothing (a GET never
	// does); POST …/read clears unread.
	th := owner.Must(200, "GET", "/api/replies/"+convID, nil).Map(t)
	msgs := th["messages"].([]any)
	if len(msgs) != 2 || msgs[0].(map[string]any)["direction"] != "outbound" || msgs[1].(map[string]any)["kind"] != "reply" ||
		th["sequence"].(map[string]any)["status"] != "replied" || th["unread"] != true {
		t.Fatalf("thread: %v", th)
	}
	if u := owner.Must(200, "GET", "/api/replies?unread=true", nil).Map(t)["items"].([]any); len(u) != 2 {
		t.Fatalf("unread after a GET of one: %d, want 2", len(u))
	}
	if read := owner.Must(200, "POST", "/api/replies/"+convID+"/read", nil).Map(t); read["id"] != convID || read["unread"] != false {
		t.Fatalf("mark read: %v", read)
	}
	if u := owner.Must(200, "GET", "/api/replies?unread=true", nil).Map(t)["items"].([]any); len(u) != 1 {
		t.Fatalf("unread after marking one read: %d", len(u))
	}
	owner.Must(404, "POST", "/api/replies/"+store.NewID()+"/read", nil)

	// A category set by hand wins over asking AI.
	got := owner.Must(200, "POST", "/api/replies/"+convID+"/categorize", map[string]string{"category": "meeting_request"}).Map(t)
	if got["category"] != "meeting_request" || got["categorySource"] != "manual" {
		t.Fatalf("manual category: %v", got)
	}
	got = owner.Must(200, "POST", "/api/replies/"+convID+"/categorize", map[string]any{}).Map(t)
	if got["category"] != "meeting_request" {
		t.Fatalf("asking AI replaced a manual category: %v", got)
	}
	if r := owner.Do("POST", "/api/replies/"+convID+"/categorize", map[string]string{"category": "vip"}); r.Status != 422 {
		t.Fatalf("unknown category: %d", r.Status)
	}

	// A reply goes out of the same mailbox, in the thread.
	if r := owner.Do("POST", "/api/replies/"+convID+"/send", map[string]string{"body": "  "}); r.Status != 422 {
		t.Fatalf("empty reply: %d", r.Status)
	}
	sent := owner.Must(202, "POST", "/api/replies/"+convID+"/send", map[string]string{"body": "Great - does Tuesday work?"}).Map(t)
	if sent["sendStatus"] != "sent" || sent["direction"] != "outbound" {
		t.Fatalf("reply: %v", sent)
	}
	out := owner.Must(200, "GET", "/api/inboxes/"+mailboxID+"/sandbox/messages?limit=1", nil).Map(t)["items"].([]any)[0].(map[string]any)
	h := out["headers"].(map[string]any)
	theirs := msgs[1].(map[string]any)["messageId"].(string)
	if out["to"] != "ann@acme.test" || out["subject"] != "Re: "+subject || h["In-Reply-To"] != theirs ||
		!strings.Contains(h["References"].(string), annMsg) || !strings.Contains(h["References"].(string), theirs) ||
		out["threadId"] == "" || !strings.HasPrefix(out["body"].(string), "Great - does Tuesday work?") {
		t.Fatalf("sent reply: %v", out)
	}
	th = owner.Must(200, "GET", "/api/replies/"+convID, nil).Map(t)
	if msgs := th["messages"].([]any); len(msgs) != 3 || msgs[2].(map[string]any)["sendStatus"] != "sent" {
		t.Fatalf("thread after the reply: %v", th["messages"])
	}
	if res := cronSync(t, srv); res["messages"].(float64) != 0 {
		t.Fatalf("our own reply was read back as mail: %v", res)
	}
	// A bounce's conversation answers to the lead, who is suppressed now.
	bobConv := owner.Must(200, "GET", "/api/replies?category=bounce", nil).Map(t)["items"].([]any)[0].(map[string]any)["id"].(string)
	if r := owner.Do("POST", "/api/replies/"+bobConv+"/send", map[string]string{"body": "Hello?"}); r.Status != 409 ||
		r.ErrorCode() != "suppressed" {
		t.Fatalf("reply to a suppressed lead: %d %s", r.Status, r.Body)
	}
}

func TestInboundClassify(t *testing.T) {
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Owner")
	classify := func(contentType string, body []byte) apptest.Response {
		req, err := http.NewRequest("POST", owner.URL()+"/api/inbound/classify", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", contentType)
		return owner.Send(req)
	}
	dsn := strings.ReplaceAll(`From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
To: sam@sender.test
Subject: Undelivered Mail Returned to Sender
Date: Mon, 30 Nov 2026 10:22:01 +0100
Message-ID: <dsn1@mx.example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; Gone@Lead.test
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--B--
`, "\n", "\r\n")
	r := classify("message/rfc822", []byte(dsn))
	if r.Status != 200 {
		t.Fatalf("classify: %d %s", r.Status, r.Body)
	}
	v := r.Map(t)
	recipients, _ := v["recipients"].([]any)
	if v["kind"] != "bounce" || v["hard"] != true || v["status"] != "5.1.1" || len(recipients) != 1 ||
		recipients[0] != "gone@lead.test" || len(v["reasons"].([]any)) == 0 {
		t.Fatalf("verdict: %v", v)
	}
	reply := classify("message/rfc822; charset=utf-8", []byte("From: a@b.test\r\nSubject: Re: hi\r\n\r\nSure, call me.\r\n")).Map(t)
	if reply["kind"] != "reply" || reply["hard"] != nil {
		t.Fatalf("reply verdict: %v", reply)
	}
	if r := classify("text/plain", []byte(dsn)); r.Status != 400 || r.ErrorCode() != "unsupported_media_type" {
		t.Fatalf("wrong type: %d %s", r.Status, r.Body)
	}
	if r := classify("message/rfc822", nil); r.Status != 400 || r.ErrorCode() != "empty_message" {
		t.Fatalf("empty: %d %s", r.Status, r.Body)
	}
	big := append([]byte("Subject: big\r\n\r\n"), bytes.Repeat([]byte("x"), 10<<20)...)
	if r := classify("message/rfc822", big); r.Status != 413 {
		t.Fatalf("over 10 MB: %d", r.Status)
	}
	// Nothing was stored.
	if items := owner.Must(200, "GET", "/api/replies", nil).Map(t)["items"].([]any); len(items) != 0 {
		t.Fatalf("classify stored %d conversations", len(items))
	}
}

func TestInboundClassifyIsRateLimitedPerWorkspace(t *testing.T) {
	srv := apptest.Start(t, map[string]string{"LEADBITZ_CLASSIFY_PER_MINUTE": "3"})
	owner, other := srv.SignUp(t, "Owner"), srv.SignUp(t, "Other")
	classify := func(c *apptest.Account) apptest.Response {
		req, err := http.NewRequest("POST", c.URL()+"/api/inbound/classify",
			strings.NewReader("From: a@b.test\r\nSubject: Re: hi\r\n\r\nSure.\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "message/rfc822")
		return c.Send(req)
	}
	for i := range 3 {
		if r := classify(owner); r.Status != 200 {
			t.Fatalf("call %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	r := classify(owner)
	if r.Status != 429 || r.ErrorCode() != "rate_limited" {
		t.Fatalf("over the limit: %d %s", r.Status, r.Body)
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	if r := classify(other); r.Status != 200 {
		t.Fatalf("another workspace was limited too: %d %s", r.Status, r.Body)
	}
}
