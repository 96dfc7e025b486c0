package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

func testSuppressionAddAndRemoveGoThroughConfirmPages(t *testing.T, srv *apptest.Server) {
	a := srv.SignUp(t, "Ann").AddPostalAddress()
	// Two leads at acme.example in a running campaign.
	mailbox := a.Must(http.StatusCreated, "POST", "/api/inboxes/sandbox", map[string]string{"email": "ann@try.example"}).Map(t)["id"].(string)
	c := a.Must(http.StatusCreated, "POST", "/api/campaigns", map[string]any{"name": "c", "timezone": "UTC", "inboxIds": []string{mailbox}}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "PUT", "/api/campaigns/"+c+"/sequence", map[string]any{"steps": []map[string]any{{"subject": "Hi", "body": "Hello"}}})
	var ids []string
	for _, e := range []string{"a@acme.example", "b@acme.example", "c@other.example"} {
		ids = append(ids, a.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": e}).Map(t)["id"].(string))
	}
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+c+"/leads", map[string]any{"leadIds": ids})
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+c+"/launch", nil)

	get(t, a.Client, "/leads/suppressions/new", http.StatusOK)
	r := postForm(t, a.Client, "/leads/suppressions/new", url.Values{"domain": {"not a domain"}, "reason": {"manual"}})
	if r.Status != http.StatusUnprocessableEntity || byID(doc(t, r.Body), "f-domain-error") == nil {
		t.Fatalf("invalid domain: %d", r.Status)
	}
	// The first post asks, naming whom it stops; nothing is added yet.
	r = postForm(t, a.Client, "/leads/suppressions/new", url.Values{"domain": {"@ACME.example"}, "reason": {"manual"}, "source": {"asked by phone"}})
	page := text(doc(t, r.Body))
	if r.Status != http.StatusOK || !strings.Contains(page, "Suppress everyone at acme.example?") || !strings.Contains(page, "This stops 2 leads in 1 running campaign") {
		t.Fatalf("confirm page: %d %.500s", r.Status, page)
	}
	if list := a.Must(http.StatusOK, "GET", "/api/suppressions", nil).Map(t)["items"].([]any); len(list) != 0 {
		t.Fatal("the confirm page added the suppression")
	}
	r = postForm(t, a.Client, "/leads/suppressions/new", url.Values{"domain": {"@ACME.example"}, "reason": {"manual"}, "source": {"asked by phone"}, "confirm": {"yes"}})
	if got := text(doc(t, follow(t, a.Client, r).Body)); !strings.Contains(got, "Suppressed acme.example: no campaign will email it again.") || !strings.Contains(got, "asked by phone") {
		t.Errorf("after confirming: %.400s", got)
	}
	// The same again changes nothing, and says so.
	r = postForm(t, a.Client, "/leads/suppressions/new", url.Values{"domain": {"acme.example"}, "confirm": {"yes"}})
	if got := text(doc(t, follow(t, a.Client, r).Body)); !strings.Contains(got, "acme.example was already suppressed") {
		t.Errorf("twice: %.300s", got)
	}

	list := a.Must(http.StatusOK, "GET", "/api/suppressions", nil).Map(t)["items"].([]any)
	id := list[0].(map[string]any)["id"].(string)
	page = text(doc(t, get(t, a.Client, "/leads/suppressions/"+id+"/remove", http.StatusOK).Body))
	if !strings.Contains(page, "Campaigns may email addresses at acme.example again") {
		t.Errorf("remove confirm page: %.300s", page)
	}
	r = postForm(t, a.Client, "/leads/suppressions/"+id+"/remove", nil)
	if got := text(doc(t, follow(t, a.Client, r).Body)); !strings.Contains(got, "Removed acme.example from the suppression list") {
		t.Errorf("after removing: %.300s", got)
	}
	if r := a.Do("GET", "/leads/suppressions/"+id+"/remove", nil); r.Status != http.StatusNotFound {
		t.Errorf("a removed entry's page: %d", r.Status)
	}

	// An erased person's entry cannot be removed; the page says why.
	a.Must(http.StatusNoContent, "DELETE", "/api/leads/"+ids[2], nil)
	list = a.Must(http.StatusOK, "GET", "/api/suppressions?kind=email_hash", nil).Map(t)["items"].([]any)
	if len(list) != 1 {
		t.Fatalf("erasure entries %v", list)
	}
	hash := list[0].(map[string]any)["id"].(string)
	if got := text(doc(t, get(t, a.Client, "/leads/suppressions/"+hash+"/remove", http.StatusOK).Body)); !strings.Contains(got, "it cannot be removed") {
		t.Errorf("erasure entry page: %.300s", got)
	}
	if r := postForm(t, a.Client, "/leads/suppressions/"+hash+"/remove", nil); r.Status != http.StatusConflict {
		t.Errorf("removing an erasure entry: %d", r.Status)
	}
}

func testCampaignLeadsTabExplainsEachLead(t *testing.T, srv *apptest.Server) {
	a := srv.SignUp(t, "Ann").AddPostalAddress()
	mailbox := a.Must(http.StatusCreated, "POST", "/api/inboxes/sandbox", map[string]string{"email": "ann@try.example"}).Map(t)["id"].(string)
	c := a.Must(http.StatusCreated, "POST", "/api/campaigns", map[string]any{"name": "Tabbed", "timezone": "UTC", "inboxIds": []string{mailbox},
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "PUT", "/api/campaigns/"+c+"/sequence", map[string]any{"steps": []map[string]any{{"subject": "Hi", "body": "Hello"}}})
	lead := a.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "kim@acme.example", "firstName": "Kim"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+c+"/leads", map[string]any{"leadIds": []string{lead}})

	page := text(doc(t, get(t, a.Client, "/campaigns/"+c+"/leads", http.StatusOK).Body))
	if !strings.Contains(page, "Kim") || !strings.Contains(page, "kim@acme.example") {
		t.Errorf("draft campaign's leads: %.400s", page)
	}
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+c+"/launch", nil)
	d := doc(t, get(t, a.Client, "/campaigns/"+c+"/leads", http.StatusOK).Body)
	if got := text(d); !strings.Contains(got, "In sequence") || !strings.Contains(got, "Step 1") {
		t.Errorf("launched campaign's leads: %.500s", got)
	}
	var why string
	walk(d, func(n *html.Node) {
		if cls, _ := attr(n, "class"); cls == "why" {
			why = text(n)
		}
	})
	if why == "" {
		t.Error("no answer to why the lead waits")
	}
	// The overview has the 30-day chart with the mailbox cap as a line and
	// the forecast.
	body := string(get(t, a.Client, "/campaigns/"+c, http.StatusOK).Body)
	for _, want := range []string{`class="chart-cap"`, "mailbox caps 30 a day", "Forecast", `aria-current="page">Overview`} {
		if !strings.Contains(body, want) {
			t.Errorf("campaign overview lacks %q", want)
		}
	}
}
