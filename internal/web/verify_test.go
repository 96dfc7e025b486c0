package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestVerifyPagesAndWhatWaitsForThem: with system mail, a new account's
// banner offers "send again"; connecting a mailbox waits for the address;
// the mailed link's page confirms it with a button (a GET changes nothing).
func TestVerifyPagesAndWhatWaitsForThem(t *testing.T) {
	t.Parallel()
	srv, mail := withMail(t)
	ann := srv.SignUp(t, "Ann")
	if body := string(get(t, ann.Client, "/", 200).Body); !strings.Contains(body, `id="verify-banner"`) {
		t.Fatal("no verification banner on the dashboard")
	}
	r := postForm(t, ann.Client, "/mailboxes/connect/smtp", url.Values{"email": {"ann@example.com"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/mailboxes/connect/smtp" {
		t.Fatalf("connecting unverified: %d %s", r.Status, r.Header.Get("Location"))
	}
	if body := string(follow(t, ann.Client, r).Body); !strings.Contains(body, "Confirm your address "+ann.Email+" first") {
		t.Error("the refusal is not explained")
	}
	page := string(follow(t, ann.Client, postForm(t, ann.Client, "/verify/resend", url.Values{"next": {"/campaigns"}})).Body)
	if !strings.Contains(page, "We mailed the link again to "+ann.Email) {
		t.Error("no flash after send again")
	}
	path := mailedPath(t, srv, mail, ann.Email)
	if body := string(get(t, ann.Client, path, 200).Body); !strings.Contains(body, "Confirm my address") {
		t.Fatal("the link's page has no button")
	}
	if body := string(get(t, ann.Client, "/", 200).Body); !strings.Contains(body, `id="verify-banner"`) {
		t.Fatal("opening the link's page confirmed the address without the button")
	}
	token, _ := url.ParseQuery(strings.TrimPrefix(path, "/verify?"))
	page = string(follow(t, ann.Client, postForm(t, ann.Client, "/verify", url.Values{"token": {token.Get("token")}})).Body)
	if !strings.Contains(page, "Your address is confirmed.") || strings.Contains(page, `id="verify-banner"`) {
		t.Error("after confirming: no flash, or the banner stays")
	}
}
