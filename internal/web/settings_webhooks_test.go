package web_test

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/webhook"
)

// TestWebhooksPage walks Settings → Webhooks as an owner: add an endpoint
// (its secret shown once), send a test that the endpoint verifies, see the
// delivery with its payload and answer, retry it, rotate the secret,
// disable, enable and delete the endpoint.
func TestWebhooksPage(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")

	var mu sync.Mutex
	var secret string
	verified := 0
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if !webhook.Verify(secret, r.Header, body, time.Now(), time.Hour) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		verified++
		_, _ = io.WriteString(w, "thanks from the CRM")
	}))
	defer hook.Close()

	// A bad address is shown next to its field.
	r := postForm(t, owner.Client, "/settings/webhooks", url.Values{"url": {"ftp://crm.example/hook"}})
	if r.Status != http.StatusUnprocessableEntity || byID(doc(t, r.Body), "f-url-error") == nil {
		t.Fatalf("bad url: %d %.500s", r.Status, r.Body)
	}

	r = postForm(t, owner.Client, "/settings/webhooks", url.Values{"url": {hook.URL + "/in"}, "description": {"CRM"},
		"events": {"reply.received", "lead.unsubscribed"}})
	if r.Status != http.StatusCreated {
		t.Fatalf("add: %d %.500s", r.Status, r.Body)
	}
	mu.Lock()
	secret = secretIn(r.Body)
	mu.Unlock()
	if secret == "" {
		t.Fatal("the secret is not shown after adding")
	}
	list := owner.Must(200, "GET", "/api/webhooks", nil).Map(t)["items"].([]any)
	if len(list) != 1 {
		t.Fatalf("webhooks: %v", list)
	}
	h := list[0].(map[string]any)
	id := h["id"].(string)
	if h["description"] != "CRM" || len(h["events"].([]any)) != 2 {
		t.Errorf("saved webhook: %v", h)
	}
	page := string(get(t, owner.Client, "/settings/webhooks", 200).Body)
	if !strings.Contains(page, hook.URL+"/in") || strings.Contains(html.UnescapeString(page), secret) {
		t.Errorf("list page: url shown %v, secret shown %v", strings.Contains(page, hook.URL), strings.Contains(html.UnescapeString(page), secret))
	}

	// Send a test: the endpoint verifies it; its page shows the delivery.
	page = string(follow(t, owner.Client, postForm(t, owner.Client, "/settings/webhooks/"+id+"/test", nil)).Body)
	if !strings.Contains(page, "Test sent: the endpoint answered 200 OK.") {
		t.Errorf("no flash after the test: %s", page[strings.Index(page, "<main"):])
	}
	for _, want := range []string{"webhook.test", "Delivered", "thanks from the CRM", "&#34;apiVersion&#34;"} {
		if !strings.Contains(page, want) {
			t.Errorf("endpoint page lacks %q", want)
		}
	}
	if strings.Contains(html.UnescapeString(page), secret) {
		t.Error("the endpoint page shows the secret")
	}
	deliveries := owner.Must(200, "GET", "/api/webhooks/"+id+"/deliveries", nil).Map(t)["items"].([]any)
	delivery := deliveries[0].(map[string]any)["id"].(string)
	page = string(follow(t, owner.Client, postForm(t, owner.Client, "/settings/webhooks/"+id+"/deliveries/"+delivery+"/retry", nil)).Body)
	if !strings.Contains(page, "will be tried again") {
		t.Error("no flash after a retry")
	}
	if d := owner.Must(200, "GET", "/api/webhooks/"+id+"/deliveries", nil).Map(t)["items"].([]any)[0].(map[string]any); d["status"] != "pending" {
		t.Errorf("retried delivery: %v", d)
	}

	// Rotate: a new secret, shown once.
	r = postForm(t, owner.Client, "/settings/webhooks/"+id+"/rotate-secret", nil)
	rotated := secretIn(r.Body)
	if r.Status != http.StatusOK || rotated == "" || rotated == secret || !strings.Contains(string(r.Body), "24 hours") {
		t.Fatalf("rotate: %d, new secret %q", r.Status, rotated)
	}
	mu.Lock()
	secret = rotated
	mu.Unlock()
	follow(t, owner.Client, postForm(t, owner.Client, "/settings/webhooks/"+id+"/test", nil))
	mu.Lock()
	// The first test, its retry (sent with the second test) and the second.
	if verified != 3 {
		t.Errorf("the endpoint verified %d deliveries, want 3", verified)
	}
	mu.Unlock()

	// Disable, enable.
	page = string(follow(t, owner.Client, postForm(t, owner.Client, "/settings/webhooks/"+id+"/disable", nil)).Body)
	if !strings.Contains(page, "/settings/webhooks/"+id+"/enable") {
		t.Error("no Enable button on a disabled webhook")
	}
	if owner.Must(200, "GET", "/api/webhooks/"+id, nil).Map(t)["enabled"] != false {
		t.Error("not disabled")
	}
	follow(t, owner.Client, postForm(t, owner.Client, "/settings/webhooks/"+id+"/enable", nil))
	if owner.Must(200, "GET", "/api/webhooks/"+id, nil).Map(t)["enabled"] != true {
		t.Error("not enabled again")
	}

	// Delete, after a page that names the consequence.
	if !strings.Contains(string(get(t, owner.Client, "/settings/webhooks/"+id+"/delete", 200).Body), "cannot be undone") {
		t.Error("no confirmation before deleting")
	}
	page = string(follow(t, owner.Client, postForm(t, owner.Client, "/settings/webhooks/"+id+"/delete", nil)).Body)
	if !strings.Contains(page, "Deleted the webhook") || strings.Contains(page, hook.URL+"/in</code></a>") {
		t.Errorf("after delete: %.1000s", page)
	}
	owner.Must(404, "GET", "/api/webhooks/"+id, nil)
}

// secretIn is the signing secret a page shows, "" for none.
func secretIn(body []byte) string {
	return regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`).FindString(html.UnescapeString(string(body)))
}

// TestDisabledWebhookAlert: an endpoint the workers disabled (410) shows in
// the alert strip of owners and admins, who can enable it again, and not of
// members; enabling it clears the alert.
func TestDisabledWebhookAlert(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	member := joinWorkspace(t, srv, owner, "Mia", "member")
	gone := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) }))
	defer gone.Close()
	id := owner.Must(201, "POST", "/api/webhooks", map[string]string{"url": gone.URL + "/hook"}).Map(t)["id"].(string)
	owner.Must(200, "POST", "/api/webhooks/"+id+"/test", nil)

	const msg = "was disabled: the endpoint answered 410 Gone"
	if body := string(get(t, owner.Client, "/", 200).Body); !strings.Contains(body, msg) || !strings.Contains(body, `"/settings/webhooks/`+id+`"`) {
		t.Error("the owner sees no alert for the disabled webhook")
	}
	if body := string(get(t, member, "/", 200).Body); strings.Contains(body, msg) {
		t.Error("a member sees the alert")
	}
	follow(t, owner.Client, postForm(t, owner.Client, "/settings/webhooks/"+id+"/enable", nil))
	if body := string(get(t, owner.Client, "/", 200).Body); strings.Contains(body, msg) {
		t.Error("the alert stays once the webhook is enabled")
	}
}
