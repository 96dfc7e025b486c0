package web_test

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

// setValues sets several form fields at once by name, as typing them
// would leave them (a fast fill for long forms).
func (b *browser) setValues(values map[string]string) {
	b.t.Helper()
	js, err := json.Marshal(values)
	if err != nil {
		b.t.Fatal(err)
	}
	missing := eval[[]string](b, `(function (v) { var missing = [];
		Object.keys(v).forEach(function (name) {
			var el = document.querySelector("[name='" + name + "']");
			if (!el) { missing.push(name); return; }
			el.value = v[name];
			el.dispatchEvent(new Event("input", {bubbles: true}));
		});
		return missing; })(`+string(js)+`)`)
	if len(missing) > 0 {
		b.t.Fatalf("no fields named %v", missing)
	}
}

// TestBrowserSMTPMailboxShowsTheServersAnswer connects an SMTP/IMAP
// mailbox from the form against in-process servers: a wrong password
// shows the failed step (in our words, not the server's) next to the form
// and saves nothing;
// the right one connects it and lands on its settings page.
func TestBrowserSMTPMailboxShowsTheServersAnswer(t *testing.T) {
	const user, password = "sales@fake.example", "right-password"
	smtpSrv, err := smtpimapfake.StartSMTP(smtpimapfake.SMTPOptions{Username: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smtpSrv.Close() })
	imapSrv, err := smtpimapfake.StartIMAP(smtpimapfake.IMAPOptions{Username: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { imapSrv.Close() })
	srv := apptest.Start(t, nil)
	b := startBrowser(t, srv.URL)
	email, _ := b.signUp("Sam")
	scope := workspaceOf(t, srv, email)
	seedCampaigns(t, scope, seedLeads(t, scope))

	b.open("/mailboxes")
	if got := b.text(".connect-options"); !strings.Contains(got, "GOOGLE_CLIENT_ID") || !strings.Contains(got, "/api/oauth/microsoft/callback") {
		t.Errorf("the OAuth buttons do not say what to configure: %q", got)
	}
	if got := b.text(".row-broken"); !strings.Contains(got, "Auth expired") || !strings.Contains(got, "Reconnect") {
		t.Errorf("the broken mailbox row: %q", got)
	}
	b.submit("a[href='/mailboxes/connect/smtp']")
	fill := func(pass string) {
		b.setValues(map[string]string{"email": user, "displayName": "Sam Sales",
			"smtp.host": smtpSrv.Host, "smtp.port": strconv.Itoa(smtpSrv.Port), "smtp.security": "none",
			"imap.host": imapSrv.Host, "imap.port": strconv.Itoa(imapSrv.Port), "imap.security": "none",
			"smtp.username": user, "smtp.password": pass})
	}
	fill("not-the-password")
	b.submit("form.smtp-form button[type=submit]")
	answer := b.text("[data-answer=smtp]")
	if !strings.Contains(answer, "auth: the SMTP server refused the username or password") || smtpCode535.MatchString(answer) ||
		strings.Contains(answer, "not-the-password") {
		t.Errorf("the SMTP server's answer: %q", answer)
	}
	if got := b.text("#connection-test"); !strings.Contains(got, "Nothing was saved") {
		t.Errorf("connection test box: %q", got)
	}
	if got := b.value("[id='f-smtp.password']"); got != "" {
		t.Errorf("the password field kept %q", got)
	}
	if got := b.value("#f-email"); got != user {
		t.Errorf("the address was not kept: %q", got)
	}
	// The answer sits beside the form on a laptop, not below it.
	if beside := eval[bool](b, `document.querySelector("#connection-test").getBoundingClientRect().left >
		document.querySelector("form.smtp-form").getBoundingClientRect().right`); !beside {
		t.Error("the server's answer is not next to the form")
	}
	b.screenshot("mailbox-smtp-error")

	fill(password)
	b.submit("form.smtp-form button[type=submit]")
	if got := b.text(".flash p"); !strings.Contains(got, "Both servers accepted the login. Connected "+user) {
		t.Fatalf("after connecting: %q", got)
	}
	if got := b.text("h1"); !strings.Contains(got, user) || !strings.Contains(got, "Connected") {
		t.Errorf("settings page heading: %q", got)
	}
	b.fill("#f-signature", "Sam Sales\nNorthwind · northwind.example")
	b.submit("form[action$='/identity'] button[type=submit]")
	if got := b.text("[data-signature-preview]"); !strings.HasSuffix(got, "Sam Sales\nNorthwind · northwind.example") {
		t.Errorf("signature preview: %q", got)
	}
	b.screenshot("mailbox-settings")

	b.open("/mailboxes")
	if got := b.text(".mailbox-table"); !strings.Contains(got, user) || !strings.Contains(got, "SMTP/IMAP") {
		t.Errorf("the new mailbox is not listed: %q", got)
	}
	b.screenshot("mailboxes")
}

// smtpCode535 finds the server's 535 answer as a word: the port in a
// message may hold the digits 535.
var smtpCode535 = regexp.MustCompile(`\b535\b`)
