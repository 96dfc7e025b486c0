package web_test

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
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

// TestWebhookCampaignFilter: the add form lists the workspace's campaigns
// by name; the ticked ones become the endpoint's campaignIds, which its
// page names. A campaign of another workspace is refused by the field.
func TestWebhookCampaignFilter(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	other := srv.SignUp(t, "Sid")
	q1, q2 := newCampaign(t, owner, "Q1 founders"), newCampaign(t, owner, "Q2 agencies")
	foreign := newCampaign(t, other, "Not yours")

	page := string(get(t, owner.Client, "/settings/webhooks", 200).Body)
	for _, want := range []string{`value="` + q1 + `"`, "Q1 founders", `value="` + q2 + `"`, "Q2 agencies"} {
		if !strings.Contains(page, want) {
			t.Errorf("the add form lacks %q", want)
		}
	}
	if strings.Contains(page, foreign) || strings.Contains(page, "Not yours") {
		t.Error("the add form lists another workspace's campaign")
	}

	// Another workspace's campaign: refused by its field, the form kept.
	r := postForm(t, owner.Client, "/settings/webhooks", url.Values{"url": {"http://127.0.0.1:9/in"}, "campaignIds": {q1, foreign}})
	d := doc(t, r.Body)
	if r.Status != http.StatusUnprocessableEntity || byID(d, "f-campaignIds-error") == nil {
		t.Fatalf("foreign campaign: %d %.500s", r.Status, r.Body)
	}
	if got := checked(d, "campaignIds"); !slices.Equal(got, []string{q1, foreign}) {
		t.Errorf("ticked after the error: %v, want %v", got, []string{q1, foreign})
	}
	if list := owner.Must(200, "GET", "/api/webhooks", nil).Map(t)["items"].([]any); len(list) != 0 {
		t.Fatalf("an endpoint was added: %v", list)
	}

	r = postForm(t, owner.Client, "/settings/webhooks", url.Values{"url": {"http://127.0.0.1:9/in"}, "campaignIds": {q2}})
	if r.Status != http.StatusCreated {
		t.Fatalf("add: %d %.500s", r.Status, r.Body)
	}
	h := owner.Must(200, "GET", "/api/webhooks", nil).Map(t)["items"].([]any)[0].(map[string]any)
	if ids := h["campaignIds"].([]any); len(ids) != 1 || ids[0] != q2 {
		t.Errorf("campaignIds: %v, want [%s]", ids, q2)
	}
	facts := text(byID(doc(t, get(t, owner.Client, "/settings/webhooks/"+h["id"].(string), 200).Body), "webhook-campaigns"))
	if facts != "Q2 agencies" {
		t.Errorf("the endpoint page says it is limited to %q", facts)
	}
}

