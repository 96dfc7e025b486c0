package dnscheck_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/dnscheck"
	"github.com/leadbitz/leadbitz/internal/dnscheck/dnsfake"
)

// zones is a set of fixture domains, each showing one case.
func zones(s *dnsfake.Server) {
	mx := dnsfake.Records{MX: []dnsfake.MX{{Pref: 1, Host: "smtp.google.com"}}}
	// good.test: everything a Google Workspace domain should have.
	s.Set("good.test", dnsfake.Records{MX: mx.MX, TXT: []string{"google-site-verification=abc", "v=spf1 include:_spf.google.com ~all"}})
	s.Set("_dmarc.good.test", dnsfake.Records{TXT: []string{"v=DMARC1; p=reject; rua=mailto:d@good.test"}})
	s.Set("google._domainkey.good.test", dnsfake.Records{TXT: []string{"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + strings.Repeat("x", 300)}})

	// weak.test: SPF without Google, DMARC p=none, no DKIM.
	s.Set("weak.test", dnsfake.Records{MX: mx.MX, TXT: []string{"v=spf1 include:mailgun.org ~all"}})
	s.Set("_dmarc.weak.test", dnsfake.Records{TXT: []string{"v=DMARC1; p=none"}})

	// bad.test: two SPF records, no DMARC, no MX (TXT only).
	s.Set("bad.test", dnsfake.Records{TXT: []string{"v=spf1 include:_spf.google.com ~all", "v=spf1 a mx -all"}})

	// open.test: +all, a null MX, a DMARC without a policy, a revoked key.
	s.Set("open.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 0, Host: "."}}, TXT: []string{"v=spf1 include:_spf.google.com +all"}})
	s.Set("_dmarc.open.test", dnsfake.Records{TXT: []string{"v=DMARC1; rua=mailto:x@open.test"}})
	s.Set("google._domainkey.open.test", dnsfake.Records{TXT: []string{"v=DKIM1; p="}})

	// m365.test: Microsoft 365 with DKIM CNAMEs, one of whose targets has a key.
	s.Set("m365.test", dnsfake.Records{MX: []dnsfake.MX{{Host: "m365-test.mail.protection.outlook.com"}}, TXT: []string{"v=spf1 include:spf.protection.outlook.com -all"}})
	s.Set("_dmarc.m365.test", dnsfake.Records{TXT: []string{"v=DMARC1; p=quarantine"}})
	s.Set("selector1._domainkey.m365.test", dnsfake.Records{CNAME: "selector1-m365-test._domainkey.contoso.onmicrosoft.test"})
	s.Set("selector1-m365-test._domainkey.contoso.onmicrosoft.test", dnsfake.Records{TXT: []string{"v=DKIM1; k=rsa; p=MIGfMA0"}})
	// m365off.test: CNAMEs published, DKIM not turned on (targets missing).
	s.Set("m365off.test", dnsfake.Records{MX: []dnsfake.MX{{Host: "m365off-test.mail.protection.outlook.com"}}, TXT: []string{"v=spf1 include:spf.protection.outlook.com -all"}})
	s.Set("selector1._domainkey.m365off.test", dnsfake.Records{CNAME: "selector1-m365off-test._domainkey.contoso.onmicrosoft.test"})

	// smtp.test: an SMTP host signing with selector s2; smtpnone.test signs with none we know.
	s.Set("smtp.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx1.host.test"}, {Pref: 20, Host: "mx2.host.test"}}, TXT: []string{"v=spf1 mx ?all"}})
	s.Set("s2._domainkey.smtp.test", dnsfake.Records{TXT: []string{"v=DKIM1; p=MIGf"}})
	s.Set("smtpnone.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx1.host.test"}}, TXT: []string{"v=spf1 mx -all"}})
}

func newChecker(t *testing.T) (*dnscheck.Checker, *dnsfake.Server) {
	s := dnsfake.Start(t)
	zones(s)
	return dnscheck.New(dnscheck.Options{Server: s.Addr, Timeout: 300 * time.Millisecond}), s
}

// statuses writes a report as "mx=pass spf=warn …".
func statuses(r dnscheck.Report) string {
	var out []string
	for _, c := range r.Checks {
		out = append(out, c.Name+"="+string(c.Status))
	}
	return strings.Join(out, " ")
}

func find(t *testing.T, r dnscheck.Report, name string) dnscheck.Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s check in %v", name, r)
	return dnscheck.Check{}
}

