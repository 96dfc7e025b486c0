package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/web"
)

// The browser tests drive Debian's chromium, headless, against the real app
// on a test database. CI must run them: without chromium they fail there;
// on a laptop they skip with a message.

// browser is one headless chromium tab on a test server.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// chromiumPath finds the browser: $LEADBITZ_CHROMIUM when set, else
// Debian's chromium.
func chromiumPath(t *testing.T) string {
	t.Helper()
	candidates := []string{"chromium", "/usr/bin/chromium"}
	if p := os.Getenv("LEADBITZ_CHROMIUM"); p != "" {
		candidates = []string{p}
	}
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("chromium is not installed (looked for %s): the browser tests need Debian's chromium "+
		"(apt-get install -y chromium; .ci/run installs it)", strings.Join(candidates, ", "))
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg + "; skipped outside CI")
	return ""
}

// cspWatcher runs before any page script and records every Content-Security-
// Policy violation the page causes, so each page visit can assert none.
const cspWatcher = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline code"));
});`

// chromium is one headless browser shared by the package's browser tests;
// each test gets its own tab in its own browser context (no shared cookies).
var chromium struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
}

func startChromium(path string) {
	dir, err := os.MkdirTemp("", "leadbitz-chromium-")
	if err != nil {
		chromium.err = err
		return
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 860),
	)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	chromium.ctx = ctx
	chromium.cancel = func() {
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(dir)
	}
	chromium.err = chromedp.Do(ctx)
}

// stopChromium ends the shared browser, if a test started it.
func stopChromium() {
	if chromium.cancel != nil {
		chromium.cancel()
	}
}

func startBrowser(t *testing.T, base string) *browser {
	t.Helper()
	path := chromiumPath(t)
	chromium.once.Do(func() { startChromium(path) })
	if chromium.err != nil {
		t.Fatalf("start chromium: %v", chromium.err)
	}
	ctx, cancelTab := chromedp.NewContext(chromium.ctx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
	})
	b := &browser{t: t, ctx: ctx, base: base}
	b.do(chromedp.EmulateViewport(1280, 860), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatcher})
		return err
	}))
	return b
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// open loads a page, checks it was served with the app's CSP and broke none
// of it.
func (b *browser) open(path string) {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	if csp, _ := resp.Headers["Content-Security-Policy"].(string); csp != web.CSP {
		b.t.Errorf("%s: Content-Security-Policy %q", path, csp)
	}
	b.checkCSP()
}

// submit clicks a button that submits a form and waits for the next page.
func (b *browser) submit(sel string) {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("submit %s: %v", sel, err)
	}
	b.checkCSP()
}

func (b *browser) checkCSP() {
	b.t.Helper()
	if v := eval[[]string](b, `window.__cspViolations || []`); len(v) > 0 {
		b.t.Errorf("%s: Content-Security-Policy violations: %v", b.path(), v)
	}
}

func (b *browser) path() string {
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, b.base)
}

// query is the context of one element lookup: a missing element fails in
// seconds, not at the test's deadline.
func (b *browser) query() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, 5*time.Second)
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// waitFor waits until an element is visible, across the page reloads of a
// progress bar; it fails after 15 s.
func (b *browser) waitFor(sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.screenshot("failed-" + b.t.Name())
		b.t.Fatalf("wait for %s on %s: %v (screenshot failed-%s)", sel, b.path(), err, b.t.Name())
	}
}

// waitText waits until an element's text contains want.
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	q, _ := json.Marshal(sel)
	w, _ := json.Marshal(want)
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	js := `(function () { var el = document.querySelector(` + string(q) + `); return !!el && el.textContent.indexOf(` + string(w) + `) >= 0; })()`
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js)); err != nil {
		b.t.Fatalf("wait for %q in %s: %v (text %q)", want, sel, err, b.text(sel))
	}
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	ctx, cancel := b.query()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return s
}

func (b *browser) fill(sel, value string) {
	b.t.Helper()
	q, _ := json.Marshal(sel)
	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector(`+string(q)+`).value = ""`), chromedp.SendKeys(chromedp.CSS(sel), value))
}

