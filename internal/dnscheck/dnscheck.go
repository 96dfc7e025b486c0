// Package dnscheck looks up what receivers judge a sending domain by — MX,
// SPF, DKIM and DMARC — and says in plain words what passes, what is weak
// and what to publish to fix it. A mailbox's domain is the part of its
// address after the @; what counts as right depends on who sends for it
// (Google, Microsoft 365 or an SMTP server).
//
// Lookups go through a net.Resolver, to the system's resolver or to the
// server in LEADBITZ_DNS_SERVER, each bounded by a timeout, a few at a time
// across the process; reports are kept per domain for a few minutes, so a
// page that shows them does not query DNS on every load. A lookup that gets
// no answer is "could not check" (unknown), never "fail": a slow resolver
// is not the domain's fault.
package dnscheck

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"time"
)

// Status is a check's verdict.
type Status string

const (
	Pass    Status = "pass"
	Warn    Status = "warn"
	Fail    Status = "fail"
	Unknown Status = "unknown" // the lookup got no answer: could not check
)

// The checks, in the order reports list them.
const (
	MX    = "mx"
	SPF   = "spf"
	DKIM  = "dkim"
	DMARC = "dmarc"
)

// Providers, as store names them: they decide the SPF include and the
// DKIM selectors to look for.
const (
	Gmail     = "gmail"
	Microsoft = "microsoft"
	SMTP      = "smtp"
)

// Check is one record's verdict: what was found in plain words and the
// record to publish when something is missing or wrong.
type Check struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"`
}

// Report is a domain's four checks.
type Report struct {
	Domain    string    `json:"domain"`
	CheckedAt time.Time `json:"checkedAt"`
	Checks    []Check   `json:"checks"`
}

// Failed reports whether any check failed.
func (r Report) Failed() bool {
	for _, c := range r.Checks {
		if c.Status == Fail {
			return true
		}
	}
	return false
}

// has reports whether any check has status s.
func (r Report) has(s Status) bool {
	for _, c := range r.Checks {
		if c.Status == s {
			return true
		}
	}
	return false
}

// Options configure a Checker; zero values take the defaults.
type Options struct {
	// Server is the DNS server to ask ("host" or "host:port", port 53 by
	// default); empty asks the system's resolver.
	Server string
	// Timeout bounds each lookup (default 3 s).
	Timeout time.Duration
	// CacheFor is how long a report is kept (default 5 minutes); one with a
	// check that could not be made is kept 30 s at most, to retry soon.
	CacheFor time.Duration
	// Concurrency bounds the lookups in flight across the checker (default 8).
	Concurrency int
}

// Checker checks domains; it is safe for concurrent use.
type Checker struct {
	resolver *net.Resolver
	custom   bool
	timeout  time.Duration
	cacheFor time.Duration
	sem      chan struct{}
	now      func() time.Time

	mu    sync.Mutex
	cache map[string]*entry
}

type entry struct {
	done    chan struct{} // closed when rep is set
	rep     Report
	expires time.Time
}

// New returns a checker.
func New(o Options) *Checker {
	c := &Checker{resolver: net.DefaultResolver, timeout: o.Timeout, cacheFor: o.CacheFor,
		now: time.Now, cache: map[string]*entry{}}
	if c.timeout <= 0 {
		c.timeout = 3 * time.Second
	}
	if c.cacheFor <= 0 {
		c.cacheFor = 5 * time.Minute
	}
	n := o.Concurrency
	if n <= 0 {
		n = 8
	}
	c.sem = make(chan struct{}, n)
	if server := strings.TrimSpace(o.Server); server != "" {
		if _, _, err := net.SplitHostPort(server); err != nil {
			server = net.JoinHostPort(strings.Trim(server, "[]"), "53")
		}
		c.custom = true
		c.resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, server)
		}}
	}
	return c
}

// DomainOf is the domain of an address: after the last @, lower case.
func DomainOf(email string) string {
	at := strings.LastIndex(email, "@")
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(email[at+1:]), "."))
}

// Check returns the domain's report for a provider, from the cache when
// a recent one is there. Concurrent calls for the same domain share one
// set of lookups, which finishes (and is cached) even when the caller
// that started it goes away.
func (c *Checker) Check(ctx context.Context, domain, provider string) Report {
	domain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	key := provider + " " + domain
	c.mu.Lock()
	e, ok := c.cache[key]
	if ok {
		select {
		case <-e.done:
			if c.now().After(e.expires) {
				ok = false
			}
		default: // in flight: wait for it
		}
	}
	if !ok {
		e = &entry{done: make(chan struct{})}
		c.sweep()
		c.cache[key] = e
		go func() {
			// The whole check is bounded: a few rounds of lookups.
			lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 4*c.timeout)
			defer cancel()
			rep := c.check(lctx, domain, provider)
			ttl := c.cacheFor
			if rep.has(Unknown) && ttl > 30*time.Second {
				ttl = 30 * time.Second
			}
			c.mu.Lock()
			e.rep, e.expires = rep, c.now().Add(ttl)
			c.mu.Unlock()
			close(e.done)
		}()
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		c.mu.Lock()
		defer c.mu.Unlock()
		return e.rep
	case <-ctx.Done():
		return unknownReport(domain, c.now(), "Could not check: the request ended before DNS answered.")
	}
}

