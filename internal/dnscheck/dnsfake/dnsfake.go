// Package dnsfake is a small authoritative DNS server on 127.0.0.1 (UDP)
// for tests: it serves fixture zones of MX, TXT and CNAME records, answers
// NXDOMAIN for names it does not hold, and can be told to stay silent, so
// DNS checks are tested without reaching the internet.
package dnsfake

import (
	"encoding/binary"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// MX is one mail exchanger.
type MX struct {
	Pref uint16
	Host string
}

// Records are what one name holds.
type Records struct {
	MX    []MX
	TXT   []string // one entry per record; long ones are split into 255-byte strings
	CNAME string   // when set, the name is an alias and holds nothing else
	A     []string // IPv4 addresses (an ACME CA's validation looks the name up)
}

// Server answers queries from its zones.
type Server struct {
	Addr string // host:port to point a resolver at

	conn    net.PacketConn
	mu      sync.Mutex
	zones   map[string]Records // by lower-case name without the trailing dot
	silent  bool
	failAll bool // names it does not hold get SERVFAIL, not NXDOMAIN
	queries atomic.Int64
}

// Start listens on a free port of 127.0.0.1, UDP and TCP (some resolvers,
// such as an ACME CA's, ask over TCP), until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	var conn net.PacketConn
	var tcp net.Listener
	for attempt := 0; tcp == nil; attempt++ {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if tcp, err = net.Listen("tcp", c.LocalAddr().String()); err != nil {
			c.Close()
			if attempt == 10 {
				t.Fatalf("no port free for both UDP and TCP: %v", err)
			}
			continue
		}
		conn = c
	}
	s := &Server{Addr: conn.LocalAddr().String(), conn: conn, zones: map[string]Records{}}
	var wg sync.WaitGroup
	wg.Go(s.serve)
	wg.Go(func() { s.serveTCP(tcp) })
	t.Cleanup(func() {
		conn.Close()
		tcp.Close()
		wg.Wait()
	})
	return s
}

// serveTCP answers queries over TCP: each message is preceded by its
// length in two bytes (RFC 1035 4.2.2).
func (s *Server) serveTCP(ln net.Listener) {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		wg.Go(func() {
			defer c.Close()
			for {
				var size [2]byte
				if _, err := io.ReadFull(c, size[:]); err != nil {
					return
				}
				query := make([]byte, binary.BigEndian.Uint16(size[:]))
				if _, err := io.ReadFull(c, query); err != nil {
					return
				}
				s.queries.Add(1)
				s.mu.Lock()
				silent := s.silent
				s.mu.Unlock()
				resp, ok := s.answer(query)
				if silent || !ok {
					return
				}
				out := binary.BigEndian.AppendUint16(nil, uint16(len(resp)))
				if _, err := c.Write(append(out, resp...)); err != nil {
					return
				}
			}
		})
	}
}

// Set gives name its records, replacing what it held.
func (s *Server) Set(name string, r Records) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.zones[canonical(name)] = r
}

// Silent makes the server read queries and never answer (a dead or
// firewalled resolver).
func (s *Server) Silent(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.silent = on
}

// FailUnknown makes names the server does not hold answer SERVFAIL (a
// resolver that cannot say) instead of NXDOMAIN (a name that does not
// exist): what a test gets from a machine with no internet, on purpose.
func (s *Server) FailUnknown(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAll = on
}

// Queries is how many queries arrived so far.
func (s *Server) Queries() int64 { return s.queries.Load() }

func canonical(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

func (s *Server) serve() {
	buf := make([]byte, 4096)
	for {
		n, from, err := s.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		s.queries.Add(1)
		s.mu.Lock()
		silent := s.silent
		s.mu.Unlock()
		if silent {
			continue
		}
		if resp, ok := s.answer(buf[:n]); ok {
			_, _ = s.conn.WriteTo(resp, from)
		}
	}
}

func (s *Server) answer(query []byte) ([]byte, bool) {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil, false
	}
	q, err := p.Question()
	if err != nil {
		return nil, false
	}
	s.mu.Lock()
	rec, found := s.zones[canonical(q.Name.String())]
	failAll := s.failAll
	s.mu.Unlock()

	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true}
	switch {
	case !found && failAll:
		rh.RCode = dnsmessage.RCodeServerFailure
	case !found:
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, false
	}
	if err := b.Question(q); err != nil {
		return nil, false
	}
	if err := b.StartAnswers(); err != nil {
		return nil, false
	}
	hdr := func(t dnsmessage.Type) dnsmessage.ResourceHeader {
		return dnsmessage.ResourceHeader{Name: q.Name, Type: t, Class: dnsmessage.ClassINET, TTL: 300}
	}
	var err2 error
	switch {
	case !found:
	case rec.CNAME != "":
		// An alias answers every type with itself; a recursive resolver
		// would follow it, and so does this one when the target is here.
		target := dnsmessage.MustNewName(canonical(rec.CNAME) + ".")
		err2 = b.CNAMEResource(hdr(dnsmessage.TypeCNAME), dnsmessage.CNAMEResource{CNAME: target})
		s.mu.Lock()
		next, ok := s.zones[canonical(rec.CNAME)]
		s.mu.Unlock()
		if ok && q.Type == dnsmessage.TypeTXT && err2 == nil {
			for _, txt := range next.TXT {
				h := dnsmessage.ResourceHeader{Name: target, Type: dnsmessage.TypeTXT, Class: dnsmessage.ClassINET, TTL: 300}
				if err2 = b.TXTResource(h, dnsmessage.TXTResource{TXT: split(txt)}); err2 != nil {
					break
				}
			}
		}
	case q.Type == dnsmessage.TypeMX:
		for _, mx := range rec.MX {
			host := dnsmessage.MustNewName(canonical(mx.Host) + ".")
			if err2 = b.MXResource(hdr(dnsmessage.TypeMX), dnsmessage.MXResource{Pref: mx.Pref, MX: host}); err2 != nil {
				break
			}
		}
	case q.Type == dnsmessage.TypeA:
		for _, a := range rec.A {
			ip, perr := netip.ParseAddr(a)
			if perr != nil || !ip.Is4() {
				return nil, false
			}
			if err2 = b.AResource(hdr(dnsmessage.TypeA), dnsmessage.AResource{A: ip.As4()}); err2 != nil {
				break
			}
		}
	case q.Type == dnsmessage.TypeTXT:
		for _, txt := range rec.TXT {
			if err2 = b.TXTResource(hdr(dnsmessage.TypeTXT), dnsmessage.TXTResource{TXT: split(txt)}); err2 != nil {
				break
			}
		}
	}
	if err2 != nil {
		return nil, false
	}
	out, err := b.Finish()
	return out, err == nil
}

// split cuts a TXT value into the 255-byte character-strings DNS carries.
func split(s string) []string {
	var parts []string
	for len(s) > 255 {
		parts = append(parts, s[:255])
		s = s[255:]
	}
	return append(parts, s)
}
