package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/dnscheck/dnsfake"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() {
	pageIsolationCases = append(pageIsolationCases, struct{ method, path string }{"POST", "/mailboxes/{mailbox}/dns"})
}

// dnsRows reads the mailbox page's DNS section as "MX Pass | …" lines.
func dnsRows(t *testing.T, body []byte) (rows []string, section string) {
	t.Helper()
	d := doc(t, body)
	sec := byID(d, "dns")
	if sec == nil {
		t.Fatalf("no DNS section: %.400s", text(d))
	}
	walk(sec, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "dt" {
			rows = append(rows, strings.Join(strings.Fields(text(n)), " "))
		}
	})
	return rows, text(sec)
}

func TestMailboxDNSSectionAndChecklist(t *testing.T) {
	t.Parallel()
	dns := dnsfake.Start(t)
	// A Google Workspace domain with SPF and a p=none DMARC, no DKIM yet.
	dns.Set("northwind.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 1, Host: "smtp.google.com"}},
		TXT: []string{"v=spf1 include:_spf.google.com ~all"}})
	dns.Set("_dmarc.northwind.test", dnsfake.Records{TXT: []string{"v=DMARC1; p=none"}})
	srv := apptest.Start(t, map[string]string{"LEADBITZ_DNS_SERVER": dns.Addr})
	a := srv.SignUp(t, "Ann")
	ctx := context.Background()
	scope := srv.Store.InWorkspace(a.WorkspaceID)

	// Sandbox only: nothing to check, the step ticks with the mailbox.
	sandbox := store.Mailbox{Provider: store.ProviderSandbox, Email: "try@northwind.test", DailyCap: 30}
	if err := scope.CreateMailbox(ctx, &sandbox); err != nil {
		t.Fatal(err)
	}
	if _, sec := dnsRows(t, get(t, a.Client, "/mailboxes/"+sandbox.ID, 200).Body); !strings.Contains(sec, "sandbox mailbox sends no real email") {
		t.Errorf("sandbox DNS section: %q", sec)
	}
	n := dns.Queries()
	if dash := text(doc(t, get(t, a.Client, "/", 200).Body)); !strings.Contains(dash, "2 of 6 done") {
		t.Errorf("sandbox only: %q", dash)
	}
	if dns.Queries() != n {
		t.Error("a sandbox mailbox's domain was looked up")
	}

	gmail := store.Mailbox{Provider: store.ProviderGmail, Email: "ann@northwind.test", DailyCap: 30}
	if err := scope.CreateMailbox(ctx, &gmail); err != nil {
		t.Fatal(err)
	}
	rows, sec := dnsRows(t, get(t, a.Client, "/mailboxes/"+gmail.ID, 200).Body)
	if strings.Join(rows, " | ") != "MX Pass | SPF Pass | DKIM Fail | DMARC Warning" {
		t.Errorf("rows %q", rows)
	}
	for _, want := range []string{"northwind.test", "smtp.google.com", "To fix: In the Google Admin console", "google._domainkey.northwind.test",
		"p=none", "To fix: Once the reports show", "Check again"} {
		if !strings.Contains(sec, want) {
			t.Errorf("DNS section lacks %q: %s", want, sec)
		}
	}

	// The failing DKIM keeps the step open and points at the section.
	d := doc(t, get(t, a.Client, "/", 200).Body)
	if !strings.Contains(text(d), "1 of 6 done") {
		t.Errorf("with a failing domain: %q", text(d))
	}
	link := ""
	walk(d, func(n *html.Node) {
		if href, _ := attr(n, "href"); n.Data == "a" && strings.Contains(text(n), "Check DNS") {
			link = href
		}
	})
	if link != "/mailboxes/"+gmail.ID+"#dns" {
		t.Errorf("Check DNS links to %q", link)
	}

	// Publishing the key and pressing Check again passes; the step ticks.
	dns.Set("google._domainkey.northwind.test", dnsfake.Records{TXT: []string{"v=DKIM1; k=rsa; p=MIIBIjAN"}})
	r := postForm(t, a.Client, "/mailboxes/"+gmail.ID+"/dns", url.Values{})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/mailboxes/"+gmail.ID+"#dns" {
		t.Fatalf("check again: %d %s", r.Status, r.Header.Get("Location"))
	}
	page := follow(t, a.Client, r)
	if rows, _ := dnsRows(t, page.Body); strings.Join(rows, " | ") != "MX Pass | SPF Pass | DKIM Pass | DMARC Warning" {
		t.Errorf("after publishing the key: %q", rows)
	}
	if !strings.Contains(string(page.Body), "Looked up the DNS records of northwind.test again.") {
		t.Error("no flash after Check again")
	}
	if dash := text(doc(t, get(t, a.Client, "/", 200).Body)); !strings.Contains(dash, "2 of 6 done") {
		t.Errorf("with a passing domain: %q", dash)
	}
}

// A resolver that never answers: the page still renders, says it could
// not check, and fails nothing.
func TestMailboxDNSWithADeadResolver(t *testing.T) {
	t.Parallel()
	dns := dnsfake.Start(t)
	dns.Silent(true)
	srv := apptest.Start(t, map[string]string{"LEADBITZ_DNS_SERVER": dns.Addr})
	a := srv.SignUp(t, "Bob")
	smtp := store.Mailbox{Provider: store.ProviderSMTP, Email: "bob@quiet.test", DailyCap: 30}
	if err := srv.Store.InWorkspace(a.WorkspaceID).CreateMailbox(context.Background(), &smtp); err != nil {
		t.Fatal(err)
	}
	rows, sec := dnsRows(t, get(t, a.Client, "/mailboxes/"+smtp.ID, 200).Body)
	if strings.Join(rows, " | ") != "MX Could not check | SPF Could not check | DKIM Could not check | DMARC Could not check" {
		t.Errorf("rows %q", rows)
	}
	if strings.Contains(sec, "Fail") || !strings.Contains(sec, "Could not check") {
		t.Errorf("section %s", sec)
	}
}
