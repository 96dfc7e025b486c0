package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// TestBrowserWebhooks: an owner adds a webhook from Settings → Webhooks,
// copies its secret, sends a test and sees the delivery with its payload,
// then limits the endpoint to one campaign.
func TestBrowserWebhooks(t *testing.T) {
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	campaign := owner.Must(201, "POST", "/api/campaigns", map[string]string{"name": "Q1 founders", "timezone": "UTC"}).Map(t)["id"].(string)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	b := startBrowser(t, srv.URL)
	b.logIn(owner.Email, owner.Password)

	b.open("/settings")
	b.submit("nav.tabs a[href='/settings/webhooks']")
	b.fill("#f-url", hook.URL+"/leadbitz")
	b.fill("#f-description", "CRM sync")
	b.submit("form[action='/settings/webhooks'] button[type=submit]")
	if got := b.value("#new-secret"); !strings.HasPrefix(got, "whsec_") {
		t.Fatalf("secret field: %q", got)
	}
	b.screenshot("webhook-secret")
	b.submit("main a.btn-primary")
	b.submit("form[action$='/test'] button")
	if got := b.text(".flash p"); got != "Test sent: the endpoint answered 204 No Content." {
		t.Errorf("flash after the test: %q", got)
	}
	if got := b.text("main table tbody"); !strings.Contains(got, "webhook.test") || !strings.Contains(got, "Delivered") {
		t.Errorf("deliveries: %q", got)
	}
	b.screenshot("webhook-deliveries")

	b.do(chromedp.Click(chromedp.CSS(`input[name="campaignIds"][value="`+campaign+`"]`)),
		chromedp.Click(chromedp.CSS(`input[name="events"][value="reply.received"]`)))
	b.submit("main form[novalidate] button[type=submit]")
	if got := b.text("#webhook-campaigns"); got != "Q1 founders" {
		t.Errorf("campaigns after the edit: %q", got)
	}
	b.screenshot("webhook-edit")
	b.open("/settings/webhooks")
	if got := b.text("main table tbody"); !strings.Contains(got, hook.URL+"/leadbitz") || !strings.Contains(got, "CRM sync") {
		t.Errorf("endpoints: %q", got)
	}
}