func TestChecks(t *testing.T) {
	c, _ := newChecker(t)
	ctx := context.Background()
	cases := []struct {
		domain, provider, want string
		// what the detail or the fix of a check must say
		says map[string][]string
	}{
		{"good.test", dnscheck.Gmail, "mx=pass spf=pass dkim=pass dmarc=pass", map[string][]string{
			"mx": {"smtp.google.com"}, "dmarc": {"p=reject"}, "dkim": {"google._domainkey.good.test"}}},
		{"weak.test", dnscheck.Gmail, "mx=pass spf=warn dkim=fail dmarc=warn", map[string][]string{
			"spf":   {"include:_spf.google.com", "v=spf1 include:mailgun.org include:_spf.google.com ~all"},
			"dmarc": {"p=none", "p=quarantine"}, "dkim": {"google._domainkey.weak.test", "Google Admin"}}},
		{"bad.test", dnscheck.Gmail, "mx=fail spf=fail dkim=fail dmarc=fail", map[string][]string{
			"spf": {"2 SPF records", "Merge them"}, "mx": {"MX @ 1 smtp.google.com"},
			"dmarc": {`_dmarc.bad.test: "v=DMARC1; p=none; rua=mailto:dmarc@bad.test"`}}},
		{"open.test", dnscheck.Gmail, "mx=fail spf=fail dkim=fail dmarc=fail", map[string][]string{
			"spf": {"+all", "v=spf1 include:_spf.google.com ~all"}, "mx": {"null MX"},
			"dmarc": {"no valid policy"}, "dkim": {"revoked"}}},
		{"m365.test", dnscheck.Microsoft, "mx=pass spf=pass dkim=pass dmarc=pass", map[string][]string{
			"dkim": {"selector1._domainkey.m365.test"}, "dmarc": {"p=quarantine"}}},
		{"m365off.test", dnscheck.Microsoft, "mx=pass spf=pass dkim=warn dmarc=fail", map[string][]string{
			"dkim": {"selector1-m365off-test._domainkey.contoso.onmicrosoft.test", "Defender"}}},
		{"good.test", dnscheck.Microsoft, "mx=pass spf=warn dkim=fail dmarc=pass", map[string][]string{
			"spf": {"spf.protection.outlook.com"}, "dkim": {"selector1-good-test._domainkey.<your tenant>.onmicrosoft.com"}}},
		{"smtp.test", dnscheck.SMTP, "mx=pass spf=warn dkim=pass dmarc=fail", map[string][]string{
			"mx": {"mx1.host.test, mx2.host.test"}, "spf": {"?all", "v=spf1 mx ~all"}, "dkim": {"s2._domainkey.smtp.test"}}},
		{"smtpnone.test", dnscheck.SMTP, "mx=pass spf=pass dkim=warn dmarc=fail", map[string][]string{
			"dkim": {"not found among common selectors", "check with your provider"}}},
		// A domain that does not exist at all.
		{"nowhere.test", dnscheck.SMTP, "mx=fail spf=fail dkim=warn dmarc=fail", map[string][]string{
			"mx": {"no MX record"}, "spf": {"no SPF record", `"v=spf1 include:<your provider's SPF domain> ~all"`}}},
		// Case and a trailing dot do not matter.
		{"Good.TEST.", dnscheck.Gmail, "mx=pass spf=pass dkim=pass dmarc=pass", nil},
	}
	for _, tc := range cases {
		t.Run(tc.domain+" "+tc.provider, func(t *testing.T) {
			r := c.Check(ctx, tc.domain, tc.provider)
			if got := statuses(r); got != tc.want {
				t.Fatalf("got %s, want %s\n%+v", got, tc.want, r.Checks)
			}
			if r.Domain != strings.ToLower(strings.TrimSuffix(tc.domain, ".")) || r.CheckedAt.IsZero() {
				t.Errorf("domain %q checkedAt %v", r.Domain, r.CheckedAt)
			}
			for name, says := range tc.says {
				ch := find(t, r, name)
				for _, s := range says {
					if !strings.Contains(ch.Detail+" | "+ch.Fix, s) {
						t.Errorf("%s does not say %q: %s | %s", name, s, ch.Detail, ch.Fix)
					}
				}
			}
			for _, ch := range r.Checks {
				if ch.Detail == "" || (ch.Status != dnscheck.Pass && ch.Fix == "") {
					t.Errorf("%s %s without words: %+v", ch.Name, ch.Status, ch)
				}
			}
			if r.Failed() != strings.Contains(tc.want, "fail") {
				t.Errorf("Failed() = %v", r.Failed())
			}
		})
	}
}

