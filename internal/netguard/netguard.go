// Package netguard keeps the connections the server opens to hosts a user
// typed in (a mailbox's SMTP and IMAP servers; webhook URLs next) away from
// the server's own networks: loopback, private and shared address space,
// link-local, unique-local, multicast, reserved and cloud metadata
// addresses. Without it a form field becomes a port scanner of the
// operator's network and a way to reach an unauthenticated internal relay.
//
// The operator opens chosen networks with LEADBITZ_ALLOW_PRIVATE_NETWORKS
// (ParseAllowList), for a mail server on the same private network.
//
// A Guard resolves the host once, decides on each address (Decide, a pure
// function) and dials the address it checked, never the name again, so a
// DNS answer that changes between the check and the dial (DNS rebinding)
// cannot switch the connection to an internal address. TLS still verifies
// the host name: callers keep ServerName set to the name the user gave.
//
// Hosts set by the operator (the Gmail, Graph and OpenAI base URLs) are not
// guarded: the operator chose them.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// Resolver looks host names up; *net.Resolver is one. Tests inject theirs.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Options configure a Guard. The zero value refuses every internal address.
type Options struct {
	// Allow are the networks the operator opened
	// (LEADBITZ_ALLOW_PRIVATE_NETWORKS).
	Allow []netip.Prefix
	// Resolver defaults to net.DefaultResolver.
	Resolver Resolver
	// Dial opens the connection to the checked "ip:port"; default a
	// net.Dialer. Tests inject one to see which address is dialed.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
}

// Guard dials user-set hosts. Safe for concurrent use. A nil *Guard is the
// strict default (nothing allowed, the system resolver).
type Guard struct {
	allow    []netip.Prefix
	resolver Resolver
	dial     func(ctx context.Context, network, address string) (net.Conn, error)
}

// New returns a Guard with o's settings.
func New(o Options) *Guard {
	g := &Guard{allow: o.Allow, resolver: o.Resolver, dial: o.Dial}
	if g.resolver == nil {
		g.resolver = net.DefaultResolver
	}
	if g.dial == nil {
		g.dial = (&net.Dialer{}).DialContext
	}
	return g
}

var strict = New(Options{})

func (g *Guard) orStrict() *Guard {
	if g == nil {
		return strict
	}
	return g
}

// ParseAllowList reads LEADBITZ_ALLOW_PRIVATE_NETWORKS: CIDRs separated by
// commas ("127.0.0.0/8,10.0.0.0/8"); empty is none. A bare address is its
// own network (/32 or /128). The error names the first entry it cannot read.
func ParseAllowList(s string) ([]netip.Prefix, error) {
	var list []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil || a.Zone() != "" {
				return nil, fmt.Errorf("%q is not a network in CIDR form such as 10.0.0.0/8", part)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		list = append(list, p.Masked())
	}
	return list, nil
}

// Verdict is the decision on one address.
type Verdict int

const (
	// Public addresses are dialed.
	Public Verdict = iota
	// Allowed addresses are internal ones inside a network the operator
	// allowed: dialed, and trusted like the operator's own network.
	Allowed
	// Refused addresses are never dialed.
	Refused
)

// internal are the networks refused unless allowed, with what they are.
var internal = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (carrier-grade NAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "reserved"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "reserved"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("100::/64"), "reserved"},
	{netip.MustParsePrefix("fc00::/7"), "unique-local"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// metadata are the cloud instance metadata endpoints. They are refused even
// inside an allowed network, unless the operator lists the address itself
// (a /32 or /128): allowing 169.254.0.0/16 for a link-local mail server
// must not open the endpoint that hands out the instance's credentials.
var metadata = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"), // AWS, GCP, Azure, Oracle, DigitalOcean
	netip.MustParseAddr("169.254.170.2"),   // AWS ECS task credentials
	netip.MustParseAddr("fd00:ec2::254"),   // AWS over IPv6
	netip.MustParseAddr("100.100.100.200"), // Alibaba Cloud
	netip.MustParseAddr("168.63.129.16"),   // Azure wire server (a public address)
}

