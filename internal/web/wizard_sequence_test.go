package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

func testSequenceEditorButtonsErrorsAndPreview(t *testing.T, srv *apptest.Server) {
	a := srv.SignUp(t, "Ann")
	id := newWizardCampaign(t, a, "Editor")
	seq := "/campaigns/" + id + "/setup/sequence"
	// A lead without a first name, to preview with.
	lead := a.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "kim@acme.example", "company": "Acme"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{lead}})

	d := doc(t, get(t, a.Client, seq, http.StatusOK).Body)
	if byID(d, "f-steps[0].body") == nil || byID(d, "f-steps[1].body") != nil {
		t.Fatal("a new sequence starts with one empty step")
	}
	if !strings.Contains(text(d), "firstName") || !strings.Contains(text(d), "0% filled") {
		t.Errorf("the insert menu lacks the fields with their fill rate: %.300s", text(d))
	}

	form := url.Values{"steps[0].delayDays": {"0"}, "steps[0].subject": {"Hi {{firstName}}"}, "steps[0].body": {"{Hi|Hello} {{firstName}} at {{company}}"}}
	post := func(action string) string {
		t.Helper()
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("action", action)
		r := postForm(t, a.Client, seq, f)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %.300s", action, r.Status, r.Body)
		}
		return string(r.Body)
	}
	// The buttons change the cards without saving.
	page := post("add-step")
	if !strings.Contains(page, `name="steps[1].delayDays" type="number" min="0" max="365" value="3"`) || !strings.Contains(page, "Added step 2") {
		t.Errorf("add step: %.300s", text(doc(t, []byte(page))))
	}
	page = post("add-variant:0")
	if !strings.Contains(page, `name="steps[0].variants[0].body"`) || !strings.Contains(page, "Leads are split evenly") {
		t.Error("add variant B")
	}
	if !strings.Contains(page, `id="v-steps[0].variants[0]" role="tabpanel" data-variant-panel data-variant-open>`) {
		t.Error("the new variant B is not the one shown first")
	}
	// An AI draft needs the product's profile first.
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("action", "draft:0")
	r := postForm(t, a.Client, seq, f)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(byID(doc(t, r.Body), "form-message")), "describe your product in the “Product & ICP” step first") {
		t.Errorf("draft without a profile: %d", r.Status)
	}
	postForm(t, a.Client, "/campaigns/"+id+"/setup/icp/generate", url.Values{"productDescription": {"Route planning for logistics teams."}})
	page = post("draft:0")
	if !strings.Contains(page, "a draft by the offline generator") {
		t.Errorf("AI draft: %.400s", text(doc(t, []byte(page))))
	}
	if s := a.Must(http.StatusOK, "GET", "/api/campaigns/"+id+"/sequence", nil).Map(t); len(s["steps"].([]any)) != 0 {
		t.Fatal("a button other than save stored the sequence")
	}
	// The preview renders the typed text for the lead, the missing first
	// name in red, the spintax choice the engine will make.
	page = post("add-step")
	if !strings.Contains(page, `<mark class="tag-missing" title="This lead has no firstName">{{firstName}}</mark> at Acme`) {
		t.Errorf("preview does not mark the missing tag: %.800s", page[strings.Index(page, `id="preview"`):])
	}

	// Saving an invalid sequence puts each error next to its field and a
	// template error at its place.
	form.Set("steps[0].body", "Hello {{firstName | \"there\"}},\n{we|us} {help")
	form.Set("steps[1].delayDays", "3")
	form.Set("steps[1].body", "")
	form.Set("action", "save")
	r = postForm(t, a.Client, seq, form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid save: %d", r.Status)
	}
	d = doc(t, r.Body)
	if got := text(byID(d, "f-steps[0].body-error")); !strings.Contains(got, "Line 2, column 9") {
		t.Errorf("template error: %q", got)
	}
	if got := text(byID(d, "f-steps[1].body-error")); !strings.Contains(got, "body is required") {
		t.Errorf("empty body error: %q", got)
	}
	if v, _ := attr(byID(d, "f-steps[0].body"), "data-error-at"); v != "39" {
		t.Errorf("cursor offset of the error %q, want 39", v)
	}
	if !strings.Contains(string(r.Body), "{we|us} {help\n        ^") {
		t.Errorf("excerpt with caret missing: %s", r.Body)
	}

	form.Set("steps[0].body", "Hello {{firstName | \"there\"}}, {we|us} help")
	form.Set("steps[1].body", "Following up.")
	r = postForm(t, a.Client, seq, form)
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), "/setup/schedule") {
		t.Fatalf("save: %d %q %.300s", r.Status, r.Header.Get("Location"), text(doc(t, r.Body)))
	}
	if s := a.Must(http.StatusOK, "GET", "/api/campaigns/"+id+"/sequence", nil).Map(t); len(s["steps"].([]any)) != 2 {
		t.Fatalf("saved sequence %v", s)
	}
	if got := text(doc(t, get(t, a.Client, seq, http.StatusOK).Body)); !strings.Contains(got, "2 wordings from spintax") {
		t.Errorf("spintax counter after save: %.300s", got)
	}

	// The live check behind the counter.
	check := func(src string) map[string]any {
		t.Helper()
		r := postForm(t, a.Client, "/templates/check", url.Values{"text": {src}, "field": {"body"}})
		if r.Status != http.StatusOK {
			t.Fatalf("check: %d", r.Status)
		}
		return r.Map(t)
	}
	if got := check("{Hi|Hello|Hey} {{firstName}}, {a|b}"); got["variants"] != float64(6) {
		t.Errorf("check counts %v", got)
	}
	if got := check("Hi {{nmae}}"); got["error"] == nil || got["error"].(map[string]any)["line"] != float64(1) {
		t.Errorf("check error %v", got)
	}
}

