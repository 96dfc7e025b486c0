package api_test

import "testing"

type feedPage struct {
	Items []struct {
		ID          string         `json:"id"`
		Type        string         `json:"type"`
		WorkspaceID string         `json:"workspaceId"`
		APIVersion  string         `json:"apiVersion"`
		CreatedAt   string         `json:"createdAt"`
		Data        map[string]any `json:"data"`
	} `json:"items"`
	Next string `json:"next"`
}

// TestEventFeed drives a sandbox campaign (a reply, an unsubscribe request
// and a bounce) and reads what it reported from GET /api/events: each
// change once, in id order, with the envelope's fields.
func TestEventFeed(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	ann := createLead(t, owner, "ann@acme.test", "Ann")
	bob := createLead(t, owner, "bob@globex.test", "Bob")
	cid := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Q1", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi {{firstName}}", "body": "A question for {{company}}."}}})
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
	cronSync(t, srv)

	var feed feedPage
	owner.Must(200, "GET", "/api/events?limit=500", nil).JSON(t, &feed)
	var types []string
	byType := map[string]map[string]any{}
	for i, e := range feed.Items {
		if i > 0 && e.ID <= feed.Items[i-1].ID {
			t.Fatalf("feed out of order at %d: %v", i, feed.Items)
		}
		if e.WorkspaceID == "" || e.APIVersion == "" || e.CreatedAt == "" {
			t.Fatalf("envelope: %+v", e)
		}
		types = append(types, e.Type)
		byType[e.Type] = e.Data
	}
	count := func(typ string) int {
		n := 0
		for _, x := range types {
			if x == typ {
				n++
			}
		}
		return n
	}
	want := map[string]int{"mailbox.connected": 1, "campaign.launched": 1, "email.sent": 2, "lead.sequence_finished": 2,
		"reply.received": 1, "lead.category_changed": 1, "email.bounced": 1, "lead.suppressed": 1, "campaign.completed": 1}
	for typ, n := range want {
		if got := count(typ); got != n {
			t.Errorf("%s: %d events, want %d (feed: %v)", typ, got, n, types)
		}
	}
	sent := byType["email.sent"]
	if sent["campaign"].(map[string]any)["name"] != "Q1" || sent["firstInSequence"] != true || sent["step"].(float64) != 1 ||
		sent["mailbox"].(map[string]any)["id"] != mailboxID {
		t.Errorf("email.sent: %v", sent)
	}
	if r := byType["reply.received"]; r["text"] != "Interested, tell me more!" || r["lead"].(map[string]any)["id"] != ann ||
		r["appUrl"] == nil || r["category"] != "interested" {
		t.Errorf("reply.received: %v", r)
	}
	if b := byType["email.bounced"]; b["hard"] != true || b["status"] != "5.1.1" || b["lead"].(map[string]any)["id"] != bob {
		t.Errorf("email.bounced: %v", b)
	}

	// Types filter, paging with after, and the limit's bounds.
	var only feedPage
	owner.Must(200, "GET", "/api/events?types=email.sent,email.bounced", nil).JSON(t, &only)
	if len(only.Items) != 3 {
		t.Fatalf("types filter: %d items", len(only.Items))
	}
	var p1, p2 feedPage
	owner.Must(200, "GET", "/api/events?limit=2", nil).JSON(t, &p1)
	owner.Must(200, "GET", "/api/events?limit=500&after="+p1.Next, nil).JSON(t, &p2)
	if len(p1.Items) != 2 || len(p2.Items) != len(feed.Items)-2 || p2.Items[0].ID != feed.Items[2].ID {
		t.Fatalf("paging: %d + %d of %d", len(p1.Items), len(p2.Items), len(feed.Items))
	}
	for _, bad := range []string{"limit=0", "limit=501", "types=email.opened"} {
		if r := owner.Do("GET", "/api/events?"+bad, nil); r.Status != 422 {
			t.Errorf("?%s: %d", bad, r.Status)
		}
	}

	// A person's category change is reported as theirs.
	convs := owner.Must(200, "GET", "/api/replies?category=interested", nil).Map(t)["items"].([]any)
	conv := convs[0].(map[string]any)["id"].(string)
	owner.Must(200, "POST", "/api/replies/"+conv+"/categorize", map[string]string{"category": "meeting_request"})
	var changed feedPage
	owner.Must(200, "GET", "/api/events?types=lead.category_changed", nil).JSON(t, &changed)
	last := changed.Items[len(changed.Items)-1].Data
	if len(changed.Items) != 2 || last["by"] != "user" || last["old"] != "interested" || last["new"] != "meeting_request" {
		t.Fatalf("category changes: %+v", changed.Items)
	}

	// Another workspace sees none of them.
	other := srv.SignUp(t, "Other")
	var none feedPage
	other.Must(200, "GET", "/api/events", nil).JSON(t, &none)
	if len(none.Items) != 0 {
		t.Fatalf("another workspace's feed: %+v", none.Items)
	}
}
