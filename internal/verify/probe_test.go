package verify_test

import (
	"bufio"
	"context"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/dnscheck"
	"github.com/leadbitz/leadbitz/internal/dnscheck/dnsfake"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
	"github.com/leadbitz/leadbitz/internal/verify"
)

// fakeMX is a receiving SMTP server on loopback: it answers RCPT TO from
// its table (250 for an address it does not list, or for any address of a
// catch-all domain) and records every command.
type fakeMX struct {
	ln       net.Listener
	rcpt     map[string]string // address → reply line
	catchAll map[string]bool   // domains that take any address

	mu       sync.Mutex
	cmds     []string
	sessions int
}

func startFakeMX(t *testing.T) *fakeMX {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeMX{ln: ln, rcpt: map[string]string{}, catchAll: map[string]bool{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeMX) port() int { return f.ln.Addr().(*net.TCPAddr).Port }

func (f *fakeMX) serve(c net.Conn) {
	defer c.Close()
	f.mu.Lock()
	f.sessions++
	f.mu.Unlock()
	r := bufio.NewReader(c)
	c.Write([]byte("220 mx.fake ESMTP\r\n"))
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		f.mu.Lock()
		f.cmds = append(f.cmds, line)
		f.mu.Unlock()
		upper := strings.ToUpper(line)
		reply := "250 ok"
		switch {
		case strings.HasPrefix(upper, "EHLO"):
			reply = "250-mx.fake\r\n250 PIPELINING"
		case strings.HasPrefix(upper, "RCPT TO:<"):
			addr := strings.ToLower(strings.TrimSuffix(line[len("RCPT TO:<"):], ">"))
			if r, ok := f.rcpt[addr]; ok {
				reply = r
			} else if !f.catchAll[dnscheck.DomainOf(addr)] && strings.HasPrefix(addr, "lb-probe-") {
				reply = "550 5.1.1 no such user"
			}
		case upper == "DATA":
			reply = "354 go ahead"
		case upper == "QUIT":
			c.Write([]byte("221 bye\r\n"))
			return
		}
		c.Write([]byte(reply + "\r\n"))
	}
}

func (f *fakeMX) commands() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.cmds)
}

func (f *fakeMX) sessionCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessions
}

// openPort is a port that accepts connections: the self-test's target.
func openPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// probeZones points the test domains' MX at the fake on loopback.
func probeZones(t *testing.T) *dnsfake.Server {
	s := dnsfake.Start(t)
	s.Set("probe.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx.probe.test"}}})
	s.Set("mx.probe.test", dnsfake.Records{A: []string{"127.0.0.1"}})
	s.Set("catchall.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx.probe.test"}}})
	s.Set("msco.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 0, Host: "msco-test.mail.protection.outlook.com"}}})
	s.Set("nullmx.test", dnsfake.Records{MX: []dnsfake.MX{{Pref: 0, Host: "."}}})
	return s
}

func probeWorkspace(t *testing.T, emails []string) (*store.Store, string, map[string]string) {
	ctx := context.Background()
	st := storetest.New(t)
	owner := store.User{Email: "owner@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &owner); err != nil {
		t.Fatal(err)
	}
	w := store.Workspace{Name: "W"}
	if err := st.CreateWorkspace(ctx, &w, owner.ID); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, email := range emails {
		l := store.Lead{Email: email}
		if err := st.InWorkspace(w.ID).CreateLead(ctx, &l); err != nil {
			t.Fatal(err)
		}
		ids[email] = l.ID
	}
	return st, w.ID, ids
}

