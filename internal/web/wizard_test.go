package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// TestWizardAndLeadsPages runs the page tests of the wizard, imports and
// suppressions on one server (each in its own workspace), which keeps the
// package fast on Postgres where every server costs a database.
func TestWizardAndLeadsPages(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, map[string]string{"LEADBITZ_IMPORT_MAX_BYTES": "2048"})
	for name, fn := range map[string]func(*testing.T, *apptest.Server){
		"WizardResumesWhereTheUserLeft":                     testWizardResumesWhereTheUserLeft,
		"ImportPagesMapProgressRejectedRowsAndHistory":      testImportPagesMapProgressRejectedRowsAndHistory,
		"WizardAddsEveryLeadOfTheFileIncludingExistingOnes": testWizardAddsEveryLeadOfTheFileIncludingExistingOnes,
		"SequenceEditorButtonsErrorsAndPreview":             testSequenceEditorButtonsErrorsAndPreview,
		"ReviewBlocksLaunchUntilFixed":                      testReviewBlocksLaunchUntilFixed,
		"RunningSequenceEditAsksFirst":                      testRunningSequenceEditAsksFirst,
		"CampaignPageShowsSequenceVersions":                 testCampaignPageShowsSequenceVersions,
		"SequenceEditorSkipIf":                              testSequenceEditorSkipIf,
		"RunningSequenceEditAddsStep":                       testRunningSequenceEditAddsStep,
		"SuppressionAddAndRemoveGoThroughConfirmPages":      testSuppressionAddAndRemoveGoThroughConfirmPages,
		"CampaignLeadsTabExplainsEachLead":                  testCampaignLeadsTabExplainsEachLead,
		"RunningImportRefreshesItself":                      testRunningImportRefreshesItself,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, srv)
		})
	}
}

// newWizardCampaign starts a campaign through the form and returns its id.
func newWizardCampaign(t *testing.T, a *apptest.Account, name string) string {
	t.Helper()
	r := postForm(t, a.Client, "/campaigns/new", url.Values{"name": {name}, "timezone": {"UTC"}})
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(loc, "/setup/mailboxes") {
		t.Fatalf("new campaign: %d to %q", r.Status, loc)
	}
	return strings.TrimSuffix(strings.TrimPrefix(loc, "/campaigns/"), "/setup/mailboxes")
}

func testWizardResumesWhereTheUserLeft(t *testing.T, srv *apptest.Server) {
	a := srv.SignUp(t, "Ann")
	id := newWizardCampaign(t, a, "Spring")
	setup := "/campaigns/" + id + "/setup"

	resume := func() string {
		t.Helper()
		r := a.Do("GET", setup, nil)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("resume: %d", r.Status)
		}
		return r.Header.Get("Location")
	}
	if got := resume(); got != setup+"/mailboxes" {
		t.Fatalf("a new campaign resumes at %q", got)
	}
	// A sandbox mailbox added in the wizard is chosen for the campaign.
	page := follow(t, a.Client, postForm(t, a.Client, setup+"/mailboxes/sandbox", url.Values{"email": {"ann@try.example"}, "timezone": {"UTC"}}))
	if d := doc(t, page.Body); !strings.Contains(text(d), "chose it for this campaign") {
		t.Errorf("after adding a sandbox: %.300s", text(d))
	}
	if c := a.Must(200, "GET", "/api/campaigns/"+id, nil).Map(t); len(c["inboxIds"].([]any)) != 1 {
		t.Fatalf("the sandbox is not the campaign's: %v", c["inboxIds"])
	}
	r := postForm(t, a.Client, setup+"/mailboxes", url.Values{"inboxIds": {a.Must(200, "GET", "/api/inboxes", nil).Map(t)["items"].([]any)[0].(map[string]any)["id"].(string)}})
	if r.Header.Get("Location") != setup+"/icp" {
		t.Fatalf("mailboxes step goes to %q", r.Header.Get("Location"))
	}
	// Leaving and coming back lands on the next step, from the campaign
	// and from the dashboard.
	if got := resume(); got != setup+"/icp" {
		t.Errorf("resumes at %q after the mailboxes step", got)
	}
	dashPage := string(get(t, a.Client, "/", 200).Body)
	if !strings.Contains(dashPage, `href="`+setup+`/icp">Write a sequence`) {
		t.Error("the checklist's sequence step does not lead into the wizard where it was left")
	}
	dash := text(doc(t, []byte(dashPage)))
	if !strings.Contains(dash, "Continue setting up “Spring”") || !strings.Contains(dash, "step 2 of 6: Product & ICP") {
		t.Errorf("dashboard does not offer to resume: %.500s", dash)
	}
	// The step bar marks the done step and the current one.
	d := doc(t, get(t, a.Client, setup+"/icp", 200).Body)
	var current, done []string
	walk(d, func(n *html.Node) {
		if cls, _ := attr(n, "class"); strings.HasPrefix(cls, "stepbar-item") {
			if strings.Contains(cls, "is-current") {
				current = append(current, text(n))
			}
			if strings.Contains(cls, "is-done") {
				done = append(done, text(n))
			}
		}
	})
	if len(current) != 1 || !strings.Contains(current[0], "Product") || len(done) != 1 || !strings.Contains(done[0], "Mailboxes") {
		t.Errorf("step bar: current %q, done %q", current, done)
	}
	// Skipping the ICP moves on too.
	if r := postForm(t, a.Client, setup+"/icp/skip", nil); r.Header.Get("Location") != setup+"/leads" {
		t.Errorf("skip goes to %q", r.Header.Get("Location"))
	}
	if got := resume(); got != setup+"/leads" {
		t.Errorf("resumes at %q after skipping", got)
	}
}
