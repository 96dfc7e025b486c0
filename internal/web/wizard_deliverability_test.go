package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// TestScheduleStepSetsDeliverabilityOptions: the wizard's schedule step
// turns allowRisky and espMatching on and off, and the campaign page says
// which are on.
func TestScheduleStepSetsDeliverabilityOptions(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	id := a.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Spring", "timezone": "UTC"}).Map(t)["id"].(string)
	path := "/campaigns/" + id + "/setup/schedule"
	checked := func(name string) bool {
		var box *html.Node
		walk(doc(t, get(t, a.Client, path, http.StatusOK).Body), func(n *html.Node) {
			if v, _ := attr(n, "name"); n.Data == "input" && v == name {
				box = n
			}
		})
		if box == nil {
			t.Fatalf("no %s checkbox", name)
		}
		_, on := attr(box, "checked")
		return on
	}
	if checked("allowRisky") || checked("espMatching") {
		t.Fatal("the options are on by default")
	}
	schedule := url.Values{"timezone": {"UTC"}, "sendStart": {"09:00"}, "sendEnd": {"17:00"}, "sendDays": {"1", "2"},
		"stopOnReply": {"on"}, "allowRisky": {"on"}, "espMatching": {"on"}, "action": {"forecast"}}
	if r := postForm(t, a.Client, path, schedule); r.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %.300s", r.Status, r.Body)
	}
	c := a.Must(200, "GET", "/api/campaigns/"+id, nil).Map(t)
	if c["allowRisky"] != true || c["espMatching"] != true {
		t.Fatalf("after saving both on: %v %v", c["allowRisky"], c["espMatching"])
	}
	if !checked("allowRisky") || !checked("espMatching") {
		t.Error("the form does not show the saved options")
	}
	page := text(doc(t, get(t, a.Client, "/campaigns/"+id, http.StatusOK).Body))
	if !strings.Contains(page, "Risky addressesSent to") || !strings.Contains(page, "Provider matchingOn") {
		t.Errorf("campaign page: %.1500s", page)
	}
	schedule.Del("allowRisky")
	postForm(t, a.Client, path, schedule)
	if c := a.Must(200, "GET", "/api/campaigns/"+id, nil).Map(t); c["allowRisky"] != false || c["espMatching"] != true {
		t.Fatalf("after unchecking allowRisky: %v %v", c["allowRisky"], c["espMatching"])
	}
}
