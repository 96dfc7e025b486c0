package httpserver

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8"), netip.MustParsePrefix("127.0.0.1/32")}
	for _, tc := range []struct {
		name, peer string
		xff        []string
		realIP     string
		trusted    []netip.Prefix
		want       string
	}{
		{"no proxies trusted: the header is ignored", "10.0.0.2", []string{"203.0.113.7"}, "", nil, "10.0.0.2"},
		{"untrusted peer: its header is ignored", "198.51.100.9", []string{"203.0.113.7"}, "203.0.113.8", trusted, "198.51.100.9"},
		{"trusted peer: the forwarded client", "10.0.0.2", []string{"203.0.113.7"}, "", trusted, "203.0.113.7"},
		{"forged entries left of the real client are ignored", "10.0.0.2", []string{"1.2.3.4, 203.0.113.7"}, "", trusted, "203.0.113.7"},
		{"chain of trusted proxies is skipped", "10.0.0.2", []string{"1.2.3.4, 203.0.113.7, 10.0.0.9", "10.1.1.1"}, "", trusted, "203.0.113.7"},
		{"every entry trusted: the leftmost", "10.0.0.2", []string{"10.0.0.7, 10.0.0.8"}, "", trusted, "10.0.0.7"},
		{"garbage stops at the last trusted proxy", "10.0.0.2", []string{"203.0.113.7, not-an-ip, 10.0.0.9"}, "", trusted, "10.0.0.9"},
		{"garbage right away: the peer", "10.0.0.2", []string{"unknown"}, "", trusted, "10.0.0.2"},
		{"entries with ports and brackets", "10.0.0.2", []string{"[2001:db8::5]:443, 10.0.0.3:80"}, "", trusted, "2001:db8::5"},
		{"IPv6 peer and client", "fd00::1", []string{"2001:db8::7"}, "", trusted, "2001:db8::7"},
		{"IPv4-mapped entries", "10.0.0.2", []string{"::ffff:203.0.113.7"}, "", trusted, "203.0.113.7"},
		{"X-Real-IP from a trusted peer without X-Forwarded-For", "127.0.0.1", nil, "203.0.113.9", trusted, "203.0.113.9"},
		{"X-Forwarded-For wins over X-Real-IP", "127.0.0.1", []string{"203.0.113.7"}, "203.0.113.9", trusted, "203.0.113.7"},
		{"bad X-Real-IP: the peer", "127.0.0.1", nil, "nope", trusted, "127.0.0.1"},
		{"bad peer: as it is", "@", []string{"203.0.113.7"}, "", trusted, "@"},
	} {
		if got := clientAddr(tc.peer, tc.xff, tc.realIP, tc.trusted); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestTrustProxiesSetsClientIP(t *testing.T) {
	var got string
	h := TrustProxies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = ClientIP(r) }),
		[]netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")})
	r := httptest.NewRequest("GET", "/", nil) // RemoteAddr 192.0.2.1:1234
	r.Header.Set("X-Forwarded-For", "203.0.113.7")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got != "203.0.113.7" {
		t.Fatalf("behind a trusted proxy: %q", got)
	}
	r.RemoteAddr = "[2001:db8::1]:5555"
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got != "2001:db8::1" {
		t.Fatalf("from an untrusted peer: %q", got)
	}
	r.RemoteAddr = "192.0.2.1:1234"
	if ip := ClientIP(r); ip != "192.0.2.1" {
		t.Fatalf("without the middleware: %q", ip)
	}
}