// TestEditWebhook: the endpoint page's form, prefilled, changes the URL,
// description, events and campaigns; bad input comes back by its field
// with what was typed and changes nothing; a member cannot edit.
func TestEditWebhook(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	member := joinWorkspace(t, srv, owner, "Mia", "member")
	q1, q2 := newCampaign(t, owner, "Q1 founders"), newCampaign(t, owner, "Q2 agencies")
	id := owner.Must(201, "POST", "/api/webhooks", map[string]any{"url": "http://127.0.0.1:9/old", "description": "CRM",
		"events": []string{"reply.received"}, "campaignIds": []string{q1}}).Map(t)["id"].(string)
	path := "/settings/webhooks/" + id

	d := doc(t, get(t, owner.Client, path, 200).Body)
	if v, _ := attr(byID(d, "f-url"), "value"); v != "http://127.0.0.1:9/old" {
		t.Errorf("url prefilled with %q", v)
	}
	if v, _ := attr(byID(d, "f-description"), "value"); v != "CRM" {
		t.Errorf("description prefilled with %q", v)
	}
	if ev, cs := checked(d, "events"), checked(d, "campaignIds"); !slices.Equal(ev, []string{"reply.received"}) || !slices.Equal(cs, []string{q1}) {
		t.Errorf("ticked: events %v, campaigns %v", ev, cs)
	}

	edit := url.Values{"url": {"http://127.0.0.1:9/new"}, "description": {"Slack"},
		"events": {"email.sent", "lead.unsubscribed"}, "campaignIds": {q2}}
	page := string(follow(t, owner.Client, postForm(t, owner.Client, path, edit)).Body)
	if !strings.Contains(page, "Saved the webhook to http://127.0.0.1:9/new.") {
		t.Errorf("no flash after the edit: %.1000s", page[strings.Index(page, "<main"):])
	}
	want := map[string]any{"url": "http://127.0.0.1:9/new", "description": "Slack",
		"events": []any{"email.sent", "lead.unsubscribed"}, "campaignIds": []any{q2}, "enabled": true}
	checkWebhook(t, owner, id, want)

	// No box ticked: all events, all campaigns.
	follow(t, owner.Client, postForm(t, owner.Client, path, url.Values{"url": {"http://127.0.0.1:9/new"}}))
	want["description"], want["events"], want["campaignIds"] = "", []any{}, []any{}
	checkWebhook(t, owner, id, want)
	if facts := text(byID(doc(t, get(t, owner.Client, path, 200).Body), "webhook-campaigns")); facts != "All" {
		t.Errorf("campaigns of an unfiltered endpoint: %q", facts)
	}

	// Bad input: the errors by their fields, what was typed kept.
	bad := []struct {
		field string
		form  url.Values
	}{
		{"url", url.Values{"url": {"http://crm.example/hook"}, "description": {"typed"}, "events": {"email.sent"}, "campaignIds": {q1}}},
		{"events", url.Values{"url": {"http://127.0.0.1:9/typed"}, "description": {"typed"}, "events": {"email.nope"}, "campaignIds": {q1}}},
		{"campaignIds", url.Values{"url": {"http://127.0.0.1:9/typed"}, "description": {"typed"}, "events": {"email.sent"}, "campaignIds": {q1, "nope"}}},
	}
	for _, tc := range bad {
		r := postForm(t, owner.Client, path, tc.form)
		d := doc(t, r.Body)
		if r.Status != http.StatusUnprocessableEntity || byID(d, "f-"+tc.field+"-error") == nil {
			t.Errorf("bad %s: %d, error by the field: %v", tc.field, r.Status, byID(d, "f-"+tc.field+"-error") != nil)
			continue
		}
		if v, _ := attr(byID(d, "f-url"), "value"); v != tc.form.Get("url") {
			t.Errorf("bad %s: url shown as %q", tc.field, v)
		}
		if v, _ := attr(byID(d, "f-description"), "value"); v != "typed" {
			t.Errorf("bad %s: description shown as %q", tc.field, v)
		}
		if tc.field != "events" && !slices.Equal(checked(d, "events"), tc.form["events"]) {
			t.Errorf("bad %s: events ticked %v", tc.field, checked(d, "events"))
		}
		if !slices.Equal(checked(d, "campaignIds"), tc.form["campaignIds"]) {
			t.Errorf("bad %s: campaigns ticked %v, want %v", tc.field, checked(d, "campaignIds"), tc.form["campaignIds"])
		}
	}
	checkWebhook(t, owner, id, want)

	// A member is refused.
	if r := postForm(t, member, path, edit); r.Status != http.StatusForbidden {
		t.Errorf("member edit: %d", r.Status)
	}
	checkWebhook(t, owner, id, want)
}

// TestEditWebhookOfDeletedCampaign: an endpoint limited to a campaign since
// deleted says so, and stays editable with that campaign still ticked.
func TestEditWebhookOfDeletedCampaign(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	gone := newCampaign(t, owner, "Old one")
	id := owner.Must(201, "POST", "/api/webhooks", map[string]any{"url": "http://127.0.0.1:9/in", "campaignIds": []string{gone}}).Map(t)["id"].(string)
	owner.Must(204, "DELETE", "/api/campaigns/"+gone, nil)
	path := "/settings/webhooks/" + id

	d := doc(t, get(t, owner.Client, path, 200).Body)
	if facts := text(byID(d, "webhook-campaigns")); !strings.Contains(facts, "not in this workspace") || !strings.Contains(facts, gone) {
		t.Errorf("campaigns of the endpoint: %q", facts)
	}
	if cs := checked(d, "campaignIds"); !slices.Equal(cs, []string{gone}) {
		t.Errorf("ticked: %v", cs)
	}
	follow(t, owner.Client, postForm(t, owner.Client, path, url.Values{"url": {"http://127.0.0.1:9/moved"}, "campaignIds": {gone}}))
	checkWebhook(t, owner, id, map[string]any{"url": "http://127.0.0.1:9/moved", "campaignIds": []any{gone}})
}

// newCampaign creates a draft campaign through the API and returns its id.
func newCampaign(t *testing.T, acc *apptest.Account, name string) string {
	t.Helper()
	return acc.Must(201, "POST", "/api/campaigns", map[string]string{"name": name, "timezone": "UTC"}).Map(t)["id"].(string)
}

// checkWebhook fails unless the API shows the endpoint with these fields.
func checkWebhook(t *testing.T, acc *apptest.Account, id string, want map[string]any) {
	t.Helper()
	h := acc.Must(200, "GET", "/api/webhooks/"+id, nil).Map(t)
	for k, v := range want {
		if !reflect.DeepEqual(h[k], v) {
			t.Errorf("webhook %s: %v, want %v", k, h[k], v)
		}
	}
}
