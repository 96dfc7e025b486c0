package web_test

import (
	"strings"
	"testing"
)

// TestBrowserSignInWithGoogle: a new person presses "Continue with Google"
// on the login page, consents at the fake, and lands on the dashboard with
// an account; the Sessions page shows the Google session.
func TestBrowserSignInWithGoogle(t *testing.T) {
	srv, gf, _ := startWithSignin(t)
	b := startBrowser(t, srv.URL)
	gf.AddUser("gina@example.com")
	gf.SetConsentUser("gina@example.com")

	b.open("/login")
	if got := b.text(".signin-providers"); !strings.Contains(got, "Continue with Google") || !strings.Contains(got, "Continue with Microsoft") {
		t.Fatalf("provider buttons: %q", got)
	}
	b.screenshot("login-with-providers")
	b.submit(".signin-providers a[href^='/auth/google']")
	if p := b.path(); p != "/" {
		t.Fatalf("after signing in with Google the browser is on %s, want /", p)
	}
	b.waitText("body", "Welcome to Leadbitz")

	b.open("/settings/sessions")
	row := b.text("table tbody tr")
	if !strings.Contains(row, "Google") || !strings.Contains(row, "This browser") {
		t.Fatalf("the Sessions page's row: %q", row)
	}
	b.open("/settings/security")
	b.waitText("body", "Set a password")
}
