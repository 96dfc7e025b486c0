package web_test

import (
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/dnscheck/dnsfake"
)

// verifyApp starts the app against a DNS server of the test's in which
// acme.test takes mail and gone.test publishes a null MX, and signs Ann up.
func verifyApp(t *testing.T) (*dnsfake.Server, *apptest.Server, *apptest.Account) {
	dns := dnsfake.Start(t)
	dns.Set("acme.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx.acme.test"}}})
	dns.Set("gone.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 0, Host: "."}}})
	srv := apptest.Start(t, map[string]string{"LEADBITZ_DNS_SERVER": dns.Addr})
	return dns, srv, srv.SignUp(t, "Ann")
}

// TestLeadsShowTheirAddressCheck: leads added through the app are checked
// against the test's DNS server; the list shows each verdict and filters by
// it, and the lead page says why.
func TestLeadsShowTheirAddressCheck(t *testing.T) {
	t.Parallel()
	_, _, a := verifyApp(t)
	ids := map[string]string{}
	for _, email := range []string{"ada@acme.test", "info@acme.test", "bob@gone.test", "eve@nowhere.test"} {
		l := a.Must(201, "POST", "/api/leads", map[string]string{"email": email}).Map(t)
		ids[email] = l["id"].(string)
	}
	list := string(get(t, a.Client, "/leads", 200).Body)
	for _, chip := range []string{"Deliverable</span>", "Risky</span>", "Undeliverable</span>"} {
		if !strings.Contains(list, chip) {
			t.Errorf("the list has no %q chip", chip)
		}
	}
	bad := string(get(t, a.Client, "/leads?verification=undeliverable", 200).Body)
	if n := strings.Count(bad, `class="row-link"`); n != 2 || !strings.Contains(bad, "bob@gone.test") || !strings.Contains(bad, "eve@nowhere.test") {
		t.Errorf("undeliverable filter shows %d leads: %s", n, bad)
	}
	page := text(doc(t, get(t, a.Client, "/leads/"+ids["bob@gone.test"], 200).Body))
	if !strings.Contains(page, "Undeliverable: its domain says it accepts no mail (null MX). Campaigns never send to it.") ||
		!strings.Contains(page, "Checked by the DNS check") {
		t.Errorf("lead page: %s", page)
	}
	page = text(doc(t, get(t, a.Client, "/leads/"+ids["info@acme.test"], 200).Body))
	if !strings.Contains(page, "Risky: it is a role address") {
		t.Errorf("lead page of a role address: %s", page)
	}
}

// TestCheckAddressesAgain: the lead page's "Check again" and the list's
// "Check every address again" store new verdicts and say what they found.
func TestCheckAddressesAgain(t *testing.T) {
	t.Parallel()
	dns, srv, a := verifyApp(t)
	bob := a.Must(201, "POST", "/api/leads", map[string]string{"email": "bob@gone.test"}).Map(t)["id"].(string)
	a.Must(201, "POST", "/api/leads", map[string]string{"email": "ada@acme.test"})
	if page := text(doc(t, get(t, a.Client, "/leads/"+bob, 200).Body)); !strings.Contains(page, "Check again") {
		t.Fatalf("the lead page has no Check again: %s", page)
	}

	// The domain takes mail now.
	dns.Set("gone.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx.gone.test"}}})
	srv.Verify.Forget("gone.test")
	page := text(doc(t, follow(t, a.Client, postForm(t, a.Client, "/leads/"+bob+"/verify", nil)).Body))
	if !strings.Contains(page, "Checked the address again. Deliverable.") {
		t.Errorf("after Check again: %s", page)
	}
	if v := a.Must(200, "GET", "/api/leads/"+bob, nil).Map(t)["verification"].(map[string]any); v["status"] != "deliverable" {
		t.Errorf("stored verdict: %v", v)
	}

	dns.Set("acme.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 0, Host: "."}}})
	srv.Verify.Forget("acme.test")
	list := text(doc(t, follow(t, a.Client, postForm(t, a.Client, "/leads/verify", nil)).Body))
	if !strings.Contains(list, "Checked 2 addresses: 1 deliverable, 1 undeliverable. 1 verdict changed.") {
		t.Errorf("after Check every address again: %s", list)
	}
	// Another workspace's lead is not found.
	other := srv.SignUp(t, "Eve")
	if r := postForm(t, other.Client, "/leads/"+bob+"/verify", nil); r.Status != 404 {
		t.Errorf("another workspace checked Ann's lead: %d", r.Status)
	}
}