// Forget drops the cached report of a domain, so the next Check looks again.
func (c *Checker) Forget(domain, provider string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := provider + " " + strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	if e, ok := c.cache[key]; ok {
		select {
		case <-e.done:
			delete(c.cache, key)
		default: // in flight: that answer is fresh anyway
		}
	}
}

// sweep drops expired reports once the cache grows, so it stays bounded
// by the domains checked in the last few minutes. c.mu is held.
func (c *Checker) sweep() {
	if len(c.cache) < 256 {
		return
	}
	now := c.now()
	for k, e := range c.cache {
		select {
		case <-e.done:
			if now.After(e.expires) {
				delete(c.cache, k)
			}
		default:
		}
	}
}

func unknownReport(domain string, at time.Time, detail string) Report {
	r := Report{Domain: domain, CheckedAt: at}
	for _, n := range []string{MX, SPF, DKIM, DMARC} {
		r.Checks = append(r.Checks, Check{Name: n, Status: Unknown, Detail: detail})
	}
	return r
}

// check runs the four checks at once.
func (c *Checker) check(ctx context.Context, domain, provider string) Report {
	if !c.custom && reserved(domain) {
		// The public DNS has nothing for these names; asking would only
		// send queries out (tests use them). A server of one's own is
		// asked anything: it may hold a private zone.
		return unknownReport(domain, c.now(), "Could not check: "+domain+" is a name reserved for examples and tests (RFC 2606), not a public domain.")
	}
	if owner, ok := managed[domain]; ok {
		r := Report{Domain: domain, CheckedAt: c.now()}
		for _, n := range []string{MX, SPF, DKIM, DMARC} {
			r.Checks = append(r.Checks, Check{Name: n, Status: Pass,
				Detail: domain + " is " + owner + "'s own domain: " + owner + " publishes and maintains its records."})
		}
		return r
	}
	checks := make([]Check, 4)
	var wg sync.WaitGroup
	for i, f := range []func(context.Context, string, string) Check{c.checkMX, c.checkSPF, c.checkDKIM, c.checkDMARC} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			checks[i] = f(ctx, domain, provider)
		}()
	}
	wg.Wait()
	return Report{Domain: domain, CheckedAt: c.now(), Checks: checks}
}

// reserved reports whether a domain is one of the names RFC 2606 and 6761
// set aside, which never exist in the public DNS.
func reserved(domain string) bool {
	for _, suffix := range []string{"test", "example", "invalid", "localhost", "local", "example.com", "example.net", "example.org"} {
		if domain == suffix || strings.HasSuffix(domain, "."+suffix) {
			return true
		}
	}
	return false
}

// managed are the providers' own consumer domains: their owners keep the
// records right, and a user could not change them anyway.
var managed = map[string]string{
	"gmail.com": "Google", "googlemail.com": "Google",
	"outlook.com": "Microsoft", "hotmail.com": "Microsoft", "live.com": "Microsoft", "msn.com": "Microsoft",
}

// lookup runs one query under the concurrency bound and the per-lookup
// timeout. notFound is true when the name or the type has no records.
func lookup[T any](ctx context.Context, c *Checker, f func(context.Context) (T, error)) (v T, notFound bool, err error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return v, false, ctx.Err()
	}
	defer func() { <-c.sem }()
	lctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	v, err = f(lctx)
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return v, true, nil
	}
	return v, false, err
}

// couldNotCheck words a lookup error for people.
func couldNotCheck(what string, err error) string {
	var dnsErr *net.DNSError
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &dnsErr) && dnsErr.IsTimeout) {
		return "Could not check " + what + ": the DNS server did not answer in time. Try again in a minute."
	}
	return "Could not check " + what + ": " + err.Error() + "."
}

// fqdn makes a name absolute, so the resolver's search domains are not
// tried after it.
func fqdn(name string) string { return name + "." }

func (c *Checker) txt(ctx context.Context, name string) ([]string, bool, error) {
	return lookup(ctx, c, func(ctx context.Context) ([]string, error) { return c.resolver.LookupTXT(ctx, fqdn(name)) })
}