// Decide says whether ip may be dialed given the allowed networks, and
// what kind of internal address it is when it is not public. IPv4 inside
// IPv6 (::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) is decided on
// the IPv4 address it carries.
func Decide(ip netip.Addr, allow []netip.Prefix) (Verdict, string) {
	ip = embedded(ip.WithZone(""))
	if !ip.IsValid() {
		return Refused, "invalid"
	}
	for _, m := range metadata {
		if ip == m {
			for _, p := range allow {
				if p.IsSingleIP() && p.Addr() == ip {
					return Allowed, "cloud metadata"
				}
			}
			return Refused, "cloud metadata"
		}
	}
	what := ""
	for _, n := range internal {
		if n.prefix.Contains(ip) {
			what = n.what
			break
		}
	}
	for _, p := range allow {
		if p.Contains(ip) {
			return Allowed, what
		}
	}
	if what != "" {
		return Refused, what
	}
	return Public, ""
}

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// embedded returns the IPv4 address an IPv6 address carries, or ip.
func embedded(ip netip.Addr) netip.Addr {
	if ip.Is4In6() {
		return ip.Unmap()
	}
	b := ip.As16()
	switch {
	case !ip.Is6():
		return ip
	case nat64.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16]))
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6]))
	}
	return ip
}

// Allowed reports whether ip is inside a network the operator allowed: the
// server may trust it like its own network (an SMTP relay without login,
// an unencrypted connection).
func (g *Guard) Allowed(ip netip.Addr) bool {
	v, _ := Decide(ip, g.orStrict().allow)
	return v == Allowed
}

// Steps of a guarded dial that failed (Error.Step).
const (
	StepDNS     = "dns"
	StepConnect = "connect"
)

// Error is a guarded dial that failed. Its message is in our words: it
// names neither the resolved address nor anything the remote side said.
type Error struct {
	Step    string // StepDNS or StepConnect
	Host    string
	Refused bool  // the host's addresses are all internal, none allowed
	Err     error // the cause, for logs
}

func (e *Error) Error() string {
	switch {
	case e.Refused:
		return e.Host + " is on a loopback, private or reserved network, which this server does not connect to"
	case e.Step == StepDNS:
		return e.Host + " could not be found in DNS"
	case errors.Is(e.Err, context.DeadlineExceeded) || errors.Is(e.Err, context.Canceled):
		return "no answer from " + e.Host + " in time"
	}
	return "could not connect to " + e.Host + " (refused or unreachable)"
}

func (e *Error) Unwrap() error { return e.Err }

// Dial resolves address's host once, refuses internal addresses outside
// the allowed networks, and connects to the first address that remains,
// trying the next on failure. It returns the address it connected to.
// Errors are *Error.
func (g *Guard) Dial(ctx context.Context, network, address string) (net.Conn, netip.Addr, error) {
	g = g.orStrict()
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, netip.Addr{}, &Error{Step: StepConnect, Host: address, Err: err}
	}
	addrs, err := g.resolve(ctx, network, host)
	if err != nil {
		return nil, netip.Addr{}, &Error{Step: StepDNS, Host: host, Err: err}
	}
	var ok []netip.Addr
	for _, a := range addrs {
		if v, _ := Decide(a, g.allow); v != Refused {
			ok = append(ok, a)
		}
	}
	if len(ok) == 0 {
		return nil, netip.Addr{}, &Error{Step: StepConnect, Host: host, Refused: true,
			Err: fmt.Errorf("netguard: %s resolves only to refused addresses %v", host, addrs)}
	}
	var last error
	for _, a := range ok {
		conn, err := g.dial(ctx, network, net.JoinHostPort(a.WithZone("").String(), port))
		if err == nil {
			return conn, a, nil
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, netip.Addr{}, &Error{Step: StepConnect, Host: host, Err: last}
}

// DialContext is Dial for http.Transport and the like.
func (g *Guard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	conn, _, err := g.Dial(ctx, network, address)
	return conn, err
}

// resolve returns host's addresses of network's family; an address literal
// is its own answer.
func (g *Guard) resolve(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")); err == nil {
		return []netip.Addr{a}, nil
	}
	family := "ip"
	switch network {
	case "tcp4", "udp4":
		family = "ip4"
	case "tcp6", "udp6":
		family = "ip6"
	}
	addrs, err := g.resolver.LookupNetIP(ctx, family, host)
	if err == nil && len(addrs) == 0 {
		err = errors.New("no addresses")
	}
	return addrs, err
}

// Transport returns an HTTP transport that dials through g and ignores
// proxy settings (a proxy would dial the host instead of us).
func (g *Guard) Transport() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = g.DialContext
	return tr
}

// HTTPClient returns a client for user-set URLs: dials through g, follows
// no redirect (the caller gets the 3xx response; a redirect would be a way
// around the check of the URL the user saved), bounded by timeout.
func (g *Guard) HTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Transport: g.Transport(), Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Loopback are the loopback networks, which tests and benchmarks allow
// because their fake and real mail servers listen there.
var Loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// AllowLoopback returns a Guard that allows the loopback networks only:
// for tests and benchmarks against servers on this machine.
func AllowLoopback() *Guard { return New(Options{Allow: Loopback}) }
