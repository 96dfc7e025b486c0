package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// TestBounceGuardPausesCampaignAndMailbox: 21 leads contacted, one hard
// bounce is 4.8 % (over the 3 % default): the campaign and the mailbox
// pause themselves with a reason and an audit event. A person who resumes
// them is not overruled until another hard bounce arrives.
func TestBounceGuardPausesCampaignAndMailbox(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	owner.Must(200, "PATCH", "/api/inboxes/"+mailboxID, map[string]any{"dailyCap": 100})
	var leads []string
	for i := range 21 {
		leads = append(leads, createLead(t, owner, fmt.Sprintf("lead%02d@acme.test", i), "Lead"))
	}
	cid := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Bad list", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi {{firstName}}", "body": "Hello."}, {"delayDays": 2, "body": "Bump."}}})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/leads", map[string]any{"leadIds": leads})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/launch", nil)
	if res := cronTick(t, srv); res["sent"].(float64) != 21 {
		t.Fatalf("tick: %v", res)
	}
	guard := func() (int, int) {
		t.Helper()
		res, err := srv.BounceGuard.Check(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return res.Campaigns, res.Mailboxes
	}
	if c, i := guard(); c != 0 || i != 0 {
		t.Fatalf("paused %d campaigns and %d mailboxes without any bounce", c, i)
	}

	bounce := func(addr string) {
		t.Helper()
		msg := sandboxSentTo(t, owner, mailboxID, addr)
		owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]any{"from": "mailer-daemon@sender.test",
			"subject": "Undelivered Mail Returned to Sender", "inReplyTo": msg,
			"body":    "<" + addr + ">: host mx.acme.test said: 550 5.1.1 User unknown",
			"headers": map[string]string{"X-Failed-Recipients": addr, "Auto-Submitted": "auto-replied"}})
		syncMailboxes(t, srv)
	}
	bounce("lead00@acme.test")
	if c, i := guard(); c != 1 || i != 1 {
		t.Fatalf("one hard bounce in 21 (4.8 %%): paused %d campaigns, %d mailboxes; want both", c, i)
	}
	camp := owner.Must(200, "GET", "/api/campaigns/"+cid, nil).Map(t)
	if camp["status"] != "paused" || !strings.Contains(camp["statusReason"].(string), "1 of 21") {
		t.Fatalf("campaign after the guard: %v %v", camp["status"], camp["statusReason"])
	}
	if v := mailboxView(t, owner, mailboxID); v["status"] != "paused" || !strings.Contains(v["statusReason"].(string), "bounce guard") {
		t.Fatalf("mailbox after the guard: %v", v)
	}
	paused := 0
	for _, e := range owner.Must(200, "GET", "/api/audit-events", nil).Map(t)["items"].([]any) {
		e := e.(map[string]any)
		if data, _ := e["data"].(map[string]any); strings.HasSuffix(e["action"].(string), ".paused") && data["by"] == "bounce_guard" {
			paused++
		}
	}
	if paused != 2 {
		t.Fatalf("%d bounce guard audit events, want 2", paused)
	}

	// Resumed by a person: left alone while no new bounce arrives.
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/resume", nil)
	owner.Must(200, "PATCH", "/api/inboxes/"+mailboxID, map[string]any{"status": "active"})
	if c, i := guard(); c != 0 || i != 0 {
		t.Fatalf("the guard overruled a resume without a new bounce: %d, %d", c, i)
	}
	bounce("lead01@acme.test")
	if c, i := guard(); c != 1 || i != 1 {
		t.Fatalf("a new bounce after the resume: paused %d campaigns, %d mailboxes", c, i)
	}
}

// sandboxSentTo is the Message-ID of what the sandbox mailbox sent to addr.
func sandboxSentTo(t *testing.T, owner *apptest.Account, mailboxID, addr string) string {
	t.Helper()
	for _, m := range owner.Must(200, "GET", "/api/inboxes/"+mailboxID+"/sandbox/messages?limit=200", nil).Map(t)["items"].([]any) {
		if m := m.(map[string]any); m["to"] == addr {
			return m["messageId"].(string)
		}
	}
	t.Fatalf("nothing sent to %s", addr)
	return ""
}