func TestSMTPProbe(t *testing.T) {
	ctx := context.Background()
	dns := probeZones(t)
	mx := startFakeMX(t)
	mx.rcpt["gone@probe.test"] = "550 5.1.1 <gone@probe.test>: Recipient address rejected: User unknown"
	mx.rcpt["full@probe.test"] = "452 4.2.2 Mailbox full"
	mx.rcpt["later@probe.test"] = "451 4.7.1 Greylisted, try again later"
	mx.catchAll["catchall.test"] = true
	want := map[string]struct {
		status, source string
		reasons        []string
	}{
		"ok@probe.test":     {store.VerifyDeliverable, store.VerifySourceSMTP, nil},
		"gone@probe.test":   {store.VerifyUndeliverable, store.VerifySourceSMTP, []string{verify.ReasonSMTPRejected}},
		"full@probe.test":   {store.VerifyRisky, store.VerifySourceSMTP, []string{verify.ReasonFullInbox}},
		"later@probe.test":  {store.VerifyDeliverable, store.VerifySourceDNS, nil},
		"ada@catchall.test": {store.VerifyRisky, store.VerifySourceSMTP, []string{verify.ReasonCatchAll}},
		"bob@catchall.test": {store.VerifyRisky, store.VerifySourceSMTP, []string{verify.ReasonCatchAll}},
		"ada@msco.test":     {store.VerifyDeliverable, store.VerifySourceDNS, []string{verify.ReasonUnverifiable}},
		"ada@nullmx.test":   {store.VerifyUndeliverable, store.VerifySourceDNS, []string{verify.ReasonNullMX}},
	}
	st, wsID, ids := probeWorkspace(t, slices.Collect(func(yield func(string) bool) {
		for e := range want {
			if !yield(e) {
				return
			}
		}
	}))
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e := env.New(nil, func() time.Time { return now })
	checker := dnscheck.New(dnscheck.Options{Server: dns.Addr})
	v := verify.New(st, e, checker)
	guard := netguard.New(netguard.Options{Allow: netguard.Loopback, Resolver: checker.Resolver()})
	prober := verify.NewProber(verify.ProbeOptions{HELO: "leadbitz.example", Guard: guard, Port: mx.port(),
		SelfTest: openPort(t), Gap: -1}, e)
	v.SetProber(prober)

	if _, err := v.Run(ctx, wsID, verify.Selection{}, false); err != nil {
		t.Fatal(err)
	}
	for email, w := range want {
		l, err := st.InWorkspace(wsID).Lead(ctx, ids[email])
		if err != nil {
			t.Fatal(err)
		}
		got := l.Verification
		if got == nil || got.Status != w.status || got.Source != w.source ||
			!slices.Equal(got.Reasons, append([]string{}, w.reasons...)) {
			t.Errorf("%s: %+v, want %+v", email, got, w)
		}
	}
	if st := prober.Status(); st.Port25 != "open" || !st.Enabled {
		t.Errorf("status after the self-test: %+v", st)
	}
	cmds := mx.commands()
	randoms := 0
	for _, c := range cmds {
		if strings.EqualFold(c, "DATA") {
			t.Fatalf("the probe sent DATA: %q", cmds)
		}
		if strings.HasPrefix(c, "RCPT TO:<lb-probe-") {
			randoms++
		}
		if strings.Contains(c, "msco.test") {
			t.Errorf("a Microsoft 365 domain was probed: %q", c)
		}
	}
	if randoms != 2 {
		t.Errorf("%d catch-all probes, want one per domain: %q", randoms, cmds)
	}
	for _, c := range []string{"EHLO leadbitz.example", "MAIL FROM:<postmaster@leadbitz.example>", "RSET", "QUIT"} {
		if !slices.Contains(cmds, c) {
			t.Errorf("no %q in %q", c, cmds)
		}
	}
	if slices.Contains(cmds, "RCPT TO:<ada@catchall.test>") {
		t.Errorf("addresses of a catch-all domain were probed one by one")
	}

	// Within the week every answer comes from the cache; only the address
	// the server gave no answer on (greylisted) is asked again.
	sessions := mx.sessionCount()
	now = now.Add(6 * 24 * time.Hour)
	if _, err := v.Run(ctx, wsID, verify.Selection{IDs: []string{ids["gone@probe.test"], ids["ada@catchall.test"]}}, false); err != nil {
		t.Fatal(err)
	}
	if n := mx.sessionCount() - sessions; n != 0 {
		t.Errorf("%d sessions within the week; the domain's answers are cached", n)
	}
	now = now.Add(2 * 24 * time.Hour)
	v.Forget("probe.test")
	if _, err := v.Run(ctx, wsID, verify.Selection{IDs: []string{ids["gone@probe.test"]}}, false); err != nil {
		t.Fatal(err)
	}
	if n := mx.sessionCount() - sessions; n != 1 {
		t.Errorf("%d sessions after the week, want 1", n)
	}
}

