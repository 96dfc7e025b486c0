package api_test

import (
	"strings"
	"testing"
)

func init() {
	isolationCases = append(isolationCases, struct {
		method, path string
		body         any
	}{"POST", "/api/replies/{conversation}/suggest", nil})
}

func TestSuggestReplyAnswersTheThread(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	_ = srv
	owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]string{
		"from": "dana@prospect.test", "subject": "Quick question",
		"body": "Sounds interesting - could we talk next Tuesday at 3pm?"})
	owner.Must(200, "POST", "/api/inboxes/"+mailboxID+"/sync", nil)
	items := owner.Must(200, "GET", "/api/replies", nil).Map(t)["items"].([]any)
	if len(items) == 0 {
		t.Fatal("no conversation after sync")
	}
	id := items[0].(map[string]any)["id"].(string)
	s := owner.Must(200, "POST", "/api/replies/"+id+"/suggest", nil).Map(t)
	body, _ := s["body"].(string)
	if s["generator"] == "" || len(body) < 20 || s["category"] != "meeting_request" {
		t.Fatalf("suggestion %v", s)
	}
	if !strings.Contains(strings.ToLower(body), "tuesday") && !strings.Contains(strings.ToLower(body), "time") {
		t.Fatalf("a meeting request should be answered with times:\n%s", body)
	}
	if r := owner.Do("POST", "/api/replies/nope/suggest", nil); r.Status != 404 {
		t.Fatalf("unknown conversation: %d", r.Status)
	}
}
