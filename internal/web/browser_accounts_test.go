package web_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

// withMail starts a real SMTP server on loopback and the app sending its
// own mail through it.
func withMail(t *testing.T) (*apptest.Server, *smtpimapfake.SMTPServer) {
	t.Helper()
	mail, err := smtpimapfake.StartSMTP(smtpimapfake.SMTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mail.Close() })
	srv := apptest.Start(t, map[string]string{"LEADBITZ_SMTP_URL": "smtp://127.0.0.1:" + strconv.Itoa(mail.Port),
		"LEADBITZ_MAIL_FROM": "Leadbitz <noreply@leadbitz.test>"})
	return srv, mail
}

var mailedLinkPattern = regexp.MustCompile(`https?://\S+\?token=[A-Za-z0-9_%-]+`)

// mailedPath is the path and query of the link in the last message to.
func mailedPath(t *testing.T, srv *apptest.Server, mail *smtpimapfake.SMTPServer, to string) string {
	t.Helper()
	var last []byte
	for _, m := range mail.Messages() {
		if len(m.To) == 1 && m.To[0] == to {
			last = m.Data
		}
	}
	if last == nil {
		t.Fatalf("no message for %s", to)
	}
	in, err := mailmsg.Parse(last)
	if err != nil {
		t.Fatal(err)
	}
	link := mailedLinkPattern.FindString(in.Text)
	if !strings.HasPrefix(link, srv.URL+"/") {
		t.Fatalf("link %q in %q", link, in.Text)
	}
	return strings.TrimPrefix(link, srv.URL)
}

// tryLogIn submits the login form, whatever the outcome.
func (b *browser) tryLogIn(email, password string) {
	b.t.Helper()
	b.open("/login")
	b.fill("#f-email", email)
	b.fill("#f-password", password)
	b.submit("form[action='/login'] button[type=submit]")
}

// TestBrowserInviteAndAccept: an owner invites from the members page; the
// invited person opens the mailed link, creates their account there and
// lands in the workspace; the owner sees them as a member.
func TestBrowserInviteAndAccept(t *testing.T) {
	srv, mail := withMail(t)
	owner := srv.SignUp(t, "Olga")
	b := startBrowser(t, srv.URL)
	b.logIn(owner.Email, owner.Password)
	// The owner's address waits for its confirmation: the banner says so.
	if got := b.text("#verify-banner p"); !strings.Contains(got, "Confirm your address "+owner.Email) {
		t.Errorf("banner: %q", got)
	}

	invitee := "ivy-" + apptest.Unique() + "@example.com"
	b.open("/settings/members")
	b.fill("#f-email", invitee)
	b.submit("form[action='/settings/members'] button[type=submit]")
	if got := b.text(".flash p"); !strings.Contains(got, invitee+" is invited as member: we mailed them a link") {
		t.Errorf("flash after inviting: %q", got)
	}
	if got := b.text("#invitations tbody"); !strings.Contains(got, invitee) || !strings.Contains(got, "Revoke") {
		t.Errorf("pending invitations: %q", got)
	}
	b.screenshot("members-invited")

	ivy := startBrowser(t, srv.URL)
	ivy.open(mailedPath(t, srv, mail, invitee))
	if got := ivy.text(".auth-card .lead-text"); !strings.Contains(got, "Olga's workspace") || !strings.Contains(got, invitee) {
		t.Errorf("invitation page: %q", got)
	}
	ivy.screenshot("invite")
	ivy.fill("#f-name", "Ivy")
	ivy.fill("#f-password", "short")
	ivy.submit("form[action='/invite'] button[type=submit]")
	if got := ivy.text("#f-password-error"); !strings.Contains(got, "at least 10 characters") {
		t.Errorf("short password: %q", got)
	}
	ivy.fill("#f-password", "ivy's long password")
	ivy.submit("form[action='/invite'] button[type=submit]")
	if p := ivy.path(); p != "/" {
		t.Fatalf("after accepting the browser is on %s", p)
	}
	if got := ivy.text(".flash p"); got != "Welcome to Olga's workspace." {
		t.Errorf("flash after accepting: %q", got)
	}

	// The link is spent; the owner sees Ivy as a member, nothing pending.
	ivy2 := startBrowser(t, srv.URL)
	ivy2.open(mailedPath(t, srv, mail, invitee))
	if got := ivy2.text("#invite-invalid"); !strings.Contains(got, "not valid any more") {
		t.Errorf("a used link: %q", got)
	}
	b.open("/settings/members")
	if got := b.text("main table tbody"); !strings.Contains(got, "Ivy") || !strings.Contains(got, invitee) {
		t.Errorf("members: %q", got)
	}
	if got := b.text("#invitations"); !strings.Contains(got, "No invitation is waiting") {
		t.Errorf("invitations once accepted: %q", got)
	}
}

// TestBrowserForgotAndReset: "forgot password" from the login page, the
// mailed link, a new password, and a login with it.
func TestBrowserForgotAndReset(t *testing.T) {
	srv, mail := withMail(t)
	ann := srv.SignUp(t, "Ann")
	b := startBrowser(t, srv.URL)
	b.open("/login")
	b.submit("a[href='/forgot']")
	if p := b.path(); p != "/forgot" {
		t.Fatalf("the forgot link leads to %s", p)
	}
	b.fill("#f-email", ann.Email)
	b.submit("form[action='/forgot'] button[type=submit]")
	if got := b.text(".flash p"); !strings.Contains(got, "If an account has this address, a link") {
		t.Errorf("flash after asking: %q", got)
	}
	srv.Accounts.WaitBackground()
	path := mailedPath(t, srv, mail, ann.Email)
	if !strings.HasPrefix(path, "/reset?token=") {
		t.Fatalf("reset link %q", path)
	}
	b.open(path)
	b.screenshot("reset")
	b.fill("#f-password", "a fresh new password")
	b.submit("form[action='/reset'] button[type=submit]")
	if p := b.path(); p != "/login" {
		t.Fatalf("after the reset the browser is on %s", p)
	}
	if got := b.text(".flash p"); !strings.Contains(got, "Your password is changed") {
		t.Errorf("flash after the reset: %q", got)
	}
	// The old session ended; the new password works, the old does not.
	if r := ann.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Errorf("the old session after a reset: %d", r.Status)
	}
	b.tryLogIn(ann.Email, ann.Password)
	if p := b.path(); !strings.HasPrefix(p, "/login") {
		t.Errorf("the old password logged in: %s", p)
	}
	b.logIn(ann.Email, "a fresh new password")
	// The link is spent.
	b.open(path)
	b.fill("#f-password", "yet another password")
	b.submit("form[action='/reset'] button[type=submit]")
	if got := b.text("main"); !strings.Contains(got, "not valid any more") {
		t.Errorf("a reset link used twice: %q", got)
	}
}