// A server that never answers: every check is "could not check", none fails.
func TestSilentServerIsCouldNotCheck(t *testing.T) {
	s := dnsfake.Start(t)
	s.Silent(true)
	c := dnscheck.New(dnscheck.Options{Server: s.Addr, Timeout: 150 * time.Millisecond})
	start := time.Now()
	r := c.Check(context.Background(), "good.test", dnscheck.SMTP)
	if got := statuses(r); got != "mx=unknown spf=unknown dkim=unknown dmarc=unknown" {
		t.Fatalf("got %s: %+v", got, r.Checks)
	}
	if r.Failed() {
		t.Error("a silent server made the domain fail")
	}
	for _, ch := range r.Checks {
		if !strings.Contains(ch.Detail, "Could not check") || !strings.Contains(ch.Detail, "did not answer in time") {
			t.Errorf("%s: %q", ch.Name, ch.Detail)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v with a 150 ms lookup timeout", d)
	}
	if s.Queries() == 0 {
		t.Error("the server got no query")
	}
}

// A caller whose request ends is told "could not check"; the lookups go on
// and their answer is cached for the next one.
func TestCallerGoneAndCache(t *testing.T) {
	c, s := newChecker(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r := c.Check(ctx, "good.test", dnscheck.Gmail); statuses(r) != "mx=unknown spf=unknown dkim=unknown dmarc=unknown" {
		// The lookups may have finished already; then the answer is real.
		if statuses(r) != "mx=pass spf=pass dkim=pass dmarc=pass" {
			t.Fatalf("canceled caller: %s", statuses(r))
		}
	}
	r1 := c.Check(context.Background(), "good.test", dnscheck.Gmail)
	n := s.Queries()
	r2 := c.Check(context.Background(), "good.test", dnscheck.Gmail)
	if statuses(r2) != "mx=pass spf=pass dkim=pass dmarc=pass" || !r2.CheckedAt.Equal(r1.CheckedAt) || s.Queries() != n {
		t.Fatalf("second check: %s at %v (first %v), %d new queries", statuses(r2), r2.CheckedAt, r1.CheckedAt, s.Queries()-n)
	}
	// Another provider is another report; Forget looks again.
	s.Set("_dmarc.good.test", dnsfake.Records{TXT: []string{"v=DMARC1; p=none"}})
	if got := find(t, c.Check(context.Background(), "good.test", dnscheck.Gmail), "dmarc").Status; got != dnscheck.Pass {
		t.Fatalf("cached dmarc %s", got)
	}
	c.Forget("good.test", dnscheck.Gmail)
	if got := find(t, c.Check(context.Background(), "good.test", dnscheck.Gmail), "dmarc").Status; got != dnscheck.Warn {
		t.Fatalf("after Forget dmarc %s", got)
	}
}

// Many concurrent checks of one domain share one set of lookups.
func TestConcurrentChecksShareLookups(t *testing.T) {
	c, s := newChecker(t)
	done := make(chan string)
	for range 20 {
		go func() { done <- statuses(c.Check(context.Background(), "smtp.test", dnscheck.SMTP)) }()
	}
	for range 20 {
		if got := <-done; got != "mx=pass spf=warn dkim=pass dmarc=fail" {
			t.Fatal(got)
		}
	}
	// One check is mx, spf, dmarc, and per selector a TXT plus, when there
	// is none, a CNAME lookup (A and AAAA queries): about 32, not 20 times that.
	if q := s.Queries(); q > 40 {
		t.Errorf("%d queries for 20 concurrent checks", q)
	}
}

// Names reserved for examples are not sent to the system resolver; a
// configured server is asked anything.
func TestReservedAndManagedDomains(t *testing.T) {
	sys := dnscheck.New(dnscheck.Options{Timeout: 100 * time.Millisecond})
	for _, d := range []string{"acme.example", "x.test", "example.com", "mail.example.org"} {
		r := sys.Check(context.Background(), d, dnscheck.Gmail)
		if statuses(r) != "mx=unknown spf=unknown dkim=unknown dmarc=unknown" || !strings.Contains(r.Checks[0].Detail, "reserved") {
			t.Errorf("%s: %+v", d, r.Checks)
		}
	}
	r := sys.Check(context.Background(), "gmail.com", dnscheck.Gmail)
	if statuses(r) != "mx=pass spf=pass dkim=pass dmarc=pass" || !strings.Contains(r.Checks[0].Detail, "Google") {
		t.Errorf("gmail.com: %+v", r.Checks)
	}
	custom, _ := newChecker(t)
	if got := statuses(custom.Check(context.Background(), "good.test", dnscheck.Gmail)); got != "mx=pass spf=pass dkim=pass dmarc=pass" {
		t.Errorf("a configured server is not asked about .test: %s", got)
	}
}

func TestDomainOf(t *testing.T) {
	for in, want := range map[string]string{"Ann@Acme.COM": "acme.com", "a@b@c.io": "c.io", " x@y.org. ": "y.org", "nodomain": "nodomain"} {
		if got := dnscheck.DomainOf(in); got != want {
			t.Errorf("DomainOf(%q) = %q, want %q", in, got, want)
		}
	}
}
