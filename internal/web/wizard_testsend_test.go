package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

func init() {
	pageIsolationCases = append(pageIsolationCases, struct{ method, path string }{"POST", "/campaigns/{campaign}/setup/test"})
}

// TestSendTestFromThePreview presses "Send test to me" in the sequence
// editor's preview pane, without JavaScript: a POST of the one form, a
// redirect back to the preview, a flash message with the result.
func TestSendTestFromThePreview(t *testing.T) {
	srv := apptest.Start(t, map[string]string{"LEADBITZ_SCHEDULER": "off"})
	a := srv.SignUp(t, "Ann")
	id := newWizardCampaign(t, a, "Tests")
	mailbox := a.Must(http.StatusCreated, "POST", "/api/inboxes/sandbox", map[string]string{"email": "sales@sender.test"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "PATCH", "/api/campaigns/"+id, map[string]any{"inboxIds": []string{mailbox}})
	a.Must(http.StatusOK, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{
		{"delayDays": 0, "subject": "Hi {{firstName}}", "body": "Hello {{firstName}} at {{company}}."},
		{"delayDays": 3, "subject": "", "body": "Any thoughts, {{firstName}}?"}}})
	kim := a.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "kim@acme.example", "firstName": "Kim", "company": "Acme"}).Map(t)["id"].(string)
	lee := a.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "lee@acme.example", "firstName": "Lee", "company": "Acme"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{kim, lee}})

	// The preview of Kim has the form and one button per step.
	seq := "/campaigns/" + id + "/setup/sequence"
	d := doc(t, get(t, a.Client, seq+"?lead="+kim, http.StatusOK).Body)
	form := byID(d, "test-send")
	if form == nil {
		t.Fatal("no test-send form in the preview")
	}
	if action, _ := attr(form, "action"); action != "/campaigns/"+id+"/setup/test" {
		t.Fatalf("form action %q", action)
	}
	page := string(get(t, a.Client, seq+"?lead="+kim, http.StatusOK).Body)
	for _, want := range []string{`name="lead" value="` + kim + `"`, `name="inbox" value="` + mailbox + `"`,
		`form="test-send" name="step" value="1:A"`, `form="test-send" name="step" value="2:A"`, "Send test to me"} {
		if !strings.Contains(page, want) {
			t.Errorf("preview lacks %s", want)
		}
	}

	// Pressing step 2's button sends it for Kim, to Ann, and says so.
	r := postForm(t, a.Client, "/campaigns/"+id+"/setup/test", url.Values{"lead": {kim}, "inbox": {mailbox}, "from": {"sequence"}, "step": {"2:A"}})
	if loc := r.Header.Get("Location"); r.Status != http.StatusSeeOther || loc != seq+"?lead="+kim+"#preview" {
		t.Fatalf("after the test: %d to %q", r.Status, loc)
	}
	back := follow(t, a.Client, r)
	if got := text(doc(t, back.Body)); !strings.Contains(got, "Sent a test of step 2 to "+a.Email+": “[Test] Re: Hi Kim”.") {
		t.Errorf("no flash with the result: %.600s", got)
	}
	sent := a.Must(http.StatusOK, "GET", "/api/inboxes/"+mailbox+"/sandbox/messages", nil).Map(t)["items"].([]any)
	if len(sent) != 1 {
		t.Fatalf("sandbox sent %d", len(sent))
	}
	if m := sent[0].(map[string]any); m["to"] != a.Email || m["subject"] != "[Test] Re: Hi Kim" || !strings.Contains(m["body"].(string), "Any thoughts, Kim?") {
		t.Fatalf("sent %v", m)
	}

	// A refusal comes back as an error flash on the page it came from.
	a.Must(http.StatusOK, "PATCH", "/api/inboxes/"+mailbox, map[string]any{"status": "paused"})
	r = postForm(t, a.Client, "/campaigns/"+id+"/setup/test", url.Values{"lead": {kim}, "inbox": {mailbox}, "from": {"review"}, "step": {"1:A"}})
	if loc := r.Header.Get("Location"); loc != "/campaigns/"+id+"/setup/review?lead="+kim+"#preview" {
		t.Fatalf("refused test went to %q", loc)
	}
	d = doc(t, follow(t, a.Client, r).Body)
	if got := text(d); !strings.Contains(got, "The test was not sent: The mailbox sales@sender.test is paused") {
		t.Errorf("no error flash: %.600s", got)
	}
	if byID(d, "test-send") == nil {
		t.Error("the review page's preview has no test-send form")
	}

	// Another workspace's campaign is not found; a cross-site post is refused.
	b := srv.SignUp(t, "Bob")
	if r := postForm(t, b.Client, "/campaigns/"+id+"/setup/test", url.Values{"step": {"1:A"}}); r.Status != http.StatusNotFound {
		t.Errorf("another workspace's campaign: %d", r.Status)
	}
	req, _ := http.NewRequest(http.MethodPost, a.URL()+"/campaigns/"+id+"/setup/test", strings.NewReader("step=1%3AA"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := a.Send(req); r.Status != http.StatusForbidden {
		t.Errorf("cross-site post: %d", r.Status)
	}
	if n := len(a.Must(http.StatusOK, "GET", "/api/inboxes/"+mailbox+"/sandbox/messages", nil).Map(t)["items"].([]any)); n != 1 {
		t.Errorf("sandbox sent %d after the refusals", n)
	}
}
