package api_test

import (
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
