package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// TestBrowserWebhooks: an owner adds a webhook from Settings → Webhooks,
// copies its secret, sends a test and sees the delivery with its payload.
func TestBrowserWebhooks(t *testing.T) {
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
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
	b.open("/settings/webhooks")
	if got := b.text("main table tbody"); !strings.Contains(got, hook.URL+"/leadbitz") || !strings.Contains(got, "CRM sync") {
		t.Errorf("endpoints: %q", got)
	}
}
