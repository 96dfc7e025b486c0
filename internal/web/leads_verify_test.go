package web_test

import (
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/dnscheck/dnsfake"
)

// TestLeadsShowTheirAddressCheck: leads added through the app are checked
// against the test's DNS server; the list shows each verdict and filters by
// it, and the lead page says why.
func TestLeadsShowTheirAddressCheck(t *testing.T) {
	t.Parallel()
	dns := dnsfake.Start(t)
	dns.Set("acme.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx.acme.test"}}})
	dns.Set("gone.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 0, Host: "."}}})
	srv := apptest.Start(t, map[string]string{"LEADBITZ_DNS_SERVER": dns.Addr})
	a := srv.SignUp(t, "Ann")
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
