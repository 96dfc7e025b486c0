package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/dnscheck/dnsfake"
	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/verify"
)

// verifyZones is the test's DNS: a company on Google, one on Microsoft, a
// plain MX, a null MX; every other name is NXDOMAIN.
func verifyZones(t *testing.T) *dnsfake.Server {
	dns := dnsfake.Start(t)
	dns.Set("gco.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 1, Host: "aspmx.l.google.com"}}})
	dns.Set("msco.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 0, Host: "msco-test.mail.protection.outlook.com"}}})
	dns.Set("acme.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx.acme.test"}}})
	dns.Set("gone.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 0, Host: "."}}})
	return dns
}

// TestImportedLeadsAreVerified: an import checks every address once it is
// written (once per domain), the lead JSON carries the verdict and its
// provenance, the list filters by it, and POST /api/leads/verify checks
// again on demand, as a dry run or for real.
func TestImportedLeadsAreVerified(t *testing.T) {
	dns := verifyZones(t)
	srv := apptest.Start(t, map[string]string{"LEADBITZ_DNS_SERVER": dns.Addr})
	ann := srv.SignUp(t, "Ann")
	csv := "email,first name\n" +
		"ada@gco.test,Ada\nbob@gco.test,Bob\ncid@msco.test,Cid\nsales@acme.test,Sal\n" +
		"dan@gone.test,Dan\neve@nowhere.test,Eve\n"
	before := dns.Queries()
	st := importFile(t, ann, "v.csv", csv, nil)
	if st.Status != "done" || st.Created != 6 {
		t.Fatalf("import: %+v", st)
	}
	// Five domains: one MX query each, and an A query for the one without.
	if q := dns.Queries() - before; q < 5 || q > 8 {
		t.Errorf("the import asked DNS %d times for 5 domains", q)
	}
	want := map[string][3]string{ // status, first reason, provider
		"ada@gco.test":     {"deliverable", "", "google"},
		"cid@msco.test":    {"deliverable", "", "microsoft"},
		"sales@acme.test":  {"risky", "role", "other"},
		"dan@gone.test":    {"undeliverable", "null_mx", ""},
		"eve@nowhere.test": {"undeliverable", "no_mx", ""},
	}
	for email, w := range want {
		v, _ := leadByEmail(t, ann, email)["verification"].(map[string]any)
		if v == nil || v["status"] != w[0] || v["source"] != "dns" || v["checkedAt"] == nil || v["provider"] != nil && v["provider"] != w[2] ||
			w[2] != "" && v["provider"] != w[2] {
			t.Errorf("%s: verification %v, want %v", email, v, w)
			continue
		}
		reasons := v["reasons"].([]any)
		if w[1] == "" && len(reasons) != 0 || w[1] != "" && (len(reasons) == 0 || reasons[0] != w[1]) {
			t.Errorf("%s: reasons %v, want %q", email, reasons, w[1])
		}
	}

	var page struct{ Items []map[string]any }
	ann.Must(200, "GET", "/api/leads?verification=undeliverable", nil).JSON(t, &page)
	if len(page.Items) != 2 {
		t.Errorf("undeliverable filter: %d leads", len(page.Items))
	}
	ann.Must(200, "GET", "/api/leads?verification=unchecked", nil).JSON(t, &page)
	if len(page.Items) != 0 {
		t.Errorf("unchecked filter after the import: %d leads", len(page.Items))
	}
	if r := ann.Do("GET", "/api/leads?verification=maybe", nil); r.Status != 422 {
		t.Errorf("bad filter: %d %s", r.Status, r.Body)
	}

	// The null MX is replaced: a dry run counts the new verdicts, a real
	// run stores them.
	dns.Set("gone.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx.gone.test"}}})
	srv.Verify.Forget("gone.test")
	dan := leadByEmail(t, ann, "dan@gone.test")["id"].(string)
	dry := ann.Must(200, "POST", "/api/leads/verify", map[string]any{"leadIds": []string{dan}, "dryRun": true}).Map(t)
	if dry["checked"] != 1.0 || dry["changed"] != 1.0 || dry["dryRun"] != true {
		t.Fatalf("dry run: %v", dry)
	}
	if v := leadByEmail(t, ann, "dan@gone.test")["verification"].(map[string]any); v["status"] != "undeliverable" {
		t.Fatalf("a dry run changed the lead: %v", v)
	}
	all := ann.Must(200, "POST", "/api/leads/verify", map[string]any{"all": true}).Map(t)
	if all["checked"] != 6.0 || all["changed"] != 1.0 {
		t.Fatalf("verify all: %v", all)
	}
	if v := leadByEmail(t, ann, "dan@gone.test")["verification"].(map[string]any); v["status"] != "deliverable" {
		t.Fatalf("after the re-check: %v", v)
	}
	for _, body := range []map[string]any{{}, {"all": true, "leadIds": []string{dan}}} {
		if r := ann.Do("POST", "/api/leads/verify", body); r.Status != 422 {
			t.Errorf("verify %v: %d %s", body, r.Status, r.Body)
		}
	}
	// Another workspace's ids are not checked.
	bob := srv.SignUp(t, "Bob")
	if r := bob.Must(200, "POST", "/api/leads/verify", map[string]any{"leadIds": []string{dan}}).Map(t); r["checked"] != 0.0 {
		t.Errorf("another workspace checked Ann's lead: %v", r)
	}
}

