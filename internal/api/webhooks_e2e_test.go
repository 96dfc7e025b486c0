package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/webhook"
)

// receiver is a webhook endpoint for tests: it verifies every delivery's
// signature, fails its first `failFirst` answers with 500, can hold one
// request until its context ends (a sender dying mid-delivery), and keeps
// what it accepted by webhook-id.
type receiver struct {
	t       *testing.T
	secret  string
	clock   *mailfake.Clock
	mu      sync.Mutex
	calls   int
	fail    int
	holdAt  int           // hold the holdAt-th call (1-based; 0 none)
	held    chan struct{} // closed when the held call arrived
	got     map[string]string
	dups    int // deliveries of an event it had already accepted
	badSigs int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	rc.mu.Lock()
	rc.calls++
	n := rc.calls
	rc.mu.Unlock()
	if n == rc.holdAt {
		close(rc.held)
		<-r.Context().Done() // the sender goes away before any answer
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	// An hour of tolerance: a request the dying sender gave up on may be
	// checked after the test moved the clock on.
	if !webhook.Verify(rc.secret, r.Header, body, rc.clock.Now(), time.Hour) {
		rc.badSigs++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if rc.fail > 0 {
		rc.fail--
		http.Error(w, "try later", http.StatusInternalServerError)
		return
	}
	var env struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.ID != r.Header.Get("webhook-id") {
		rc.t.Errorf("body %s does not match webhook-id %s", body, r.Header.Get("webhook-id"))
	}
	// A receiver deduplicates by webhook-id (delivery is at least once).
	if _, seen := rc.got[env.ID]; seen {
		rc.dups++
	}
	rc.got[env.ID] = env.Type
	w.WriteHeader(http.StatusNoContent)
}

// TestWebhooksDeliverEachEventOnce is the "done when": a receiver
// started by the test gets, for a sandbox campaign with a reply, an
// unsubscribe and a bounce, every event (by id) with a valid signature,
// although it fails its first two answers and leadbitz itself is stopped
// in the middle of a delivery: a new instance of the app on the same
// database finishes the work once the claim's lease is over.
func TestWebhooksDeliverEachEventOnce(t *testing.T) {
	clock := mailfake.NewClock(time.Now())
	srv := apptest.StartAt(t, map[string]string{"CRON_SECRET": "cron-secret", "LEADBITZ_SCHEDULER": "off"}, app.Options{}, clock.Now)
	owner := srv.SignUp(t, "Owner").AddPostalAddress()
	mailboxID := owner.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "sales@sender.test"}).Map(t)["id"].(string)
	owner.Must(200, "PATCH", "/api/inboxes/"+mailboxID, map[string]any{"dailyCap": 10, "rampStart": 0, "minGapSeconds": 0})
	rc := &receiver{t: t, clock: clock, fail: 2, holdAt: 3, held: make(chan struct{}), got: map[string]string{}}
	hook := httptest.NewServer(rc)
	defer hook.Close()
	created := owner.Must(201, "POST", "/api/webhooks", map[string]any{"url": hook.URL + "/leadbitz", "description": "CRM"}).Map(t)
	rc.secret = created["secret"].(string)
	if len(rc.secret) < 20 || rc.secret[:6] != "whsec_" {
		t.Fatalf("secret: %q", rc.secret)
	}
	if again := owner.Must(200, "GET", "/api/webhooks/"+created["id"].(string), nil).Map(t); again["secret"] != nil {
		t.Fatalf("the secret is shown again: %v", again)
	}
	// The API key the test reads the deliveries with after the restart.
	apiKey := owner.Must(201, "POST", "/api/api-keys", map[string]string{"name": "after restart"}).Map(t)["token"].(string)

	ann := createLead(t, owner, "ann@acme.test", "Ann")
	bob := createLead(t, owner, "bob@globex.test", "Bob")
	cat := createLead(t, owner, "cat@initech.test", "Cat")
	cid := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Q1", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi {{firstName}}", "body": "A question for {{company}}."}}})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/leads", map[string]any{"leadIds": []string{ann, bob, cat}})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/launch", nil)
	if res := cronTick(t, srv); res["sent"].(float64) != 3 {
		t.Fatalf("tick: %v", res)
	}
	annMsg, subject := sentMessageID(t, owner, mailboxID, "ann@acme.test")
	owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]string{"from": "Ann <ann@acme.test>",
		"subject": "Re: " + subject, "body": "Interested, tell me more!", "inReplyTo": annMsg})
	catMsg, _ := sentMessageID(t, owner, mailboxID, "cat@initech.test")
	owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]string{"from": "Cat <cat@initech.test>",
		"subject": "Re: " + subject, "body": "Please unsubscribe me.", "inReplyTo": catMsg})
	bobMsg, _ := sentMessageID(t, owner, mailboxID, "bob@globex.test")
	owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]any{"from": "mailer-daemon@sender.test",
		"subject": "Undelivered Mail Returned to Sender", "inReplyTo": bobMsg,
		"body":    "<bob@globex.test>: host mx.globex.test said: 550 5.1.1 User unknown",
		"headers": map[string]string{"X-Failed-Recipients": "bob@globex.test", "Auto-Submitted": "auto-replied"}})
	cronSync(t, srv)

	var feed feedPage
	owner.Must(200, "GET", "/api/events?limit=500", nil).JSON(t, &feed)
	want := map[string]string{}
	for _, e := range feed.Items {
		if e.CreatedAt >= created["createdAt"].(string) {
			want[e.ID] = e.Type
		}
	}
	for _, typ := range []string{"email.sent", "reply.received", "lead.unsubscribed", "email.bounced", "lead.suppressed"} {
		found := false
		for _, got := range want {
			found = found || got == typ
		}
		if !found {
			t.Fatalf("no %s event in the feed: %v", typ, want)
		}
	}

	// The app's webhook workers (app.Serve runs RunOnce in a loop): the
	// receiver fails twice, then holds its third call; leadbitz is
	// stopped while it waits, before it can record any of the batch.
	ctx, die := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 3 { // the first attempt, then two retries
			if _, err := srv.Webhooks.RunOnce(ctx); err != nil && ctx.Err() == nil {
				t.Errorf("run: %v", err)
			}
			clock.Add(10 * time.Minute)
		}
	}()
	select {
	case <-rc.held:
	case <-time.After(20 * time.Second):
		t.Fatal("the receiver never got a third call")
	}
	srv.Stop()
	die()
	<-done

	// leadbitz after its restart: a new instance on the same database
	// finishes the work once the leases and retry delays are over.
	again := srv.Restart(t, clock.Now)
	for range 20 {
		clock.Add(15 * time.Minute)
		if _, err := again.Webhooks.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.badSigs != 0 {
		t.Errorf("%d deliveries with a bad signature", rc.badSigs)
	}
	for id, typ := range want {
		if rc.got[id] != typ {
			t.Errorf("event %s (%s) not received", id, typ)
		}
	}
	if len(rc.got) != len(want) {
		t.Errorf("received %d events, want %d: %v", len(rc.got), len(want), rc.got)
	}
	// What the stopped instance had delivered but not recorded comes again
	// (at least once); the held call, never answered, is not a duplicate.
	t.Logf("%d events, %d delivered again after the restart", len(want), rc.dups)
	if rc.dups > len(want) {
		t.Errorf("%d duplicates for %d events", rc.dups, len(want))
	}
	// Every delivery is marked delivered, with its answer.
	var page struct {
		Items []webhook.DeliveryView `json:"items"`
	}
	reader := again.Client(t)
	reader.Headers["Authorization"] = "Bearer " + apiKey
	reader.Must(200, "GET", "/api/webhooks/"+created["id"].(string)+"/deliveries?limit=200", nil).JSON(t, &page)
	for _, d := range page.Items {
		if d.Status != "delivered" || d.ResponseCode != 204 || d.Payload == nil {
			t.Errorf("delivery: %+v", d)
		}
	}
	if len(page.Items) != len(want) {
		t.Errorf("%d deliveries, want %d", len(page.Items), len(want))
	}
}
