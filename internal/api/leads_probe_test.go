package api_test

import (
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/ops"
	"github.com/leadbitz/leadbitz/internal/verify"
)

// TestSMTPProbeBlockedIsReported: with LEADBITZ_VERIFY_SMTP=on and outbound
// port 25 closed, a verification says so on the lead (smtp_blocked), in the
// log and on GET /api/system; with the probe off the report says off.
func TestSMTPProbeBlockedIsReported(t *testing.T) {
	off := apptest.Start(t, nil)
	var rep ops.Report
	off.SignUp(t, "Ann").Must(200, "GET", "/api/system", nil).JSON(t, &rep)
	if rep.SMTPProbe.Enabled {
		t.Fatalf("the probe is on by default: %+v", rep.SMTPProbe)
	}

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	dns := verifyZones(t)
	srv := apptest.StartWith(t, map[string]string{"LEADBITZ_DNS_SERVER": dns.Addr,
		"LEADBITZ_VERIFY_SMTP": "on", "LEADBITZ_VERIFY_SMTP_HELO": "leadbitz.example"},
		app.Options{SMTPProbe: &verify.ProbeOptions{Port: 2525, SelfTest: closedAddr}})
	ann := srv.SignUp(t, "Ann")
	ann.Must(200, "GET", "/api/system", nil).JSON(t, &rep)
	if !rep.SMTPProbe.Enabled || rep.SMTPProbe.Port25 != "untested" {
		t.Fatalf("before any verification: %+v", rep.SMTPProbe)
	}
	importFile(t, ann, "p.csv", "email\nada@acme.test\n", nil)
	ann.Must(200, "POST", "/api/leads/verify", map[string]any{"all": true})
	v := leadByEmail(t, ann, "ada@acme.test")["verification"].(map[string]any)
	if v["status"] != "deliverable" || !slices.Contains(v["reasons"].([]any), any("smtp_blocked")) {
		t.Errorf("verification with port 25 blocked: %v", v)
	}
	ann.Must(200, "GET", "/api/system", nil).JSON(t, &rep)
	if rep.SMTPProbe.Port25 != "blocked" || !strings.Contains(rep.SMTPProbe.Detail, "port 2525 is blocked") {
		t.Errorf("system report: %+v", rep.SMTPProbe)
	}
	if !strings.Contains(srv.Logs.String(), "SMTP probe off") {
		t.Errorf("the log does not say the probe is off")
	}
}
