package api_test

import "testing"

// The reply loop reads these per-campaign settings (issue 5): they must be
// settable on create and by PATCH, and shown back.
func TestCampaignStopSettings(t *testing.T) {
	_, owner, mailboxID := sendingServer(t)
	c := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Stops", "timezone": "UTC",
		"inboxIds": []string{mailboxID}, "stopOnAutoReply": true}).Map(t)
	if c["stopOnAutoReply"] != true || c["stopOnCompanyReply"] != false || c["stopOnReply"] != true {
		t.Fatalf("created: %v", c)
	}
	id := c["id"].(string)
	owner.Must(200, "PATCH", "/api/campaigns/"+id, map[string]any{"stopOnCompanyReply": true, "stopOnAutoReply": false})
	got := owner.Must(200, "GET", "/api/campaigns/"+id, nil).Map(t)
	if got["stopOnAutoReply"] != false || got["stopOnCompanyReply"] != true {
		t.Fatalf("after PATCH: %v", got)
	}
}