// TestSMTPProbeBlocked: when outbound port 25 does not open, nothing is
// probed, the System page says so, and addresses carry smtp_blocked.
func TestSMTPProbeBlocked(t *testing.T) {
	ctx := context.Background()
	dns := probeZones(t)
	mx := startFakeMX(t)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	st, wsID, ids := probeWorkspace(t, []string{"ok@probe.test"})
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e := env.New(nil, func() time.Time { return now })
	checker := dnscheck.New(dnscheck.Options{Server: dns.Addr})
	v := verify.New(st, e, checker)
	guard := netguard.New(netguard.Options{Allow: netguard.Loopback, Resolver: checker.Resolver()})
	v.SetProber(verify.NewProber(verify.ProbeOptions{HELO: "leadbitz.example", Guard: guard, Port: mx.port(),
		SelfTest: closedAddr, Gap: -1}, e))
	if v.ProbeStatus().Port25 != "untested" {
		t.Fatalf("before any run: %+v", v.ProbeStatus())
	}
	if _, err := v.Run(ctx, wsID, verify.Selection{}, false); err != nil {
		t.Fatal(err)
	}
	l, _ := st.InWorkspace(wsID).Lead(ctx, ids["ok@probe.test"])
	if l.Verification.Status != store.VerifyDeliverable || !slices.Equal(l.Verification.Reasons, []string{verify.ReasonProbeBlocked}) {
		t.Errorf("verdict with port 25 blocked: %+v", l.Verification)
	}
	if s := v.ProbeStatus(); s.Port25 != "blocked" || !strings.Contains(s.Detail, "blocked") {
		t.Errorf("status: %+v", s)
	}
	if mx.sessionCount() != 0 {
		t.Errorf("the exchanger was dialed with port 25 blocked")
	}
}

// TestSMTPProbeGuard: the exchangers are dialed through the address guard,
// so an MX pointing at a refused network is never dialed.
func TestSMTPProbeGuard(t *testing.T) {
	ctx := context.Background()
	dns := probeZones(t)
	mx := startFakeMX(t)
	// The self-test answers on 127.0.0.2, the only network allowed; the
	// exchanger resolves to 127.0.0.1, which the guard refuses.
	selfTest, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skip("no 127.0.0.2 on this host:", err)
	}
	t.Cleanup(func() { selfTest.Close() })
	st, wsID, ids := probeWorkspace(t, []string{"ok@probe.test"})
	e := env.New(nil, time.Now)
	checker := dnscheck.New(dnscheck.Options{Server: dns.Addr})
	v := verify.New(st, e, checker)
	allow, _ := netguard.ParseAllowList("127.0.0.2/32")
	v.SetProber(verify.NewProber(verify.ProbeOptions{HELO: "leadbitz.example",
		Guard: netguard.New(netguard.Options{Allow: allow, Resolver: checker.Resolver()}), Port: mx.port(),
		SelfTest: selfTest.Addr().String(), Gap: -1}, e))
	if _, err := v.Run(ctx, wsID, verify.Selection{}, false); err != nil {
		t.Fatal(err)
	}
	if mx.sessionCount() != 0 {
		t.Fatal("the guard let the probe dial loopback")
	}
	l, _ := st.InWorkspace(wsID).Lead(ctx, ids["ok@probe.test"])
	if l.Verification.Source != store.VerifySourceDNS || v.ProbeStatus().Port25 != "open" {
		t.Errorf("verdict: %+v, probe %+v", l.Verification, v.ProbeStatus())
	}
}

func TestRcptOutcome(t *testing.T) {
	for _, c := range []struct {
		code int
		msg  string
		want string
	}{
		{250, "2.1.5 ok", "accepted"},
		{251, "user not local; will forward", "accepted"},
		{550, "5.1.1 user unknown", verify.ReasonSMTPRejected},
		{553, "mailbox name not allowed", verify.ReasonSMTPRejected},
		{552, "5.2.2 mailbox full", verify.ReasonFullInbox},
		{452, "4.2.2 The email account that you tried to reach is over quota", verify.ReasonFullInbox},
		{452, "4.5.3 too many recipients", ""},
		{550, "5.2.2 mailbox full", verify.ReasonFullInbox},
		{550, "5.7.1 Service unavailable; client host blocked using Spamhaus", ""},
		{554, "rejected: listed on a blocklist", ""},
		{451, "4.7.1 greylisted", ""},
		{421, "too many connections", ""},
	} {
		if got := verify.RcptOutcome(c.code, c.msg); got != c.want {
			t.Errorf("RcptOutcome(%d, %q) = %q, want %q", c.code, c.msg, got, c.want)
		}
	}
}

func TestWaitBefore(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		next time.Time
		want time.Duration
	}{
		{time.Time{}, 0},
		{now.Add(-time.Second), 0},
		{now, 0},
		{now.Add(700 * time.Millisecond), 700 * time.Millisecond},
	} {
		if got := verify.WaitBefore(c.next, now); got != c.want {
			t.Errorf("WaitBefore(%v) = %v, want %v", c.next, got, c.want)
		}
	}
}
