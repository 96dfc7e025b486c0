package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

func TestSandboxMailboxForm(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	r := postForm(t, a.Client, "/mailboxes/sandbox", url.Values{"email": {"nope"}, "timezone": {"Mars/Olympus"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid sandbox: %d", r.Status)
	}
	d := doc(t, r.Body)
	for id, want := range map[string]string{"f-email-error": "Address ",
		"f-timezone-error": "Time zone must be an IANA time zone such as Europe/Paris."} {
		if n := byID(d, id); n == nil || !strings.Contains(text(n), want) {
			t.Errorf("no %q next to its field", want)
		}
	}
	page := follow(t, a.Client, postForm(t, a.Client, "/mailboxes/sandbox", url.Values{"email": {"ann@try.example"}, "displayName": {"Ann"}, "timezone": {"Europe/Paris"}}))
	if !strings.Contains(string(page.Body), "Added the sandbox mailbox ann@try.example") || !strings.Contains(string(page.Body), "Connected") {
		t.Errorf("after adding a sandbox mailbox: %.300s", text(doc(t, page.Body)))
	}
	if !strings.Contains(text(doc(t, get(t, a.Client, "/", 200).Body)), "2 of 6 done") {
		t.Error("the mailbox step did not tick")
	}
	r = postForm(t, a.Client, "/mailboxes/sandbox", url.Values{"email": {"ann@try.example"}, "timezone": {"UTC"}})
	if r.Status != http.StatusConflict || byID(doc(t, r.Body), "f-email-error") == nil {
		t.Errorf("the same sandbox twice: %d", r.Status)
	}
}

func TestCampaignFormLaunchPauseResume(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	stranger := srv.SignUp(t, "Sid")
	mailbox := a.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "ann@try.example"}).Map(t)["id"].(string)

	r := postForm(t, a.Client, "/campaigns/new", url.Values{"name": {""}, "timezone": {"Mars/Olympus"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid campaign: %d", r.Status)
	}
	d := doc(t, r.Body)
	for _, id := range []string{"f-name-error", "f-timezone-error"} {
		if byID(d, id) == nil {
			t.Errorf("no %s", id)
		}
	}
	// A script may still post the whole schedule; the browser's form posts
	// a name and a time zone and the wizard does the rest.
	r = postForm(t, a.Client, "/campaigns/new", url.Values{"name": {"Spring"}, "timezone": {"Europe/Paris"}, "sendStart": {"09:00"},
		"sendEnd": {"17:00"}, "sendDays": {"1", "2", "3", "4", "5"}, "inboxIds": {mailbox}, "stopOnReply": {"on"}})
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(loc, "/setup/mailboxes") {
		t.Fatalf("create: %d to %q %s", r.Status, loc, r.Body)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/campaigns/"), "/setup/mailboxes")
	path := "/campaigns/" + id
	if page := string(follow(t, a.Client, r).Body); !strings.Contains(page, "Created the draft “Spring”") || !strings.Contains(page, "Step 1 of 6") {
		t.Errorf("the wizard does not open on its first step: %.300s", text(doc(t, []byte(page))))
	}
	page := string(get(t, a.Client, path, http.StatusOK).Body)
	for _, want := range []string{"Draft", "Mon–Fri, 09:00–17:00 Europe/Paris", "ann@try.example", "No steps yet", "Continue the setup"} {
		if !strings.Contains(page, want) {
			t.Errorf("new campaign page lacks %q", want)
		}
	}

	// Launch is refused with the list of what to fix.
	r = postForm(t, a.Client, path+"/launch", nil)
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "Write at least one step of the sequence.") ||
		!strings.Contains(string(r.Body), "Add your sender postal address") {
		t.Fatalf("launch without a sequence and a postal address: %d", r.Status)
	}
	a.AddPostalAddress()

	a.Must(200, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi {{firstName | \"there\"}}", "body": "Hello {{firstName | \"there\"}}"},
		{"delayDays": 3, "body": "Following up"},
	}})
	lead := a.Must(201, "POST", "/api/leads", map[string]string{"email": "maya@northwind.example", "firstName": "Maya"}).Map(t)["id"].(string)
	a.Must(200, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{lead}})

	// The other workspace sees nothing and changes nothing.
	if r := stranger.Do("GET", path, nil); r.Status != http.StatusNotFound {
		t.Errorf("stranger's view: %d", r.Status)
	}
	for _, action := range []string{"/launch", "/pause", "/resume"} {
		if r := postForm(t, stranger.Client, path+action, nil); r.Status != http.StatusNotFound {
			t.Errorf("stranger's %s: %d", action, r.Status)
		}
	}
	if r := stranger.Do("GET", "/leads?campaign="+id, nil); r.Status != http.StatusNotFound {
		t.Errorf("stranger's campaign leads: %d", r.Status)
	}

	page = string(follow(t, a.Client, postForm(t, a.Client, path+"/launch", nil)).Body)
	for _, want := range []string{"Launched.", "Active", "3 days after step 1", "Hello {{firstName | &#34;there&#34;}}", ">1<"} {
		if !strings.Contains(page, want) {
			t.Errorf("launched campaign page lacks %q", want)
		}
	}
	page = string(follow(t, a.Client, postForm(t, a.Client, path+"/pause", nil)).Body)
	if !strings.Contains(page, "Paused. Nothing more is sent") || !strings.Contains(page, "Resume</button>") {
		t.Error("pause did not show a paused campaign with Resume")
	}
	if r := postForm(t, a.Client, path+"/pause", nil); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "cannot pause") {
		t.Errorf("pausing twice: %d", r.Status)
	}
	page = string(follow(t, a.Client, postForm(t, a.Client, path+"/resume", nil)).Body)
	if !strings.Contains(page, "Resumed.") {
		t.Error("no flash after resume")
	}
	leadPage := string(get(t, a.Client, "/leads/"+lead, 200).Body)
	if !strings.Contains(leadPage, `href="/campaigns/`+id+`"`) || !strings.Contains(leadPage, "In sequence") || !strings.Contains(leadPage, `class="why"`) {
		t.Error("the lead page does not show the campaign with why the lead waits")
	}
	leads := string(get(t, a.Client, "/leads?campaign="+id, 200).Body)
	if !strings.Contains(leads, "maya@northwind.example") || !strings.Contains(leads, "Leads in the campaign") {
		t.Error("the campaign's leads are not listed")
	}
	if !strings.Contains(string(get(t, a.Client, "/campaigns", 200).Body), `href="/campaigns/`+id+`"`) {
		t.Error("the list does not link the campaign")
	}
}
