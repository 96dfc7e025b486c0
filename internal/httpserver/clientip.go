package httpserver

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
)

const clientIPKey ctxKey = iota + 100

// TrustProxies makes ClientIP read the client's address from the
// X-Forwarded-For (or X-Real-IP) header when the request comes from one of
// the trusted networks (LEADBITZ_TRUSTED_PROXIES): the proxies in front of
// Leadbitz. With none trusted, the default, the headers are ignored, since
// anyone can send them. The resolved address goes into the request's
// context, so the access log, the rate limits and the audit log all see it.
func TrustProxies(h http.Handler, trusted []netip.Prefix) http.Handler {
	if len(trusted) == 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientAddr(peerHost(r.RemoteAddr), r.Header.Values("X-Forwarded-For"), r.Header.Get("X-Real-IP"), trusted)
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientIPKey, client)))
	})
}

// maxForwardedHops bounds how far back X-Forwarded-For is read.
const maxForwardedHops = 32

// clientAddr decides the client's address from the peer's and the headers.
// An untrusted peer is the client: whatever it says about others is
// ignored. A trusted one forwarded the request: X-Forwarded-For is read
// right to left, skipping trusted proxies, and the first address that is
// not one is the client (the rightmost untrusted address: entries to its
// left were written by the client itself and may be forged). When every
// entry is trusted the leftmost is taken; an entry that is not an address
// stops the walk at the last proxy that was trusted. Without the header, a
// trusted peer's X-Real-IP is the client.
func clientAddr(peer string, forwarded []string, realIP string, trusted []netip.Prefix) string {
	addr, ok := parseAddr(peer)
	if !ok || !isTrusted(addr, trusted) {
		return peer
	}
	var hops []string
	for _, v := range forwarded {
		hops = append(hops, strings.Split(v, ",")...)
	}
	if len(hops) == 0 {
		if a, ok := parseAddr(realIP); ok {
			return a.String()
		}
		return peer
	}
	client := addr
	for i, n := len(hops)-1, 0; i >= 0 && n < maxForwardedHops; i, n = i-1, n+1 {
		a, ok := parseAddr(hops[i])
		if !ok {
			break
		}
		client = a
		if !isTrusted(a, trusted) {
			break
		}
	}
	return client.String()
}

// parseAddr reads an address as headers and RemoteAddr write it: bare, with
// a port, in brackets; IPv4-mapped IPv6 addresses become IPv4.
func parseAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil && a.Zone() == "" {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil && ap.Addr().Zone() == "" {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerHost is the host part of a RemoteAddr ("192.0.2.1:5678", "[::1]:80").
func peerHost(remote string) string {
	host := remote
	for i := len(host) - 1; i >= 0; i-- {
		if host[i] == ':' {
			host = host[:i]
			break
		}
	}
	if len(host) > 1 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	return host
}

// ClientIP is the client's address: the peer's, or, behind a trusted proxy
// (TrustProxies), the one the proxy forwarded.
func ClientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(clientIPKey).(string); ok {
		return ip
	}
	return peerHost(r.RemoteAddr)
}
