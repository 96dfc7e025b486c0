package dnscheck

import (
	"context"
	"errors"
	"net"
	"strings"
)

// ErrReserved is MailHosts' answer for a name reserved for examples and
// tests (RFC 2606) when the system's resolver is used: the public DNS has
// nothing for it, so it is not asked.
var ErrReserved = errors.New("a name reserved for examples and tests")

// MailHosts is where a domain receives mail, as an address check reads it.
type MailHosts struct {
	// MX are the exchangers' host names in preference order, without the
	// trailing dot.
	MX []string
	// NullMX is true when the domain publishes the null MX of RFC 7505: it
	// accepts no mail.
	NullMX bool
	// HasA is true when the domain has no MX but an address record, which
	// RFC 5321 (5.1) takes as its implicit MX.
	HasA bool
}

// Receives reports whether mail can be delivered to the domain at all.
func (m MailHosts) Receives() bool { return !m.NullMX && (len(m.MX) > 0 || m.HasA) }

// MailHosts looks up a domain's MX, and its address records when it has no
// MX, under the checker's timeout and bound on lookups. An error means the
// resolver gave no answer (a timeout, a server failure, a reserved name):
// the domain could not be checked, which is never a verdict on it.
func (c *Checker) MailHosts(ctx context.Context, domain string) (MailHosts, error) {
	domain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	var m MailHosts
	if !c.custom && reserved(domain) {
		return m, ErrReserved
	}
	mxs, notFound, err := lookup(ctx, c, func(ctx context.Context) ([]*net.MX, error) {
		return c.resolver.LookupMX(ctx, fqdn(domain))
	})
	if err != nil {
		return m, err
	}
	if !notFound && len(mxs) == 1 && strings.Trim(mxs[0].Host, ".") == "" {
		m.NullMX = true
		return m, nil
	}
	if !notFound && len(mxs) > 0 {
		for _, mx := range mxs {
			if h := strings.ToLower(strings.TrimSuffix(mx.Host, ".")); h != "" {
				m.MX = append(m.MX, h)
			}
		}
		return m, nil
	}
	addrs, notFound, err := lookup(ctx, c, func(ctx context.Context) ([]string, error) {
		return c.resolver.LookupHost(ctx, fqdn(domain))
	})
	if err != nil {
		return m, err
	}
	m.HasA = !notFound && len(addrs) > 0
	return m, nil
}

// Resolver is the resolver the checker asks (LEADBITZ_DNS_SERVER's or the
// system's), for a dialer that must resolve mail hosts the same way (the
// SMTP probe of internal/verify).
func (c *Checker) Resolver() *net.Resolver { return c.resolver }