func testReviewBlocksLaunchUntilFixed(t *testing.T, srv *apptest.Server) {
	a := srv.SignUp(t, "Ann")
	id := newWizardCampaign(t, a, "Review")
	setup := "/campaigns/" + id + "/setup"

	d := doc(t, get(t, a.Client, setup+"/review", http.StatusOK).Body)
	var red, amber []string
	walk(d, func(n *html.Node) {
		cls, _ := attr(n, "class")
		switch cls {
		case "review-row review-block":
			red = append(red, text(n))
		case "review-row review-warn":
			amber = append(amber, text(n))
		}
	})
	if len(red) != 3 || !strings.Contains(red[0], "Choose at least one mailbox") ||
		!strings.Contains(red[1], "Add your sender postal address") || !strings.Contains(red[1], "Add the address") ||
		!strings.Contains(red[2], "Write at least one step") {
		t.Errorf("red rows %q", red)
	}
	if len(amber) != 1 || !strings.Contains(amber[0], "No leads yet") {
		t.Errorf("amber rows %q", amber)
	}
	r := postForm(t, a.Client, setup+"/launch", nil)
	if r.Status != http.StatusConflict || !strings.Contains(text(byID(doc(t, r.Body), "form-message")), "fix the red rows below") {
		t.Fatalf("launch with red rows: %d", r.Status)
	}

	mailbox := a.Must(http.StatusCreated, "POST", "/api/inboxes/sandbox", map[string]string{"email": "ann@try.example"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "PATCH", "/api/campaigns/"+id, map[string]any{"inboxIds": []string{mailbox}})
	a.Must(http.StatusOK, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi", "body": "See http://example.com/offer"}}})
	lead := a.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "kim@acme.example"}).Map(t)["id"].(string)
	a.Must(http.StatusOK, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{lead}})
	a.AddPostalAddress()
	page := text(doc(t, get(t, a.Client, setup+"/review", http.StatusOK).Body))
	if strings.Contains(page, "Blocks launch") || !strings.Contains(page, "A link does not use https (http://example.com/offer)") {
		t.Errorf("review after the fixes: %.800s", page)
	}
	r = postForm(t, a.Client, setup+"/launch", nil)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/campaigns/"+id {
		t.Fatalf("launch: %d %q", r.Status, r.Header.Get("Location"))
	}
	if got := text(doc(t, follow(t, a.Client, r).Body)); !strings.Contains(got, "Launched. First sends start ") {
		t.Errorf("after launch: %.300s", got)
	}
	// A launched campaign's wizard is done: resuming opens the campaign.
	if r := a.Do("GET", setup, nil); r.Header.Get("Location") != "/campaigns/"+id {
		t.Errorf("resume after launch goes to %q", r.Header.Get("Location"))
	}
	// Its sequence page edits the running campaign, with the tabs.
	if got := text(doc(t, get(t, a.Client, setup+"/sequence", http.StatusOK).Body)); !strings.Contains(got, "changes apply to future sends only") || strings.Contains(got, "Step 4 of 6") {
		t.Errorf("running campaign's sequence page: %.300s", got)
	}
}
