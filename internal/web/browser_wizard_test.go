package web_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/store"
)

// wizardCSV is a messy export: a row with a broken address, one repeated
// address, and columns the mapping must guess.
const wizardCSV = `E-mail,First Name,Company Name,Job Title,Favourite colour
maya@northwind.example,Maya,Northwind Analytics,Head of Growth,teal
lucas@fjord.example,Lucas,Fjord Logistics,COO,grey
not-an-address,Nobody,Nowhere,,red
priya@tessellate.example,Priya,Tessellate,VP Sales,
maya@northwind.example,Maya,Northwind Analytics,Head of Growth,teal
kenji@kumo.example,,Kumo Robotics,CTO,blue
`

// TestBrowserWizardFromSandboxToFirstSends walks the whole wizard as a new
// user: a sandbox mailbox, an offline ICP, a CSV import with its mapping,
// progress and rejected rows, a sequence written with the merge-tag menu
// and an AI draft, a schedule open now, the review, the launch, and the
// first send in the sandbox after a tick of the send engine.
func TestBrowserWizardFromSandboxToFirstSends(t *testing.T) {
	t.Parallel() // its own tab and browser context in the shared chromium
	const secret = "cron-secret-for-the-wizard-test"
	srv := apptest.Start(t, map[string]string{"CRON_SECRET": secret})
	logPageErrors(t, srv)
	b := startBrowser(t, srv.URL)
	email, _ := b.signUp("Nia")
	zone := apptest.DaytimeZone(t, time.Now())

	// The sender's postal address, which every email shows and a launch needs.
	b.open("/settings")
	b.fill("#f-footerAddress", "Northwind AS, Karl Johans gate 1, 0154 Oslo")
	b.submit("form[action='/settings'] button[type=submit]")

	// Start: a name and a time zone.
	b.open("/campaigns/new")
	b.fill("#f-name", "Nordic logistics — spring")
	b.fill("#f-timezone", zone)
	b.submit("form[action='/campaigns/new'] button[type=submit]")
	if got := b.text(".wizard-count"); !strings.HasPrefix(got, "Step 1 of 6") {
		t.Fatalf("the wizard opens at %q", got)
	}
	setup := strings.TrimSuffix(b.path(), "/mailboxes")

	// 1. Mailboxes: a sandbox, chosen for the campaign at once.
	b.fill("#f-email", "nia@try.example")
	b.fill("#f-displayName", "Nia from Northwind")
	b.fill("#f-timezone", "UTC")
	b.submit("#sandbox button[type=submit]")
	if got := b.text(".flash p"); !strings.Contains(got, "chose it for this campaign") {
		t.Errorf("flash after the sandbox: %q", got)
	}
	if !eval[bool](b, `document.querySelector("input[name=inboxIds]").checked`) {
		t.Error("the new sandbox mailbox is not ticked")
	}
	b.screenshot("wizard-1-mailboxes")
	b.submit("form[action$='/setup/mailboxes'] button[type=submit]")

	// 2. Product and ICP, written by the offline generator and editable.
	b.fill("#f-productDescription", "Route planning software that cuts empty kilometres for mid-size logistics companies in the Nordics.")
	b.submit("form[action$='/icp/generate'] button[type=submit]")
	if got := b.text("#icp-title + .chip"); got != "offline" {
		t.Errorf("generator chip %q, want offline", got)
	}
	if v := b.value("[name='icp.summary']"); v == "" {
		t.Error("the profile has no summary to edit")
	}
	b.screenshot("wizard-2-icp")
	b.submit(".icp-form button[type=submit]")

	// 3. Leads: upload, map (guessed, with samples), import with progress
	// and the rejected rows, then add the file's leads.
	csvPath := filepath.Join(t.TempDir(), "nordics.csv")
	if err := os.WriteFile(csvPath, []byte(wizardCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SetUploadFiles("#f-file", []string{csvPath}))
	b.submit(".upload-form button[type=submit]")
	if got := b.value("select[name='map.0']"); got != "email" {
		t.Errorf("E-mail column guessed as %q", got)
	}
	if got := b.value("select[name='map.2']"); got != "company" {
		t.Errorf("Company Name column guessed as %q", got)
	}
	if n := eval[int](b, `document.querySelectorAll(".map-table tbody tr:first-child .sample").length`); n != 3 {
		t.Errorf("%d sample values for the first column, want 3", n)
	}
	b.screenshot("wizard-3-map")
	b.submit(".import-map button[type=submit]")
	b.waitFor(".add-import button")
	if got := strings.Join(strings.Fields(b.text(".import-counts")), " "); !strings.Contains(got, "New leads 4") || !strings.Contains(got, "Invalid 1") {
		t.Errorf("import counts: %q", got)
	}
	rejected := b.text(".rejected-rows tbody")
	for _, want := range []string{"4", "Invalid", "6", "Duplicate in file"} {
		if !strings.Contains(rejected, want) {
			t.Errorf("rejected rows lack %q: %q", want, rejected)
		}
	}
	href := eval[string](b, `document.querySelector(".rejected a[download]").getAttribute("href")`)
	if !strings.HasSuffix(href, "/rejected.csv") {
		t.Errorf("rejected rows download link %q", href)
	}
	b.screenshot("wizard-3-import")
	b.submit(".add-import button")
	if got := b.text(".flash p"); got != "Added 4 leads to the campaign." {
		t.Errorf("flash after adding the file's leads: %q", got)
	}

	// Leave for the dashboard and come back where we were.
	b.open("/")
	if got := b.text(".resume-card h2"); !strings.Contains(got, "Nordic logistics") {
		t.Errorf("resume card: %q", got)
	}
	b.submit(".resume-card a")
	if p := b.path(); p != setup+"/leads" {
		t.Errorf("resumed at %s, want the leads step", p)
	}
	b.submit(".leads-count button[type=submit]")

	// 4. Sequence: a template error shown at its place, the merge-tag menu,
	// a spintax counter, a follow-up written by the AI draft.
	b.fill("#f-steps\\[0\\]\\.subject", "Empty kilometres at {{company}}")
	b.fill("#f-steps\\[0\\]\\.body", "{Hi|Hello ")
	b.submit(".sequence-actions button[value=save]")
	if got := b.text(".tpl-error p"); !strings.Contains(got, "Line 1, column 1") {
		t.Errorf("template error: %q", got)
	}
	if got := b.text(".tpl-error pre"); !strings.Contains(got, "{Hi|Hello") || !strings.Contains(got, "^") {
		t.Errorf("template error excerpt: %q", got)
	}
	b.screenshot("wizard-4-sequence-error")
	b.fill("#f-steps\\[0\\]\\.body", "{Hi|Hello} ")
	b.do(chromedp.Click(chromedp.CSS("#step-1 .insert-menu summary")),
		chromedp.Click(chromedp.CSS(`#step-1 .insert-tag[data-insert^="{{firstName"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-steps\\[0\\]\\.body"), ",\n\nWe help logistics teams cut empty kilometres by 18%. Worth a call?"))
	body := b.value("#f-steps\\[0\\]\\.body")
	if !strings.HasPrefix(body, `{Hi|Hello} {{firstName | "there"}},`) {
		t.Errorf("body after inserting a variable at the cursor: %q", body)
	}
	b.waitText("#count-steps\\[0\\]", "2 wordings")
	b.submit(".sequence-actions button[value=add-step]")
	if got := b.value("#f-steps\\[1\\]\\.delayDays"); got != "3" {
		t.Errorf("step 2 delay %q, want the suggested 3", got)
	}
	b.submit("#step-2 button[value='draft:1']")
	if got := b.value("#f-steps\\[1\\]\\.body"); got == "" {
		t.Error("the AI draft wrote nothing into step 2")
	}
	b.submit(".sequence-actions button[value=save]")
	if got := b.text(".flash p"); got != "Saved the sequence: 2 steps." {
		t.Fatalf("flash after saving the sequence: %q (on %s)", got, b.path())
	}

	// 5. Schedule: every day, all day, in a zone where it is daytime now;
	// the forecast is drawn by the server.
	for i := 1; i <= 7; i++ {
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("input[name=sendDays][value='` + string(rune('0'+i)) + `']").checked = true`))
	}
	b.do(chromedp.SetValue("#f-sendStart", "00:00"), chromedp.SetValue("#f-sendEnd", "23:59"))
	b.submit(".sequence-actions button[value=forecast]")
	if got := b.text(".flash p"); !strings.Contains(got, "Saved the schedule") {
		t.Errorf("flash after saving the schedule: %q", got)
	}
	if n := eval[int](b, `document.querySelectorAll(".chart-svg rect.bar-new").length`); n == 0 {
		t.Error("the forecast chart has no bars of first emails")
	}
	if got := b.text(".limits-table tbody"); !strings.Contains(got, "default") {
		t.Errorf("mailbox limits do not say where they come from: %q", got)
	}
	b.screenshot("wizard-5-schedule")
	b.submit(".sequence-actions button[value=save]")

	// 6. Review. The AI draft used {{firstName}} without a fallback and
	// Kenji has no first name: a red row names him and blocks the launch,
	// its link leads to the fix.
	if got := b.text(".review-block"); !strings.Contains(got, "Merge tags") || !strings.Contains(got, "kenji@kumo.example: no firstName") {
		t.Fatalf("red row: %q", got)
	}
	if !eval[bool](b, `document.querySelector(".btn-launch").disabled`) {
		t.Error("the launch button is enabled with a red row")
	}
	b.screenshot("wizard-6-review-blocked")
	b.submit(".review-block .review-fix")
	b.do(chromedp.Evaluate[chromedp.Void](`(function () {
		var body = document.getElementById("f-steps[1].body");
		body.value = body.value.split("{{firstName}}").join('{{firstName | "there"}}');
	})()`))
	b.submit(".sequence-actions button[value=save]")
	if p := b.path(); p != setup+"/review" {
		t.Errorf("after the fix the wizard went to %s, not back to the review", p)
	}
	if n := eval[int](b, `document.querySelectorAll(".review-block").length`); n != 0 {
		t.Errorf("%d red rows after the fix: %s", n, b.text(".review-list"))
	}
	if got := b.text(".preview-msg .preview-subject"); !strings.Contains(got, "Empty kilometres at ") {
		t.Errorf("preview subject %q", got)
	}
	b.screenshot("wizard-6-review")
	b.submit(".btn-launch")
	if got := b.text(".flash p"); !strings.Contains(got, "Launched. First sends start right away") {
		t.Errorf("flash after launch: %q", got)
	}

	// A tick of the send engine sends step 1 from the sandbox.
	cron := srv.Client(t)
	cron.Headers["Authorization"] = "Bearer " + secret
	cron.Must(http.StatusOK, "POST", "/api/cron/tick", nil)
	scope := workspaceOf(t, srv, email)
	mailboxes, err := scope.Mailboxes(context.Background())
	if err != nil || len(mailboxes) != 1 {
		t.Fatalf("mailboxes: %v %v", mailboxes, err)
	}
	sent, err := srv.Sending.Mailboxes.SandboxMessages(context.Background(), scope.WorkspaceID(), mailboxes[0].ID, "", "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) == 0 {
		t.Fatal("the sandbox sent nothing after the tick")
	}
	if !strings.HasPrefix(sent[0].Subject, "Empty kilometres at ") {
		t.Errorf("first send's subject %q", sent[0].Subject)
	}
	b.open(strings.TrimSuffix(setup, "/setup"))
	if got := b.text(".kpi:nth-child(2) .kpi-value"); got == "0" {
		t.Error("the campaign page shows no email sent")
	}
	if n := eval[int](b, `document.querySelectorAll(".chart-svg rect.bar-sent").length`); n != 1 {
		t.Errorf("the daily chart has %d days with sends, want 1", n)
	}
	b.screenshot("campaign-launched")
	b.open(strings.TrimSuffix(setup, "/setup") + "/leads")
	if got := b.text(".campaign-leads tbody"); !strings.Contains(got, "Step 2") && !strings.Contains(got, "Step 1") {
		t.Errorf("campaign leads tab: %q", got)
	}
	b.screenshot("campaign-leads")

	// On a phone, the wizard's pages and the campaign fit the screen.
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	for _, p := range []string{"/campaigns/new", setup + "/sequence", setup + "/schedule", strings.TrimSuffix(setup, "/setup")} {
		b.open(p)
		if over := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`); over {
			t.Errorf("%s scrolls sideways on a 390px-wide screen", p)
		}
	}
	b.screenshot("campaign-phone")
}

// logPageErrors prints the app's "page failed" log lines when the test
// fails: a 500 in the browser says nothing more.
func logPageErrors(t *testing.T, srv *apptest.Server) {
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		for _, line := range strings.Split(srv.Logs.String(), "\n") {
			if strings.Contains(line, "page failed") {
				t.Log(line)
			}
		}
	})
}

// TestBrowserImportProgressIsLive checks the progress bar's script: the
// numbers move while the import runs, and the report appears when it ends.
func TestBrowserImportProgressIsLive(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	b := startBrowser(t, srv.URL)
	email, _ := b.signUp("Ivo")
	scope := workspaceOf(t, srv, email)
	src := store.LeadSource{ID: store.NewID(), Kind: store.SourceImport, Name: "big.csv", FileName: "big.csv",
		Status: store.ImportRunning, Options: `{"onDuplicate":"skip"}`, RowsTotal: 10}
	ctx := context.Background()
	if err := scope.CreateLeadSource(ctx, &src); err != nil {
		t.Fatal(err)
	}
	b.open("/leads/imports/" + src.ID)
	if got := b.text("[data-progress-text]"); got != "0 of 10 rows" {
		t.Errorf("progress text %q", got)
	}
	if err := scope.AdvanceImport(ctx, src.ID, 0, store.ImportCounts{RowsDone: 7, Created: 6, Invalid: 1}); err != nil {
		t.Fatal(err)
	}
	b.waitText("[data-progress-text]", "7 of 10 rows")
	if v := eval[float64](b, `document.querySelector("[data-progress-bar]").value`); v != 70 {
		t.Errorf("bar at %v%%, want 70", v)
	}
	if got := b.text("[data-count=created]"); got != "6" {
		t.Errorf("created count %q", got)
	}
	b.screenshot("import-progress")
	if err := scope.AdvanceImport(ctx, src.ID, 7, store.ImportCounts{RowsDone: 3, Created: 2, Skipped: 1, Duplicates: 1}); err != nil {
		t.Fatal(err)
	}
	if err := scope.FinishImport(ctx, src.ID, store.ImportDone, ""); err != nil {
		t.Fatal(err)
	}
	b.waitFor(".rejected")
	if got := b.text("h1"); !strings.Contains(got, "Done") {
		t.Errorf("heading after the import ended: %q", got)
	}
}