// TestVerifyAllGoesOnInTheBackground: a pass over a whole workspace that
// outlasts the request's wait is answered 202 running and goes on; a second
// one meanwhile is refused (409), another workspace's is not; when it ends
// its verdicts are stored and its counts are in the audit log.
func TestVerifyAllGoesOnInTheBackground(t *testing.T) {
	dns := verifyZones(t)
	held := make(chan struct{})
	started := make(chan string, 4)
	type passEnd struct {
		ws  string
		res verify.Result
		err error
	}
	ended := make(chan passEnd, 4)
	srv := apptest.StartWith(t, map[string]string{"LEADBITZ_DNS_SERVER": dns.Addr}, app.Options{VerifyPasses: &lead.PassOptions{
		Wait: time.Millisecond,
		Started: func(_ context.Context, ws string) {
			started <- ws
			<-held
		},
		Done: func(ws string, res verify.Result, err error) { ended <- passEnd{ws, res, err} },
	}})
	ann := srv.SignUp(t, "Ann")
	for _, email := range []string{"ada@gco.test", "dan@gone.test"} {
		ann.Must(201, "POST", "/api/leads", map[string]string{"email": email})
	}
	dns.Set("gone.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx.gone.test"}}})
	srv.Verify.Forget("gone.test")

	run := ann.Must(202, "POST", "/api/leads/verify", map[string]any{"all": true}).Map(t)
	if run["running"] != true || run["checked"] != 0.0 {
		t.Fatalf("a held pass: %v", run)
	}
	ws := <-started
	if r := ann.Do("POST", "/api/leads/verify", map[string]any{"all": true}); r.Status != 409 || !strings.Contains(string(r.Body), "verification_running") {
		t.Fatalf("a second pass while one runs: %d %s", r.Status, r.Body)
	}
	// A dry run is answered in the request, whatever runs.
	if dry := ann.Must(200, "POST", "/api/leads/verify", map[string]any{"all": true, "dryRun": true}).Map(t); dry["checked"] != 2.0 || dry["running"] != false {
		t.Fatalf("a dry run beside the pass: %v", dry)
	}
	// Another workspace has its own pass.
	bob := srv.SignUp(t, "Bob")
	bob.Must(202, "POST", "/api/leads/verify", map[string]any{"all": true})
	if other := <-started; other == ws {
		t.Fatalf("Bob's pass ran in Ann's workspace %s", ws)
	}
	close(held)
	for range 2 {
		end := <-ended
		if end.err != nil {
			t.Fatalf("pass of %s: %v", end.ws, end.err)
		}
		if want := map[bool]int{true: 2, false: 0}[end.ws == ws]; end.res.Checked != want {
			t.Errorf("pass of %s checked %d, want %d", end.ws, end.res.Checked, want)
		}
	}
	if v := leadByEmail(t, ann, "dan@gone.test")["verification"].(map[string]any); v["status"] != "deliverable" {
		t.Errorf("after the background pass: %v", v)
	}
	var audit struct{ Items []map[string]any }
	ann.Must(200, "GET", "/api/audit-events", nil).JSON(t, &audit)
	if len(audit.Items) == 0 || audit.Items[0]["action"] != "lead.verified" {
		t.Fatalf("audit after the pass: %v", audit.Items)
	}
	if data := audit.Items[0]["data"].(map[string]any); data["checked"] != 2.0 || data["all"] != true {
		t.Errorf("audit data: %v", data)
	}
	// The pass is over: a new one may start (held is closed now).
	if r := ann.Do("POST", "/api/leads/verify", map[string]any{"all": true}); r.Status != 200 && r.Status != 202 {
		t.Fatalf("a pass after the last ended: %d %s", r.Status, r.Body)
	}
	<-started
	if end := <-ended; end.err != nil || end.res.Checked != 2 {
		t.Fatalf("the next pass: %+v", end)
	}
}

// TestVerifyPassStopsWithTheServer: shutting down cancels a background pass
// and waits for it before the database closes.
func TestVerifyPassStopsWithTheServer(t *testing.T) {
	dns := verifyZones(t)
	started := make(chan struct{})
	ended := make(chan error, 1)
	srv := apptest.StartWith(t, map[string]string{"LEADBITZ_DNS_SERVER": dns.Addr}, app.Options{VerifyPasses: &lead.PassOptions{
		Wait: time.Millisecond,
		Started: func(ctx context.Context, _ string) {
			close(started)
			<-ctx.Done() // held until the server stops
		},
		Done: func(_ string, _ verify.Result, err error) { ended <- err },
	}})
	ann := srv.SignUp(t, "Ann")
	ann.Must(201, "POST", "/api/leads", map[string]string{"email": "ada@gco.test"})
	ann.Must(202, "POST", "/api/leads/verify", map[string]any{"all": true})
	<-started
	srv.Stop()
	select {
	case err := <-ended:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the pass ended with %v, want it canceled", err)
		}
	default:
		t.Fatal("the server stopped before its pass ended")
	}
}
