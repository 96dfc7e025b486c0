package webhook

import (
	"net/http"
	"net/netip"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
)

func TestDecide(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	recent, old := now.Add(-time.Hour), now.Add(-73*time.Hour)
	cases := []struct {
		name     string
		a        answer
		attempts int
		failing  *time.Time
		status   string
		next     time.Duration
		disable  bool
	}{
		{"2xx delivered", answer{code: 204}, 1, &recent, store.DeliveryDelivered, 0, false},
		{"410 disables", answer{code: 410}, 1, nil, store.DeliveryFailed, 0, true},
		{"network error retries in 30 s", answer{err: "refused"}, 1, nil, store.DeliveryPending, 30 * time.Second, false},
		{"500 second retry 2 m", answer{code: 500}, 2, &recent, store.DeliveryPending, 2 * time.Minute, false},
		{"429 honours a longer Retry-After", answer{code: 429, retryAfter: time.Hour}, 1, nil, store.DeliveryPending, time.Hour, false},
		{"Retry-After capped at 12 h", answer{code: 503, retryAfter: 100 * time.Hour}, 1, nil, store.DeliveryPending, 12 * time.Hour, false},
		{"408 retries", answer{code: 408}, 6, nil, store.DeliveryPending, 6 * time.Hour, false},
		{"then every 12 h", answer{code: 502}, 9, &recent, store.DeliveryPending, 12 * time.Hour, false},
		{"400 fails without retry", answer{code: 400}, 1, nil, store.DeliveryFailed, 0, false},
		{"a redirect is not followed and fails", answer{code: 302}, 1, nil, store.DeliveryFailed, 0, false},
		{"three days of failures disable", answer{code: 500}, 12, &old, store.DeliveryFailed, 0, true},
	}
	for _, c := range cases {
		v := decide(c.a, c.attempts, c.failing, now)
		if v.status != c.status || (v.disable != "") != c.disable {
			t.Errorf("%s: %+v", c.name, v)
		}
		if c.status == store.DeliveryPending && v.nextAt.Sub(now) != c.next {
			t.Errorf("%s: next in %v, want %v", c.name, v.nextAt.Sub(now), c.next)
		}
	}
}

func TestRetryScheduleSpansThreeDays(t *testing.T) {
	var total time.Duration
	n := 0
	for total < GiveUpAfter {
		n++
		total += retryDelay(n)
	}
	if n < 8 || n > 12 {
		t.Fatalf("%d attempts over three days", n)
	}
}

func TestCheckURL(t *testing.T) {
	allow := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	for raw, ok := range map[string]bool{
		"https://hooks.example.com/x": true,
		"http://hooks.example.com/x":  false,
		"http://127.0.0.1:8080/x":     true,
		"http://10.0.0.1/x":           false,
		"https://user:pw@example.com": false,
		"ftp://example.com":           false,
		"/relative":                   false,
	} {
		if got := checkURL(raw, allow) == ""; got != ok {
			t.Errorf("%s: allowed %v, want %v", raw, got, ok)
		}
	}
	if checkURL("http://127.0.0.1/x", nil) == "" {
		t.Error("http to loopback allowed without LEADBITZ_ALLOW_PRIVATE_NETWORKS")
	}
}

func TestSignAndVerify(t *testing.T) {
	secret, old := NewSecret(), NewSecret()
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"e1"}`)
	h := http.Header{}
	h.Set("webhook-id", "e1")
	h.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("webhook-signature", Sign([]string{secret, old}, "e1", now, body))
	if !Verify(secret, h, body, now, 5*time.Minute) || !Verify(old, h, body, now, 5*time.Minute) {
		t.Fatal("a signature of either secret during a rotation must verify")
	}
	if Verify(NewSecret(), h, body, now, 5*time.Minute) {
		t.Fatal("another secret verified")
	}
	if Verify(secret, h, []byte(`{"id":"e2"}`), now, 5*time.Minute) {
		t.Fatal("a changed body verified")
	}
	if Verify(secret, h, body, now.Add(10*time.Minute), 5*time.Minute) {
		t.Fatal("an old timestamp verified")
	}
}

func TestSubscribed(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	e := store.Event{Type: "email.sent", CampaignID: "c1", CreatedAt: at}
	for _, c := range []struct {
		w    store.Webhook
		want bool
	}{
		{store.Webhook{CreatedAt: at}, true},
		{store.Webhook{CreatedAt: at.Add(time.Second)}, false},
		{store.Webhook{Events: []string{"reply.received"}, CreatedAt: at}, false},
		{store.Webhook{Events: []string{"email.sent"}, CampaignIDs: []string{"c1"}, CreatedAt: at}, true},
		{store.Webhook{CampaignIDs: []string{"c2"}, CreatedAt: at}, false},
	} {
		if got := subscribed(c.w, e); got != c.want {
			t.Errorf("%+v: %v", c.w, got)
		}
	}
}

func TestLeadQueues(t *testing.T) {
	events := map[string]store.Event{
		"e1": {ID: "e1", Data: `{"lead":{"id":"ann"}}`},
		"e2": {ID: "e2", Data: `{"lead":{"id":"bob"}}`},
		"e3": {ID: "e3", Data: `{"lead":{"id":"ann"}}`},
		"e4": {ID: "e4", Data: `{"campaign":{"id":"c"}}`},
		"e5": {ID: "e5", Data: `{"campaign":{"id":"c"}}`},
	}
	// Claimed out of event order (a retry comes due after later events).
	claimed := []store.Delivery{
		{WebhookID: "w1", EventID: "e3"}, {WebhookID: "w1", EventID: "e2"}, {WebhookID: "w1", EventID: "e1"},
		{WebhookID: "w2", EventID: "e1"}, {WebhookID: "w1", EventID: "e4"}, {WebhookID: "w1", EventID: "e5"},
	}
	got := [][]string{}
	for _, q := range leadQueues(claimed, events) {
		var ids []string
		for _, i := range q {
			ids = append(ids, claimed[i].WebhookID+"/"+claimed[i].EventID)
		}
		got = append(got, ids)
	}
	want := [][]string{{"w1/e1", "w1/e3"}, {"w1/e2"}, {"w2/e1"}, {"w1/e4"}, {"w1/e5"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("queues %v, want %v", got, want)
	}
}
