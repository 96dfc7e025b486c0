package api_test

import (
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

func init() {
	notWorkspaceObjects["GET /u/{token}"] = "a signed unsubscribe token, not a workspace id; forged or foreign tokens answer 404 (TestUnsubscribeLink)"
	notWorkspaceObjects["POST /u/{token}"] = "a signed unsubscribe token, not a workspace id; forged or foreign tokens answer 404 (TestUnsubscribeLink)"
}

// setupSendingFixtures creates a sandbox mailbox, a lead and a campaign
// with them in owner's workspace. The isolation test calls the campaign
// routes with the lead's id as {campaignLead}.
func setupSendingFixtures(t *testing.T, owner *apptest.Account, f fixtures) {
	t.Helper()
	f.ids["inbox"] = owner.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "iso-sender@example.com"}).Map(t)["id"].(string)
	f.ids["campaignLead"] = owner.Must(201, "POST", "/api/leads", map[string]string{"email": "iso-cl@example.com"}).Map(t)["id"].(string)
	f.ids["campaign"] = owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Iso", "timezone": "UTC",
		"inboxIds": []string{f.ids["inbox"]}}).Map(t)["id"].(string)
	owner.Must(200, "POST", "/api/campaigns/"+f.ids["campaign"]+"/leads", map[string]any{"leadIds": []string{f.ids["campaignLead"]}})
}
