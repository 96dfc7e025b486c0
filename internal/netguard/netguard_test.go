package netguard_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/leadbitz/leadbitz/internal/netguard"
)

func prefixes(t *testing.T, s string) []netip.Prefix {
	t.Helper()
	p, err := netguard.ParseAllowList(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDecide(t *testing.T) {
	tests := []struct {
		ip    string
		allow string
		want  netguard.Verdict
	}{
		{"93.184.216.34", "", netguard.Public},
		{"2606:4700::1111", "", netguard.Public},
		{"127.0.0.1", "", netguard.Refused},
		{"127.8.9.10", "", netguard.Refused},
		{"::1", "", netguard.Refused},
		{"10.1.2.3", "", netguard.Refused},
		{"172.16.0.1", "", netguard.Refused},
		{"172.31.255.254", "", netguard.Refused},
		{"172.32.0.1", "", netguard.Public},
		{"192.168.1.1", "", netguard.Refused},
		{"100.64.0.1", "", netguard.Refused},
		{"100.127.255.254", "", netguard.Refused},
		{"169.254.1.1", "", netguard.Refused},
		{"fe80::1", "", netguard.Refused},
		{"fe80::1%eth0", "", netguard.Refused},
		{"fc00::1", "", netguard.Refused},
		{"fd12:3456::1", "", netguard.Refused},
		{"0.0.0.0", "", netguard.Refused},
		{"::", "", netguard.Refused},
		{"224.0.0.1", "", netguard.Refused},
		{"ff02::1", "", netguard.Refused},
		{"255.255.255.255", "", netguard.Refused},
		{"::ffff:127.0.0.1", "", netguard.Refused},
		{"::ffff:10.0.0.1", "", netguard.Refused},
		{"::ffff:169.254.169.254", "", netguard.Refused},
		{"64:ff9b::a00:1", "", netguard.Refused}, // NAT64 of 10.0.0.1
		{"2002:7f00:1::1", "", netguard.Refused}, // 6to4 of 127.0.0.1
		{"::ffff:93.184.216.34", "", netguard.Public},
		{"169.254.169.254", "", netguard.Refused},
		{"fd00:ec2::254", "", netguard.Refused},
		{"168.63.129.16", "", netguard.Refused},
		{"100.100.100.200", "", netguard.Refused},
		// The operator's allowed networks.
		{"127.0.0.1", "127.0.0.0/8,::1/128", netguard.Allowed},
		{"::1", "127.0.0.0/8,::1/128", netguard.Allowed},
		{"::ffff:127.0.0.1", "127.0.0.0/8", netguard.Allowed},
		{"10.1.2.3", "10.0.0.0/8", netguard.Allowed},
		{"10.1.2.3", "10.2.0.0/16", netguard.Refused},
		{"192.168.1.1", "10.0.0.0/8", netguard.Refused},
		{"203.0.113.5", "203.0.113.0/24", netguard.Allowed},
		// Metadata stays refused inside a wide allowed network; only the
		// address itself opens it.
		{"169.254.169.254", "169.254.0.0/16", netguard.Refused},
		{"169.254.169.254", "0.0.0.0/0", netguard.Refused},
		{"169.254.10.10", "169.254.0.0/16", netguard.Allowed},
		{"169.254.169.254", "169.254.169.254/32", netguard.Allowed},
		{"fd00:ec2::254", "fc00::/7", netguard.Refused},
	}
	for _, tt := range tests {
		got, what := netguard.Decide(netip.MustParseAddr(tt.ip), prefixes(t, tt.allow))
		if got != tt.want {
			t.Errorf("Decide(%s, allow %q) = %v (%s), want %v", tt.ip, tt.allow, got, what, tt.want)
		}
	}
}

func TestParseAllowList(t *testing.T) {
	got, err := netguard.ParseAllowList(" 127.0.0.0/8, ::1/128 ,10.1.2.3,192.168.1.7/24,")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"127.0.0.0/8", "::1/128", "10.1.2.3/32", "192.168.1.0/24"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("entry %d = %s, want %s", i, got[i], want[i])
		}
	}
	if l, err := netguard.ParseAllowList(""); err != nil || len(l) != 0 {
		t.Errorf("empty: %v, %v", l, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "localhost", "10.0.0.0/8,not-a-cidr", "fe80::1%eth0"} {
		_, err := netguard.ParseAllowList(bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	_, err = netguard.ParseAllowList("10.0.0.0/8,10.0.0/8")
	if err == nil || !strings.Contains(err.Error(), `"10.0.0/8"`) {
		t.Errorf("error %v does not name the bad entry", err)
	}
}

// answers is a resolver that gives each lookup of a name the next answer.
type answers struct {
	mu    sync.Mutex
	by    map[string][][]netip.Addr
	calls int
}

func (r *answers) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	list := r.by[host]
	if len(list) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	next := list[0]
	if len(list) > 1 {
		r.by[host] = list[1:]
	}
	return next, nil
}

// recorder dials nothing: it records the addresses it was asked for and
// hands back one end of a pipe.
type recorder struct {
	mu    sync.Mutex
	dials []string
	fail  map[string]bool
}

func (d *recorder) Dial(_ context.Context, _, address string) (net.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dials = append(d.dials, address)
	if d.fail[address] {
		return nil, errors.New("connection refused")
	}
	c1, c2 := net.Pipe()
	c2.Close()
	return c1, nil
}

func addrs(s ...string) []netip.Addr {
	var out []netip.Addr
	for _, a := range s {
		out = append(out, netip.MustParseAddr(a))
	}
	return out
}

// TestDialUsesTheCheckedAddress is DNS rebinding: the name answers a
// public address to the check and a private one afterwards. The guard
// looks it up once and dials the address it checked.
func TestDialUsesTheCheckedAddress(t *testing.T) {
	res := &answers{by: map[string][][]netip.Addr{
		"mail.rebind.test": {addrs("93.184.216.34"), addrs("10.0.0.5"), addrs("127.0.0.1")},
	}}
	rec := &recorder{}
	g := netguard.New(netguard.Options{Resolver: res, Dial: rec.Dial})
	conn, ip, err := g.Dial(context.Background(), "tcp", "mail.rebind.test:587")
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if ip.String() != "93.184.216.34" || len(rec.dials) != 1 || rec.dials[0] != "93.184.216.34:587" || res.calls != 1 {
		t.Fatalf("dialed %v (checked %s) after %d lookups; want only the checked public address", rec.dials, ip, res.calls)
	}
	// The next dial sees the private answer and refuses it.
	_, _, err = g.Dial(context.Background(), "tcp", "mail.rebind.test:587")
	var ge *netguard.Error
	if !errors.As(err, &ge) || !ge.Refused || ge.Step != netguard.StepConnect || len(rec.dials) != 1 {
		t.Fatalf("second dial: %v, dials %v", err, rec.dials)
	}
	if strings.Contains(err.Error(), "10.0.0.5") {
		t.Errorf("the error %q tells the internal address", err)
	}
}

func TestDialRefusesAndSkipsInternalAddresses(t *testing.T) {
	res := &answers{by: map[string][][]netip.Addr{
		"localhost.test": {addrs("127.0.0.1", "::1")},
		"mixed.test":     {addrs("10.0.0.1", "::ffff:169.254.169.254", "2606:4700::1", "93.184.216.34")},
		"inside.test":    {addrs("10.9.8.7")},
	}}
	rec := &recorder{fail: map[string]bool{"[2606:4700::1]:25": true}}
	g := netguard.New(netguard.Options{Resolver: res, Dial: rec.Dial})
	for _, address := range []string{"localhost.test:25", "127.0.0.1:25", "[::1]:25", "[::ffff:127.0.0.1]:25", "169.254.169.254:80", "inside.test:25"} {
		_, _, err := g.Dial(context.Background(), "tcp", address)
		var ge *netguard.Error
		if !errors.As(err, &ge) || !ge.Refused {
			t.Errorf("%s: %v, want refused", address, err)
		}
	}
	if len(rec.dials) != 0 {
		t.Fatalf("dialed %v", rec.dials)
	}
	// Only the public addresses are tried, in order.
	conn, ip, err := g.Dial(context.Background(), "tcp", "mixed.test:25")
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if ip.String() != "93.184.216.34" || strings.Join(rec.dials, " ") != "[2606:4700::1]:25 93.184.216.34:25" {
		t.Fatalf("dialed %v, connected to %s", rec.dials, ip)
	}
	// An allowed network is dialed.
	allowed := netguard.New(netguard.Options{Allow: prefixes(t, "10.0.0.0/8"), Resolver: res, Dial: rec.Dial})
	if conn, ip, err := allowed.Dial(context.Background(), "tcp", "inside.test:25"); err != nil || !allowed.Allowed(ip) {
		t.Fatalf("allowed network: %v %v", ip, err)
	} else {
		conn.Close()
	}
	// An unknown name is a DNS failure.
	_, _, err = g.Dial(context.Background(), "tcp", "nowhere.test:25")
	var ge *netguard.Error
	if !errors.As(err, &ge) || ge.Step != netguard.StepDNS {
		t.Fatalf("unknown name: %v", err)
	}
}

func TestHTTPClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	// The default refuses the loopback test server.
	_, err := netguard.New(netguard.Options{}).HTTPClient(0).Get(srv.URL)
	var ge *netguard.Error
	if !errors.As(err, &ge) || !ge.Refused {
		t.Fatalf("loopback with the default guard: %v", err)
	}
	hc := netguard.New(netguard.Options{Allow: prefixes(t, "127.0.0.0/8,::1/128")}).HTTPClient(0)
	resp, err := hc.Get(srv.URL)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("allowed loopback: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = hc.Get(srv.URL + "/redirect")
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("redirect: %v %v; want the 302 itself, not followed", resp, err)
	}
	resp.Body.Close()
}