func eval[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// screenshot saves the whole page as artifacts/screenshots/name.png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join(repoRoot(b.t), "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func repoRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// signUp creates an account through the sign-up form.
func (b *browser) signUp(name string) (email, password string) {
	b.t.Helper()
	email, password = strings.ToLower(name)+"-"+apptest.Unique()+"@example.com", "correct horse battery"
	b.open("/signup")
	b.fill("#f-name", name)
	b.fill("#f-email", email)
	b.fill("#f-password", password)
	b.submit("form[action='/signup'] button[type=submit]")
	if p := b.path(); p != "/" {
		b.t.Fatalf("after sign-up the browser is on %s, want /", p)
	}
	return email, password
}

func TestBrowserSignupAPIKeyLogoutLogin(t *testing.T) {
	srv := apptest.Start(t, nil)
	b := startBrowser(t, srv.URL)

	b.open("/signup")
	b.screenshot("signup")
	email, password := b.signUp("Ann")

	// The dashboard greets the new user with the setup checklist.
	b.do(chromedp.WaitVisible(chromedp.CSS(".checklist")))
	if got := b.text(".flash p"); !strings.Contains(got, "Welcome to Leadbitz!") {
		t.Errorf("flash after sign-up: %q", got)
	}
	if got := b.text(".progress-count"); got != "0 of 6 done" {
		t.Errorf("progress on a new workspace: %q", got)
	}
	if got := b.text(".step-next h3"); !strings.HasPrefix(got, "Connect a mailbox") {
		t.Errorf("first open step: %q", got)
	}
	b.screenshot("dashboard")

	// On a phone the page fits the screen: no sideways scrolling.
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.open("/")
	if over := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`); over {
		t.Error("the dashboard scrolls sideways on a 390px-wide screen")
	}
	b.screenshot("dashboard-phone")
	b.do(chromedp.EmulateViewport(1280, 860))

	// A step ticks itself from real data: saving a postal address.
	b.open("/settings")
	b.fill("#f-footerAddress", "Acme Ltd, 1 Main Street, Springfield")
	b.submit("form[action='/settings'] button[type=submit]")
	if got := b.text(".flash p"); got != "Workspace settings saved." {
		t.Errorf("flash after saving settings: %q", got)
	}
	b.screenshot("settings")
	b.open("/")
	if got := b.text(".progress-count"); got != "1 of 6 done" {
		t.Errorf("progress after adding the address: %q", got)
	}
	if got := b.text(".step-done h3"); !strings.HasPrefix(got, "Add your postal address") {
		t.Errorf("done step: %q", got)
	}

	// Create an API key: the token is shown once and works.
	b.open("/settings/api-keys")
	b.fill("#f-name", "CRM sync")
	b.submit("form[action='/settings/api-keys'] button[type=submit]")
	token := b.value("#new-token")
	if !strings.HasPrefix(token, "lbz_") {
		t.Fatalf("token shown after create: %q", token)
	}
	b.screenshot("api-key-created")
	c := srv.Client(t)
	c.Headers["Authorization"] = "Bearer " + token
	c.Must(http.StatusOK, "GET", "/api/me", nil)
	b.open("/settings/api-keys")
	html, err := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, token) {
		t.Error("the key list shows the token again")
	}
	if got := b.text("tbody tr"); !strings.Contains(got, "CRM sync") || !strings.Contains(got, "Active") {
		t.Errorf("key row: %q", got)
	}
	b.screenshot("api-keys")

	scope := workspaceOf(t, srv, email)
	leadID := seedLeads(t, scope)
	campaignID := seedCampaigns(t, scope, leadID)
	b.open("/campaigns/" + campaignID)
	if got := b.text("h1"); !strings.Contains(got, "Logistics COOs") || !strings.Contains(got, "Active") {
		t.Errorf("campaign heading: %q", got)
	}
	b.screenshot("campaign")
	b.open("/campaigns/new")
	b.screenshot("campaign-new")
	b.open("/leads/" + leadID)
	b.screenshot("lead")
	b.open("/")
	if n := eval[int](b, `document.querySelectorAll(".checklist").length`); n != 0 {
		t.Error("the checklist is still shown once every step is done")
	}
	if got := b.text(".summary-list li"); !strings.Contains(got, "Dental practices follow-up") {
		t.Errorf("latest campaign on the dashboard: %q", got)
	}
	if got := b.text(".alert-strip p"); !strings.Contains(got, "cannot send") {
		t.Errorf("alert strip: %q", got)
	}
	b.screenshot("dashboard-alert")
	for _, p := range []string{"/settings/members", "/settings/audit", "/campaigns", "/leads", "/leads/suppressions", "/replies", "/mailboxes"} {
		b.open(p)
		b.screenshot(strings.ReplaceAll(strings.TrimPrefix(p, "/"), "/", "-"))
	}

	// Log out, then back in.
	b.submit(".logout-form button")
	if p := b.path(); p != "/login" {
		t.Fatalf("after logout the browser is on %s", p)
	}
	if got := b.text(".flash p"); got != "You are logged out." {
		t.Errorf("flash after logout: %q", got)
	}
	b.screenshot("login")
	b.fill("#f-email", email)
	b.fill("#f-password", password)
	b.submit("form[action='/login'] button[type=submit]")
	if p := b.path(); p != "/" {
		t.Fatalf("after login the browser is on %s", p)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS("main h1")))
}

func TestBrowserFormErrorShowsNextToItsField(t *testing.T) {
	srv := apptest.Start(t, nil)
	b := startBrowser(t, srv.URL)
	b.open("/signup")
	b.fill("#f-email", "sam@example.com")
	b.fill("#f-password", "short")
	b.submit("form[action='/signup'] button[type=submit]")

	if got := b.text("#f-password-error"); !strings.Contains(got, "Password must be at least 10 characters.") {
		t.Fatalf("password error: %q", got)
	}
	// Right under its input, announced with it, and focused for the user.
	var geo struct {
		Sibling   string  `json:"sibling"`
		Gap       float64 `json:"gap"`
		Described string  `json:"described"`
		Active    string  `json:"active"`
		Email     string  `json:"email"`
	}
	raw := eval[[]byte](b, `(function () {
		var input = document.getElementById("f-password"), err = document.getElementById("f-password-error");
		return {sibling: err.previousElementSibling.id,
			gap: err.getBoundingClientRect().top - input.getBoundingClientRect().bottom,
			described: input.getAttribute("aria-describedby"),
			active: document.activeElement.id,
			email: document.getElementById("f-email").value};
	})()`)
	if err := json.Unmarshal(raw, &geo); err != nil {
		t.Fatal(err)
	}
	if geo.Sibling != "f-password" || geo.Gap < 0 || geo.Gap > 16 {
		t.Errorf("the error is not right under its input: %+v", geo)
	}
	if !strings.Contains(geo.Described, "f-password-error") {
		t.Errorf("aria-describedby %q does not name the error", geo.Described)
	}
	if geo.Active != "f-password" {
		t.Errorf("focus is on %q, want the invalid field", geo.Active)
	}
	if geo.Email != "sam@example.com" {
		t.Errorf("the email field lost its value: %q", geo.Email)
	}
	if n := eval[int](b, `document.querySelectorAll(".field-error").length`); n != 1 {
		t.Errorf("%d field errors shown, want 1", n)
	}
	b.screenshot("signup-error")
}

func TestBrowserKeyboardReachesTheMainNav(t *testing.T) {
	srv := apptest.Start(t, nil)
	b := startBrowser(t, srv.URL)
	b.signUp("Kim")
	b.open("/")

	b.do(chromedp.KeyEvent(kb.Tab))
	if got := eval[string](b, `document.activeElement.textContent.trim()`); got != "Skip to content" {
		t.Errorf("first Tab focuses %q, want the skip link", got)
	}
	reached := false
	var seen []string
	for range 12 {
		b.do(chromedp.KeyEvent(kb.Tab))
		label := eval[string](b, `(function () {
			var a = document.activeElement;
			return (a.closest("nav[aria-label=Main]") ? "nav:" : "") + (a.textContent || a.name || a.tagName).trim();
		})()`)
		seen = append(seen, label)
		if label == "nav:Campaigns" {
			reached = true
			break
		}
	}
	if !reached {
		t.Fatalf("Tab never reached Campaigns in the main nav; focus went %q", seen)
	}
	if shadow := eval[string](b, `getComputedStyle(document.activeElement).boxShadow`); shadow == "none" || shadow == "" {
		t.Error("the focused nav link shows no focus ring")
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	if p := b.path(); p != "/campaigns" {
		t.Fatalf("Enter on Campaigns went to %s", p)
	}
	if cur := b.text(`nav[aria-label=Main] a[aria-current=page]`); cur != "Campaigns" {
		t.Errorf("current nav item %q", cur)
	}
	fmt.Fprintln(os.Stderr, "keyboard path:", strings.Join(seen, " → "))
}

// workspaceOf is the first workspace of the user with this email.
func workspaceOf(t *testing.T, srv *apptest.Server, email string) store.Scope {
	t.Helper()
	ctx := context.Background()
	u, err := srv.Store.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := srv.Store.Memberships(ctx, u.ID)
	if err != nil || len(ms) == 0 {
		t.Fatalf("memberships: %v", err)
	}
	return srv.Store.InWorkspace(ms[0].ID)
}

// seedCampaigns gives the workspace three mailboxes (one disconnected) and
// two campaigns, one launched with a sequence and the lead; it returns the
// launched one's id.
func seedCampaigns(t *testing.T, scope store.Scope, leadID string) string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for _, in := range []store.Mailbox{
		{Provider: store.ProviderGmail, Email: "ann@northwind-mail.example", DisplayName: "Ann from Northwind", DailyCap: 30, RampStart: 5, RampIncrement: 2, MinGapSeconds: 180, Timezone: "Europe/Berlin"},
		{Provider: store.ProviderSMTP, Email: "hello@northwind-mail.example", DailyCap: 40, MinGapSeconds: 90, Timezone: "Europe/Berlin"},
		{Provider: store.ProviderMicrosoft, Email: "sales@northwind.example", DailyCap: 30, RampStart: 10, RampIncrement: 5, MinGapSeconds: 60, Timezone: "UTC",
			Status: store.MailboxDisconnected, StatusReason: "Microsoft says the sign-in has expired"},
	} {
		if err := scope.CreateMailbox(ctx, &in); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, in.ID)
	}
	launched := store.Campaign{Name: "Logistics COOs — spring", Timezone: "Europe/Berlin", SendDays: []int{1, 2, 3, 4, 5},
		SendStartMinute: 9 * 60, SendEndMinute: 17 * 60, StopOnReply: true, MailboxIDs: ids[:2]}
	draft := store.Campaign{Name: "Dental practices follow-up", Timezone: "Europe/London", SendDays: []int{2, 3, 4},
		SendStartMinute: 8*60 + 30, SendEndMinute: 12 * 60, StopOnReply: true, MailboxIDs: ids[2:]}
	for _, c := range []*store.Campaign{&launched, &draft} {
		if err := scope.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := scope.ReplaceSequence(ctx, launched.ID, []store.SequenceStep{
		{Position: 1, Variants: []store.StepVariant{
			{Variant: "A", Subject: `Quick question, {{firstName | "there"}}`, Body: "Hi {{firstName | \"there\"}},\n\nI noticed {{company}} ships across the Nordics. " +
				"We help logistics teams cut empty kilometres by 18% in the first quarter.\n\nWorth a 15-minute call next week?\n\nAnn"},
			{Variant: "B", Subject: "{{company}} and empty kilometres", Body: `Hi {{firstName | "there"}}, one question about your routes…`}}},
		{Position: 2, DelayDays: 3, Variants: []store.StepVariant{{Variant: "A",
			Body: `Hi {{firstName | "there"}}, just bringing this back to the top of your inbox. Happy to send a two-minute video instead of a call.`}}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := scope.AddCampaignLead(ctx, &store.CampaignLead{CampaignID: launched.ID, LeadID: leadID, MailboxID: ids[0]}); err != nil {
		t.Fatal(err)
	}
	if err := scope.SetCampaignStatus(ctx, launched.ID, store.CampaignActive, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	return launched.ID
}

// seedLeads gives the workspace a few leads, with a CSV-import history for
// the first, and suppressions, so the lead pages have something real to
// show. It returns the first lead's id.
func seedLeads(t *testing.T, scope store.Scope) string {
	t.Helper()
	ctx := context.Background()
	src := store.LeadSource{Kind: "csv", Name: "Trade show list", FileName: "saastock-2026.csv"}
	if err := scope.CreateLeadSource(ctx, &src); err != nil {
		t.Fatal(err)
	}
	people := []struct{ first, last, company, title, status string }{
		{"Maya", "Okafor", "Northwind Analytics", "Head of Growth", store.LeadActive},
		{"Lucas", "Brandt", "Fjord Logistics", "COO", store.LeadActive},
		{"Priya", "Raman", "Tessellate", "VP Sales", store.LeadBounced},
		{"Tom", "Haverford", "Brightline Dental", "Practice Manager", store.LeadActive},
		{"Inès", "Moreau", "Atelier Nuage", "Founder", store.LeadUnsubscribed},
		{"Kenji", "Sato", "Kumo Robotics", "CTO", store.LeadActive},
	}
	var first string
	for i := len(people) - 1; i >= 0; i-- {
		p := people[i]
		l := store.Lead{Email: strings.ToLower(strings.ReplaceAll(p.first, "è", "e")) + "@" + strings.ToLower(strings.Fields(p.company)[0]) + ".example",
			FirstName: p.first, LastName: p.last, Company: p.company, Title: p.title, Status: p.status,
			Timezone: "Europe/Berlin", Country: "DE", SourceID: src.ID, Custom: map[string]string{"event": "SaaStock 2026"}}
		if err := scope.CreateLead(ctx, &l); err != nil {
			t.Fatal(err)
		}
		first = l.ID
		if err := scope.AddProvenance(ctx, []store.Provenance{{LeadID: l.ID, SourceKind: store.ProvenanceImport, SourceID: src.ID, SourceRow: i + 2,
			Fields: map[string]string{"email": l.Email, "firstName": p.first, "lastName": p.last, "company": p.company, "title": p.title, "custom.event": "SaaStock 2026"}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := scope.AddProvenance(ctx, []store.Provenance{{LeadID: first, SourceKind: store.ProvenanceManual,
		Fields: map[string]string{"timezone": "Europe/Berlin", "country": "DE"}}}); err != nil {
		t.Fatal(err)
	}
	for _, sup := range []store.Suppression{
		{Kind: store.SuppressEmail, Value: "ines@atelier.example", Reason: store.ReasonUnsubscribe, Source: "Unsubscribe link"},
		{Kind: store.SuppressEmail, Value: "priya@tessellate.example", Reason: store.ReasonBounce, Source: "550 5.1.1 user unknown"},
		{Kind: store.SuppressDomain, Value: "competitor.example", Reason: store.ReasonManual},
	} {
		if _, err := scope.AddSuppression(ctx, &sup); err != nil {
			t.Fatal(err)
		}
	}
	return first
}
