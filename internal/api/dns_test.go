package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/dnscheck/dnsfake"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() {
	isolationCases = append(isolationCases, struct {
		method, path string
		body         any
	}{"GET", "/api/inboxes/{inbox}/dns", nil})
}

func TestMailboxDNS(t *testing.T) {
	dns := dnsfake.Start(t)
	dns.Set("northwind.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 1, Host: "smtp.google.com"}},
		TXT: []string{"v=spf1 include:_spf.google.com ~all"}})
	dns.Set("_dmarc.northwind.test", dnsfake.Records{TXT: []string{"v=DMARC1; p=none"}})
	srv := apptest.Start(t, map[string]string{"LEADBITZ_DNS_SERVER": dns.Addr})
	owner := srv.SignUp(t, "Owner")
	scope := srv.Store.InWorkspace(owner.WorkspaceID)
	gmail := store.Mailbox{Provider: store.ProviderGmail, Email: "Ann@Northwind.test", DailyCap: 30}
	if err := scope.CreateMailbox(context.Background(), &gmail); err != nil {
		t.Fatal(err)
	}

	var rep struct {
		Domain    string
		CheckedAt time.Time
		Checks    []struct{ Name, Status, Detail, Fix string }
	}
	owner.Must(200, "GET", "/api/inboxes/"+gmail.ID+"/dns", nil).JSON(t, &rep)
	if rep.Domain != "northwind.test" || time.Since(rep.CheckedAt) > time.Minute {
		t.Fatalf("report %+v", rep)
	}
	want := map[string]string{"mx": "pass", "spf": "pass", "dkim": "fail", "dmarc": "warn"}
	var order []string
	for _, c := range rep.Checks {
		order = append(order, c.Name)
		if c.Status != want[c.Name] || c.Detail == "" || (c.Status != "pass" && c.Fix == "") {
			t.Errorf("%s: %+v, want %s", c.Name, c, want[c.Name])
		}
	}
	if len(order) != 4 || order[0] != "mx" || order[3] != "dmarc" {
		t.Errorf("checks %v", order)
	}

	// Cached, unless asked fresh after fixing a record.
	dns.Set("google._domainkey.northwind.test", dnsfake.Records{TXT: []string{"v=DKIM1; k=rsa; p=MIIB"}})
	n := dns.Queries()
	owner.Must(200, "GET", "/api/inboxes/"+gmail.ID+"/dns", nil).JSON(t, &rep)
	if dns.Queries() != n || rep.Checks[2].Status != "fail" {
		t.Fatalf("second read: %d queries, dkim %s", dns.Queries()-n, rep.Checks[2].Status)
	}
	owner.Must(200, "GET", "/api/inboxes/"+gmail.ID+"/dns?fresh=true", nil).JSON(t, &rep)
	if rep.Checks[2].Status != "pass" {
		t.Fatalf("fresh dkim %+v", rep.Checks[2])
	}

	sandbox := owner.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "try@northwind.test"}).Map(t)["id"].(string)
	if r := owner.Do("GET", "/api/inboxes/"+sandbox+"/dns", nil); r.Status != 409 || r.ErrorCode() != "sandbox_mailbox" {
		t.Fatalf("sandbox: %d %s", r.Status, r.Body)
	}
	if r := owner.Do("GET", "/api/inboxes/nope/dns", nil); r.Status != 404 {
		t.Fatalf("unknown mailbox: %d", r.Status)
	}
}

// A DNS server that never answers makes every check "unknown", not "fail".
func TestMailboxDNSSilentServer(t *testing.T) {
	dns := dnsfake.Start(t)
	dns.Silent(true)
	srv := apptest.Start(t, map[string]string{"LEADBITZ_DNS_SERVER": dns.Addr})
	owner := srv.SignUp(t, "Owner")
	smtp := store.Mailbox{Provider: store.ProviderSMTP, Email: "bob@quiet.test", DailyCap: 30}
	if err := srv.Store.InWorkspace(owner.WorkspaceID).CreateMailbox(context.Background(), &smtp); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Checks []struct{ Name, Status, Detail string }
	}
	owner.Must(200, "GET", "/api/inboxes/"+smtp.ID+"/dns", nil).JSON(t, &rep)
	for _, c := range rep.Checks {
		if c.Status != "unknown" {
			t.Errorf("%s: %+v", c.Name, c)
		}
	}
}
