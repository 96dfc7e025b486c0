package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// The reply routes editor: a tab per route beside the main sequence; a
// route saved through the form is the API's; a bad one shows the
// service's error beside its field; the sequence editor keeps the routes.
func TestReplyRoutesEditor(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	id := newWizardCampaign(t, a, "Routes")
	a.Must(http.StatusOK, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi", "body": "Hello."}, {"delayDays": 2, "body": "Bump.",
			"skipIf": map[string]string{"field": "company", "op": "empty"}}}})
	routes := "/campaigns/" + id + "/routes"
	page := string(get(t, a.Client, routes, http.StatusOK).Body)
	if !strings.Contains(page, "Main sequence") || !strings.Contains(page, "+ New route") ||
		!strings.Contains(page, `name="routes[0].when.categories.interested"`) {
		t.Fatalf("routes page: %.600s", text(doc(t, []byte(page))))
	}

	bad := postForm(t, a.Client, routes, url.Values{"route": {"0"}, "action": {"save"}, "routes[0].name": {"Later"},
		"routes[0].steps[0].body": {"Next quarter then."}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.Body), "needs at least one category or keyword") {
		t.Fatalf("route without a condition: %d %.600s", bad.Status, text(doc(t, bad.Body)))
	}
	r := postForm(t, a.Client, routes, url.Values{"route": {"0"}, "action": {"save"}, "routes[0].name": {"Later"},
		"routes[0].when.keywords": {"next quarter, later"}, "routes[0].when.categories.not_interested": {"on"},
		"routes[0].steps[0].delayDays": {"60"}, "routes[0].steps[0].delayMinutes": {"90"}, "routes[0].steps[0].body": {"Is now a better time?"}})
	follow(t, a.Client, r)
	seq := a.Must(http.StatusOK, "GET", "/api/campaigns/"+id+"/sequence", nil).Map(t)
	rs := seq["routes"].([]any)
	if len(rs) != 1 {
		t.Fatalf("routes after saving: %v", rs)
	}
	got := rs[0].(map[string]any)
	if got["name"] != "Later" || len(got["when"].(map[string]any)["keywords"].([]any)) != 2 ||
		got["steps"].([]any)[0].(map[string]any)["delayDays"].(float64) != 60 ||
		got["steps"].([]any)[0].(map[string]any)["delayMinutes"].(float64) != 90 {
		t.Fatalf("saved route: %v", got)
	}
	if page := string(get(t, a.Client, routes+"?route=0", http.StatusOK).Body); !strings.Contains(page, `aria-current="page">Later</a>`) ||
		!strings.Contains(page, `name="routes[0].steps[0].delayMinutes" type="number" min="0" max="10080" value="90"`) {
		t.Fatalf("the route's tab: %.600s", page)
	}

	// Saving the main sequence's cards (which carry the condition) keeps
	// the route and the condition.
	r = postForm(t, a.Client, "/campaigns/"+id+"/setup/sequence", url.Values{"action": {"save"},
		"steps[0].delayDays": {"0"}, "steps[0].subject": {"Hi"}, "steps[0].body": {"Hello again."},
		"steps[1].delayDays": {"2"}, "steps[1].body": {"Bump."}, "steps[1].skipIf.field": {"company"}, "steps[1].skipIf.op": {"empty"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save the sequence: %d %.400s", r.Status, r.Body)
	}
	seq = a.Must(http.StatusOK, "GET", "/api/campaigns/"+id+"/sequence", nil).Map(t)
	if len(seq["routes"].([]any)) != 1 || seq["steps"].([]any)[1].(map[string]any)["skipIf"] == nil {
		t.Fatalf("the sequence editor dropped routes or conditions: %v", seq)
	}

	r = postForm(t, a.Client, routes, url.Values{"route": {"0"}, "action": {"delete"}})
	follow(t, a.Client, r)
	if rs := a.Must(http.StatusOK, "GET", "/api/campaigns/"+id+"/sequence", nil).Map(t)["routes"].([]any); len(rs) != 0 {
		t.Fatalf("routes after removing: %v", rs)
	}
}
