package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// testSequenceEditorSkipIf saves a step's condition from the editor, shows
// it again, names a bad one's field, and clears it; the reply routes the
// cards do not show are kept.
func testSequenceEditorSkipIf(t *testing.T, srv *apptest.Server) {
	a := srv.SignUp(t, "Ann")
	id := newWizardCampaign(t, a, "Skips")
	seq := "/campaigns/" + id + "/setup/sequence"
	a.Must(http.StatusOK, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{
		"steps": []map[string]any{{"subject": "Hi", "body": "One"}, {"delayDays": 3, "body": "Two"}},
		"routes": []map[string]any{{"name": "Later", "when": map[string]any{"keywords": []string{"next quarter"}},
			"steps": []map[string]any{{"delayDays": 60, "body": "Back as promised"}}}}})

	d := doc(t, get(t, a.Client, seq, http.StatusOK).Body)
	if byID(d, "f-steps[0].skipIf.op") != nil || byID(d, "f-steps[1].skipIf.op") == nil {
		t.Fatal("the condition belongs on every step after the first, and only there")
	}
	form := url.Values{"steps[0].delayDays": {"0"}, "steps[0].subject": {"Hi"}, "steps[0].body": {"One"},
		"steps[1].delayDays": {"3"}, "steps[1].body": {"Two"},
		"steps[1].skipIf.field": {"company"}, "steps[1].skipIf.op": {"equals"}, "steps[1].skipIf.value": {""}, "action": {"save"}}

	// equals without a value: the error is next to the value.
	r := postForm(t, a.Client, seq, form)
	if r.Status != http.StatusUnprocessableEntity || byID(doc(t, r.Body), "f-steps[1].skipIf.value-error") == nil {
		t.Fatalf("a condition without its value: %d %.300s", r.Status, text(doc(t, r.Body)))
	}

	form.Set("steps[1].skipIf.value", "Acme")
	if r = postForm(t, a.Client, seq, form); r.Status != http.StatusSeeOther {
		t.Fatalf("save with a condition: %d %.300s", r.Status, text(doc(t, r.Body)))
	}
	s := a.Must(http.StatusOK, "GET", "/api/campaigns/"+id+"/sequence", nil).Map(t)
	skip, _ := s["steps"].([]any)[1].(map[string]any)["skipIf"].(map[string]any)
	if skip["field"] != "company" || skip["op"] != "equals" || skip["value"] != "Acme" {
		t.Fatalf("stored condition: %v", s["steps"])
	}
	if len(s["routes"].([]any)) != 1 {
		t.Fatalf("the save dropped the reply routes: %v", s["routes"])
	}
	d = doc(t, get(t, a.Client, seq, http.StatusOK).Body)
	value, _ := attr(byID(d, "f-steps[1].skipIf.value"), "value")
	if selected(byID(d, "f-steps[1].skipIf.field")) != "company" || selected(byID(d, "f-steps[1].skipIf.op")) != "equals" || value != "Acme" {
		t.Errorf("the editor shows the condition as %q %q %q", selected(byID(d, "f-steps[1].skipIf.field")),
			selected(byID(d, "f-steps[1].skipIf.op")), value)
	}

	// "never skip" clears it; the routes stay.
	form.Set("steps[1].skipIf.op", "")
	if r = postForm(t, a.Client, seq, form); r.Status != http.StatusSeeOther {
		t.Fatalf("save without a condition: %d %.300s", r.Status, text(doc(t, r.Body)))
	}
	s = a.Must(http.StatusOK, "GET", "/api/campaigns/"+id+"/sequence", nil).Map(t)
	if _, ok := s["steps"].([]any)[1].(map[string]any)["skipIf"]; ok || len(s["routes"].([]any)) != 1 {
		t.Fatalf("after clearing the condition: %v routes %v", s["steps"], s["routes"])
	}
}

// testRunningSequenceEditAddsStep adds a step to an active campaign from
// the editor: the save shows the dry run, the confirmation stores it.
func testRunningSequenceEditAddsStep(t *testing.T, srv *apptest.Server) {
	a := srv.SignUp(t, "Ann").AddPostalAddress()
	id := newWizardCampaign(t, a, "Growing")
	mailbox := a.Must(http.StatusCreated, "POST", "/api/inboxes/sandbox", map[string]string{"email": "ann@grow.example"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "PATCH", "/api/campaigns/"+id, map[string]any{"inboxIds": []string{mailbox}})
	a.Must(http.StatusOK, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi", "body": "First"}}})
	lead := a.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "kim@acme.example"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{lead}})
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+id+"/launch", nil)

	seq := "/campaigns/" + id + "/setup/sequence"
	page := string(get(t, a.Client, seq, http.StatusOK).Body)
	if !strings.Contains(page, `value="add-step"`) {
		t.Fatal("an active campaign's editor offers no step to add")
	}
	form := url.Values{"steps[0].delayDays": {"0"}, "steps[0].position": {"1"}, "steps[0].subject": {"Hi"},
		"steps[0].body": {"First"}, "action": {"add-step"}}
	r := postForm(t, a.Client, seq, form)
	if r.Status != http.StatusOK || byID(doc(t, r.Body), "f-steps[1].body") == nil {
		t.Fatalf("add a step: %d", r.Status)
	}
	form.Set("action", "save")
	form.Set("steps[1].delayDays", "2")
	form.Set("steps[1].body", "Second")
	form.Set("steps[1].skipIf.op", "replied_elsewhere")
	r = postForm(t, a.Client, seq, form)
	summary := byID(doc(t, r.Body), "edit-summary-title")
	if r.Status != http.StatusOK || summary == nil || !strings.Contains(text(summary.Parent), "Step 2 (new)") {
		t.Fatalf("the added step's save shows no dry run: %d %.500s", r.Status, text(doc(t, r.Body)))
	}
	if s := a.Must(http.StatusOK, "GET", "/api/campaigns/"+id+"/sequence", nil).Map(t); len(s["steps"].([]any)) != 1 {
		t.Fatal("the save stored the step before the user confirmed")
	}
	form.Set("confirmVersion", "1")
	if r = postForm(t, a.Client, seq, form); r.Status != http.StatusSeeOther {
		t.Fatalf("confirmed save: %d %.300s", r.Status, text(doc(t, r.Body)))
	}
	s := a.Must(http.StatusOK, "GET", "/api/campaigns/"+id+"/sequence", nil).Map(t)
	steps := s["steps"].([]any)
	if len(steps) != 2 || steps[1].(map[string]any)["body"] != "Second" || s["version"].(float64) != 2 {
		t.Fatalf("sequence after the confirmed save: %v", s)
	}
	if skip, _ := steps[1].(map[string]any)["skipIf"].(map[string]any); skip["op"] != "replied_elsewhere" {
		t.Errorf("the added step's condition: %v", steps[1])
	}

	// A reorder (only a crafted form can ask for one) is refused next to
	// the step that names its place.
	form = url.Values{"steps[0].delayDays": {"0"}, "steps[0].position": {"1"}, "steps[0].subject": {"Hi"}, "steps[0].body": {"First"},
		"steps[1].delayDays": {"2"}, "steps[1].position": {"2"}, "steps[1].body": {"Second"},
		"steps[2].delayDays": {"2"}, "steps[2].position": {"1"}, "steps[2].body": {"Hi again"}, "action": {"save"}}
	r = postForm(t, a.Client, seq, form)
	if e := byID(doc(t, r.Body), "step-3-position-error"); r.Status != http.StatusConflict || e == nil {
		t.Fatalf("a reorder: %d %.300s", r.Status, text(doc(t, r.Body)))
	}
}
