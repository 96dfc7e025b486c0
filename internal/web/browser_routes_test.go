package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// The reply routes editor in a browser: a route per tab beside the main
// sequence (screenshot reply-routes).
func TestBrowserReplyRoutes(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	logPageErrors(t, srv)
	b := startBrowser(t, srv.URL)
	b.signUp("Ria")
	b.open("/campaigns/new")
	b.fill("#f-name", "Nordic logistics — routes")
	b.fill("#f-timezone", "UTC")
	b.submit("form[action='/campaigns/new'] button[type=submit]")
	setup := strings.TrimSuffix(b.path(), "/mailboxes")
	campaignPath := strings.TrimSuffix(setup, "/setup")

	b.open(setup + "/sequence")
	b.fill("#f-steps\\[0\\]\\.subject", "Empty kilometres at {{company | \"your team\"}}")
	b.fill("#f-steps\\[0\\]\\.body", "Hi {{firstName | \"there\"}}, we help logistics teams cut empty kilometres by 18%. Worth a call?")
	b.submit(".sequence-actions button[value=save]")

	b.open(setup + "/sequence")
	b.submit(".route-tabs a[href$='/routes']")
	b.fill("#f-name", "Not now")
	b.do(chromedp.Click(chromedp.CSS(`input[name="routes[0].when.categories.not_interested"]`)))
	b.fill("#f-keywords", "next quarter, later, not now")
	b.fill("#f-routes\\[0\\]\\.steps\\[0\\]\\.delayDays", "60")
	b.fill("#f-routes\\[0\\]\\.steps\\[0\\]\\.body", "Hi {{firstName | \"there\"}}, you said next quarter: is now a better time?")
	b.submit(".form-actions button[value=save]")
	if got := b.text(".flash p"); got != "Saved the route Not now." {
		t.Fatalf("flash after saving a route: %q (on %s)", got, b.path())
	}
	b.submit(".route-tabs a.variant-add")
	b.fill("#f-name", "Warm")
	b.do(chromedp.Click(chromedp.CSS(`input[name="routes[1].when.categories.interested"]`)),
		chromedp.Click(chromedp.CSS(`input[name="routes[1].when.categories.meeting_request"]`)))
	b.fill("#f-routes\\[1\\]\\.steps\\[0\\]\\.body", "Great, {{firstName | \"there\"}}: here is my calendar.")
	b.submit(".form-actions button[value=save]")
	if got := b.text(".route-tabs [aria-current=page]"); got != "Warm" {
		t.Fatalf("current tab after saving the second route: %q", got)
	}
	b.open(campaignPath + "/routes?route=0")
	b.screenshot("reply-routes")
}
