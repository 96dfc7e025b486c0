package api_test

import (
	"slices"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

func init() {
	isolationCases = append(isolationCases, []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/webhooks/{webhook}", nil},
		{"PATCH", "/api/webhooks/{webhook}", map[string]any{"enabled": false}},
		{"POST", "/api/webhooks/{webhook}/rotate-secret", nil},
		{"POST", "/api/webhooks/{webhook}/test", nil},
		{"GET", "/api/webhooks/{webhook}/deliveries", nil},
		{"POST", "/api/webhooks/{webhook}/deliveries/{delivery}/retry", nil},
		{"DELETE", "/api/webhooks/{webhook}", nil},
	}...)
}

// setupWebhookFixtures gives owner's workspace an endpoint (on a loopback
// port nobody listens on) with one delivery, its test.
func setupWebhookFixtures(t *testing.T, owner *apptest.Account, f fixtures) {
	t.Helper()
	f.ids["webhook"] = owner.Must(201, "POST", "/api/webhooks", map[string]any{"url": "http://127.0.0.1:9/hook"}).Map(t)["id"].(string)
	f.ids["delivery"] = owner.Must(200, "POST", "/api/webhooks/"+f.ids["webhook"]+"/test", nil).Map(t)["id"].(string)
}

// TestWebhookCampaignFilterOfTheWorkspace: campaignIds must name the
// workspace's campaigns, on POST and PATCH; an id already stored (its
// campaign deleted since) may stay.
func TestWebhookCampaignFilterOfTheWorkspace(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner, other := srv.SignUp(t, "Olga"), srv.SignUp(t, "Sid")
	campaign := func(acc *apptest.Account) string {
		return acc.Must(201, "POST", "/api/campaigns", map[string]string{"name": "c", "timezone": "UTC"}).Map(t)["id"].(string)
	}
	own, old, foreign := campaign(owner), campaign(owner), campaign(other)
	refused := func(r apptest.Response) {
		t.Helper()
		if f, _ := r.Map(t)["error"].(map[string]any)["details"].(map[string]any)["fields"].(map[string]any); f["campaignIds"] == nil {
			t.Errorf("no campaignIds error: %s", r.Body)
		}
	}

	refused(owner.Must(422, "POST", "/api/webhooks", map[string]any{"url": "http://127.0.0.1:9/hook", "campaignIds": []string{foreign}}))
	id := owner.Must(201, "POST", "/api/webhooks", map[string]any{"url": "http://127.0.0.1:9/hook", "campaignIds": []string{old, old}}).Map(t)["id"].(string)
	owner.Must(204, "DELETE", "/api/campaigns/"+old, nil)
	refused(owner.Must(422, "PATCH", "/api/webhooks/"+id, map[string]any{"campaignIds": []string{old, foreign}}))
	h := owner.Must(200, "PATCH", "/api/webhooks/"+id, map[string]any{"campaignIds": []string{own, old}}).Map(t)
	if ids := h["campaignIds"].([]any); len(ids) != 2 || !slices.Contains(ids, any(own)) || !slices.Contains(ids, any(old)) {
		t.Errorf("campaignIds: %v, want %s and %s", ids, own, old)
	}
}
