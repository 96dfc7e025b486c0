package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// testRunningSequenceEditAsksFirst saves a running campaign's sequence from
// the editor: the first save only shows what it would do, the confirmation
// saves it as version 2.
func testRunningSequenceEditAsksFirst(t *testing.T, srv *apptest.Server) {
	a := srv.SignUp(t, "Ann").AddPostalAddress()
	id := newWizardCampaign(t, a, "Running")
	mailbox := a.Must(http.StatusCreated, "POST", "/api/inboxes/sandbox", map[string]string{"email": "ann@run.example"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "PATCH", "/api/campaigns/"+id, map[string]any{"inboxIds": []string{mailbox}})
	a.Must(http.StatusOK, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi", "body": "Version one"}}})
	lead := a.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "kim@acme.example"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{lead}})
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+id+"/launch", nil)

	seq := "/campaigns/" + id + "/setup/sequence"
	form := url.Values{"steps[0].delayDays": {"0"}, "steps[0].position": {"1"}, "steps[0].subject": {"Hi"},
		"steps[0].body": {"Version two"}, "action": {"save"}}
	r := postForm(t, a.Client, seq, form)
	page := text(byID(doc(t, r.Body), "edit-summary-title").Parent)
	if r.Status != http.StatusOK || !strings.Contains(page, "save as version 2?") ||
		!strings.Contains(page, "1 waiting email takes the new text") {
		t.Fatalf("first save of a running campaign: %d %.600s", r.Status, page)
	}
	if s := a.Must(http.StatusOK, "GET", "/api/campaigns/"+id+"/sequence", nil).Map(t); s["steps"].([]any)[0].(map[string]any)["body"] != "Version one" {
		t.Fatal("the save stored the sequence before the user confirmed")
	}
	form.Set("confirmVersion", "1")
	r = postForm(t, a.Client, seq, form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("confirmed save: %d %.300s", r.Status, r.Body)
	}
	if got := text(doc(t, follow(t, a.Client, r).Body)); !strings.Contains(got, "Saved version 2 of the sequence") {
		t.Errorf("after the confirmed save: %.300s", got)
	}
	s := a.Must(http.StatusOK, "GET", "/api/campaigns/"+id+"/sequence", nil).Map(t)
	if s["steps"].([]any)[0].(map[string]any)["body"] != "Version two" || s["version"].(float64) != 2 {
		t.Fatalf("sequence after the confirmed save: %v", s)
	}
}

// testCampaignPageShowsSequenceVersions edits a running campaign's step
// between two ticks: the campaign page counts step 1 under both versions.
func testCampaignPageShowsSequenceVersions(t *testing.T, srv *apptest.Server) {
	a := srv.SignUp(t, "Ann").AddPostalAddress()
	mailbox := a.Must(http.StatusCreated, "POST", "/api/inboxes/sandbox", map[string]string{"email": "ann@ver.example"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "PATCH", "/api/inboxes/"+mailbox, map[string]any{"rampStart": 0, "minGapSeconds": 0})
	id := a.Must(http.StatusCreated, "POST", "/api/campaigns", map[string]any{"name": "Versions", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailbox}}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi", "body": "Version one"}, {"delayDays": 5, "body": "Later"}}})
	kim := a.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "kim@acme.example"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{kim}})
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+id+"/launch", nil)
	if _, err := srv.Sending.Engine.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.Must(http.StatusOK, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi", "body": "Version two"}, {"delayDays": 5, "body": "Later"}}})
	lee := a.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "lee@acme.example"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{lee}})
	if _, err := srv.Sending.Engine.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	table := byID(doc(t, get(t, a.Client, "/campaigns/"+id, http.StatusOK).Body), "versions-title")
	if table == nil {
		t.Fatal("the campaign page has no table by version")
	}
	got := text(table.Parent)
	if !strings.Contains(got, "version 2 is the current one") || !strings.Contains(got, "Step 1v11") || !strings.Contains(got, "Step 1v21") {
		t.Errorf("the table by version: %q", got)
	}
}
