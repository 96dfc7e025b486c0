package verify_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/dnscheck"
	"github.com/leadbitz/leadbitz/internal/dnscheck/dnsfake"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
	"github.com/leadbitz/leadbitz/internal/verify"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}

// Zones serves the cases the verifier tells apart: a Google and a
// Microsoft domain, a plain MX, a null MX, a domain with an address record
// only, one with neither, and names that do not exist (NXDOMAIN).
func Zones(t *testing.T) *dnsfake.Server {
	s := dnsfake.Start(t)
	s.Set("acme.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx1.acme.test"}}})
	s.Set("gco.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 1, Host: "aspmx.l.google.com"}, {Pref: 5, Host: "alt1.aspmx.l.google.com"}}})
	s.Set("msco.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 0, Host: "msco-test.mail.protection.outlook.com"}}})
	s.Set("nullmx.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 0, Host: "."}}})
	s.Set("aonly.test", dnsfake.Records{A: []string{"192.0.2.1"}})
	s.Set("nothing.test", dnsfake.Records{TXT: []string{"v=spf1 -all"}})
	return s
}

func TestRunVerifiesEachDomainOnce(t *testing.T) {
	ctx := context.Background()
	dns := Zones(t)
	st := storetest.New(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	owner := store.User{Email: "owner@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &owner); err != nil {
		t.Fatal(err)
	}
	w := store.Workspace{Name: "W"}
	if err := st.CreateWorkspace(ctx, &w, owner.ID); err != nil {
		t.Fatal(err)
	}
	sc := st.InWorkspace(w.ID)
	want := map[string]struct {
		status   string
		reasons  []string
		provider string
	}{
		"ada@acme.test":      {store.VerifyDeliverable, nil, verify.ProviderOther},
		"grace@acme.test":    {store.VerifyDeliverable, nil, verify.ProviderOther},
		"info@acme.test":     {store.VerifyRisky, []string{verify.ReasonRole}, verify.ProviderOther},
		"ada@gco.test":       {store.VerifyDeliverable, nil, verify.ProviderGoogle},
		"ada@msco.test":      {store.VerifyDeliverable, nil, verify.ProviderMicrosoft},
		"ada@nullmx.test":    {store.VerifyUndeliverable, []string{verify.ReasonNullMX}, ""},
		"ada@aonly.test":     {store.VerifyDeliverable, nil, verify.ProviderOther},
		"ada@nothing.test":   {store.VerifyUndeliverable, []string{verify.ReasonNoMX}, ""},
		"ada@nxdomain.test":  {store.VerifyUndeliverable, []string{verify.ReasonNoMX}, ""},
		"ada@mailinator.com": {store.VerifyUndeliverable, []string{verify.ReasonNoMX, verify.ReasonDisposable}, ""},
	}
	ids := map[string]string{}
	for email := range want {
		l := store.Lead{Email: email}
		if err := sc.CreateLead(ctx, &l); err != nil {
			t.Fatal(err)
		}
		ids[email] = l.ID
	}
	v := verify.New(st, env.New(nil, func() time.Time { return now }), dnscheck.New(dnscheck.Options{Server: dns.Addr}))

	dry, err := v.Run(ctx, w.ID, verify.Selection{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Checked != len(want) || dry.Counts[store.VerifyUndeliverable] != 4 || dry.Counts[store.VerifyRisky] != 1 {
		t.Fatalf("dry run = %+v", dry)
	}
	if l, _ := sc.Lead(ctx, ids["ada@acme.test"]); l.Verification != nil {
		t.Fatalf("a dry run stored %+v", l.Verification)
	}
	queries := dns.Queries()
	res, err := v.Run(ctx, w.ID, verify.Selection{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Checked != len(want) || res.Domains != 8 || res.Changed != len(want) {
		t.Fatalf("run = %+v", res)
	}
	if q := dns.Queries() - queries; q != 0 {
		t.Errorf("the second pass asked DNS %d times; each domain's answer is cached", q)
	}
	for email, w := range want {
		l, err := sc.Lead(ctx, ids[email])
		if err != nil {
			t.Fatal(err)
		}
		got := l.Verification
		if got == nil || got.Status != w.status || !slices.Equal(got.Reasons, append([]string{}, w.reasons...)) ||
			got.Provider != w.provider || got.Source != store.VerifySourceDNS || !got.CheckedAt.Equal(now) {
			t.Errorf("%s: verification %+v, want %+v", email, got, w)
		}
	}
	// Only never-checked leads are picked up by default.
	again, err := v.Run(ctx, w.ID, verify.Selection{}, false)
	if err != nil || again.Checked != 0 {
		t.Fatalf("second pass over unchecked leads = %+v, %v", again, err)
	}

	// The filter lists by verdict.
	list, err := sc.Leads(ctx, store.LeadQuery{Verification: store.VerifyUndeliverable, Limit: 50})
	if err != nil || len(list) != 4 {
		t.Fatalf("undeliverable filter: %d leads, %v", len(list), err)
	}

	// A reply is stronger evidence than DNS: a re-check keeps it, unless
	// DNS says the domain takes no mail.
	if err := sc.SetVerificationByEmail(ctx, "info@acme.test", store.VerifyDeliverable, verify.ReasonReplied,
		store.VerifySourceReply, now); err != nil {
		t.Fatal(err)
	}
	all, err := v.Run(ctx, w.ID, verify.Selection{All: true}, false)
	if err != nil || all.Checked != len(want) || all.Changed != 0 {
		t.Fatalf("re-check of all = %+v, %v", all, err)
	}
	if l, _ := sc.Lead(ctx, ids["info@acme.test"]); l.Verification.Status != store.VerifyDeliverable ||
		l.Verification.Source != store.VerifySourceReply {
		t.Fatalf("after a re-check the replied lead has %+v", l.Verification)
	}

	// A changed address is checked again.
	l, _ := sc.Lead(ctx, ids["ada@nullmx.test"])
	l.Email = "ada2@acme.test"
	if err := sc.UpdateLead(ctx, &l); err != nil {
		t.Fatal(err)
	}
	if l, _ = sc.Lead(ctx, l.ID); l.Verification != nil {
		t.Fatalf("a new address kept the old verdict %+v", l.Verification)
	}
	one, err := v.Run(ctx, w.ID, verify.Selection{IDs: []string{l.ID}}, false)
	if err != nil || one.Checked != 1 || one.Counts[store.VerifyDeliverable] != 1 {
		t.Fatalf("re-check of one = %+v, %v", one, err)
	}
}

// TestResolverFailureIsUnknown: a DNS server that does not answer leaves
// addresses unknown, never undeliverable, and the failure is not cached for
// long.
func TestResolverFailureIsUnknown(t *testing.T) {
	dns := Zones(t)
	dns.Silent(true)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	v := verify.New(nil, env.New(nil, clock), dnscheck.New(dnscheck.Options{Server: dns.Addr, Timeout: 200 * time.Millisecond}))
	got := v.Address(context.Background(), "ada@nullmx.test")
	if got.Status != store.VerifyUnknown || !slices.Equal(got.Reasons, []string{verify.ReasonResolverFailed}) {
		t.Fatalf("silent resolver: %+v", got)
	}
	dns.Silent(false)
	now = now.Add(2 * time.Minute)
	if got := v.Address(context.Background(), "ada@nullmx.test"); got.Status != store.VerifyUndeliverable {
		t.Fatalf("after the resolver came back: %+v", got)
	}
}
