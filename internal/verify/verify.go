// Package verify checks leads' addresses before a campaign writes to them:
// the syntax, where the domain receives mail (MX, a null MX of RFC 7505, no
// MX and no address record), a disposable-domain list, role addresses and
// free providers, kept as data in data/. Each lead stores the verdict
// (deliverable, risky, undeliverable or unknown), its reasons, the
// recipient's provider read from the MX, when and by what it was decided.
//
// DNS is asked once per distinct domain, never per lead, through the
// resolver of internal/dnscheck (LEADBITZ_DNS_SERVER or the system's), and
// each domain's answer is kept for a day (a resolver failure for a minute).
// A resolver that does not answer makes the address unknown, never
// undeliverable. The send gate that reads the verdict is in
// internal/sending/rules.
package verify

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/dnscheck"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
)

// How long a domain's answer is kept: definite answers a day, failures a
// minute so the next check asks again soon.
const (
	cacheFor       = 24 * time.Hour
	failedCacheFor = time.Minute
	maxCached      = 100_000
	// page is how many leads one round reads and writes.
	page = 5000
	// parallel is how many domains are resolved at once (the checker also
	// bounds its lookups in flight).
	parallel = 16
	// probeStoreMargin is the time the SMTP probe leaves a caller's
	// deadline for writing the verdicts.
	probeStoreMargin = 2 * time.Second
)

// Service verifies leads' addresses; safe for concurrent use.
type Service struct {
	store *store.Store
	env   env.Env
	dns   *dnscheck.Checker
	probe *Prober // nil unless LEADBITZ_VERIFY_SMTP=on

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	d       Domain
	expires time.Time
}

// New returns a Service asking DNS through dns.
func New(st *store.Store, e env.Env, dns *dnscheck.Checker) *Service {
	return &Service{store: st, env: e, dns: dns, cache: map[string]cached{}}
}

// Result counts what a verification pass did.
type Result struct {
	Checked int `json:"checked"`
	Domains int `json:"domains"`
	// Counts are the verdicts by status.
	Counts  map[string]int `json:"counts"`
	Changed int            `json:"changed"`
	DryRun  bool           `json:"dryRun"`
}

// Selection names the leads of a pass: Ids, or every lead (All), or the
// leads never checked (neither).
type Selection struct {
	IDs []string
	All bool
}

// Run verifies the selected leads of a workspace, a page at a time; with
// dryRun it computes and counts the verdicts without storing them. A lead
// whose verdict came from a bounce or a reply (evidence stronger than DNS)
// keeps it unless the DNS verdict is undeliverable.
func (s *Service) Run(ctx context.Context, wsID string, sel Selection, dryRun bool) (Result, error) {
	res := Result{Counts: map[string]int{}, DryRun: dryRun}
	sc := s.store.InWorkspace(wsID)
	domains := map[string]bool{}
	unchecked := !sel.All && len(sel.IDs) == 0
	pass := func(list []store.LeadAddress) error {
		current, err := s.currentOf(ctx, sc, list, unchecked)
		if err != nil {
			return err
		}
		verdicts := s.verdicts(ctx, list, domains)
		byVerdict := map[store.Verdict][]string{}
		for _, a := range list {
			v, cur := verdicts[a.ID], current[a.ID]
			if cur != nil && kept(*cur, v) {
				v = *cur
			} else {
				byVerdict[store.VerdictOf(v)] = append(byVerdict[store.VerdictOf(v)], a.ID)
			}
			res.Checked++
			res.Counts[v.Status]++
			if cur == nil || cur.Status != v.Status || store.VerdictOf(*cur).Reasons != store.VerdictOf(v).Reasons {
				res.Changed++
			}
		}
		if dryRun {
			return nil
		}
		return sc.SetVerifications(ctx, byVerdict)
	}
	if len(sel.IDs) > 0 {
		for ids := range slices.Chunk(sel.IDs, page) {
			list, err := sc.LeadAddresses(ctx, ids, false, "", page)
			if err == nil {
				err = pass(list)
			}
			if err != nil {
				return res, err
			}
		}
	} else {
		for after := ""; ; {
			list, err := sc.LeadAddresses(ctx, nil, unchecked, after, page)
			if err != nil {
				return res, err
			}
			if len(list) > 0 {
				if err := pass(list); err != nil {
					return res, err
				}
				after = list[len(list)-1].ID
			}
			if len(list) < page {
				break
			}
		}
	}
	res.Domains = len(domains)
	return res, nil
}

// kept reports whether a lead keeps its current verdict over a new DNS one:
// a bounce or a reply is stronger evidence, unless DNS now says the domain
// takes no mail at all (a refusal by the SMTP probe does not overrule them).
func kept(cur, dns store.Verification) bool {
	return (cur.Source == store.VerifySourceBounce || cur.Source == store.VerifySourceReply) &&
		(dns.Status != store.VerifyUndeliverable || dns.Source == store.VerifySourceSMTP)
}

// currentOf reads the current verdicts of listed leads (none when only
// never-checked leads are listed).
func (s *Service) currentOf(ctx context.Context, sc store.Scope, list []store.LeadAddress, unchecked bool) (map[string]*store.Verification, error) {
	out := map[string]*store.Verification{}
	if unchecked {
		return out, nil
	}
	ids := make([]string, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	leads, err := sc.LeadsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, l := range leads {
		out[id] = l.Verification
	}
	return out, nil
}

// verdicts decides every listed address, resolving each distinct domain
// once (and adding it to seen).
func (s *Service) verdicts(ctx context.Context, list []store.LeadAddress, seen map[string]bool) map[string]store.Verification {
	byDomain := map[string]Domain{}
	for _, a := range list {
		byDomain[dnscheck.DomainOf(a.Email)] = Domain{}
	}
	names := make([]string, 0, len(byDomain))
	for d := range byDomain {
		names = append(names, d)
		seen[d] = true
	}
	results := make([]Domain, len(names))
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallel)
	for i, name := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = s.Domain(ctx, name)
		}()
	}
	wg.Wait()
	for i, name := range names {
		byDomain[name] = results[i]
	}
	now := s.env.Now()
	out := make(map[string]store.Verification, len(list))
	for _, a := range list {
		v := Decide(a.Email, byDomain[dnscheck.DomainOf(a.Email)])
		v.CheckedAt, v.Source = now, store.VerifySourceDNS
		out[a.ID] = v
	}
	if s.probe != nil {
		s.probeAll(ctx, list, byDomain, out)
	}
	return out
}

// Domain is what DNS says about a domain, from the cache when it is fresh.
func (s *Service) Domain(ctx context.Context, domain string) Domain {
	now := s.env.Now()
	s.mu.Lock()
	c, ok := s.cache[domain]
	s.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.d
	}
	var d Domain
	hosts, err := s.dns.MailHosts(ctx, domain)
	ttl := cacheFor
	switch {
	case err != nil:
		d.Failed, ttl = true, failedCacheFor
	case hosts.NullMX:
		d.NullMX = true
	case !hosts.Receives():
		d.NoMail = true
	default:
		d.Provider, d.MX = ProviderOf(hosts.MX), hosts.MX
	}
	if ctx.Err() != nil {
		return d // the caller went away: not the domain's answer
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.cache) >= maxCached {
		for k, e := range s.cache {
			if !now.Before(e.expires) {
				delete(s.cache, k)
			}
		}
		if len(s.cache) >= maxCached {
			clear(s.cache)
		}
	}
	s.cache[domain] = cached{d: d, expires: now.Add(ttl)}
	return d
}

// Forget drops a domain's cached answer, so the next check asks DNS again.
func (s *Service) Forget(domain string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.cache, domain)
}

// Address verifies one address (no lead needed): the check a form can show.
func (s *Service) Address(ctx context.Context, email string) store.Verification {
	v := Decide(email, s.Domain(ctx, dnscheck.DomainOf(email)))
	v.CheckedAt, v.Source = s.env.Now(), store.VerifySourceDNS
	return v
}

// SetProber turns the SMTP probe on for later passes (LEADBITZ_VERIFY_SMTP).
func (s *Service) SetProber(p *Prober) { s.probe = p }

// ProbeStatus is the SMTP probe's state for the System page.
func (s *Service) ProbeStatus() ProbeStatus { return s.probe.Status() }

// probeAll asks the SMTP probe about the addresses DNS found deliverable or
// risky, one domain at a time per exchanger, and folds its answers into out.
func (s *Service) probeAll(ctx context.Context, list []store.LeadAddress, byDomain map[string]Domain, out map[string]store.Verification) {
	addrs := map[string][]string{}
	for _, a := range list {
		v := out[a.ID]
		if v.Status == store.VerifyDeliverable || v.Status == store.VerifyRisky {
			d := dnscheck.DomainOf(a.Email)
			addrs[d] = append(addrs[d], strings.ToLower(a.Email))
		}
	}
	// A caller with a deadline (one added lead: 8 s) keeps time to store
	// the DNS verdicts when the probe is slower than that.
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-probeStoreMargin))
		defer cancel()
	}
	var mu sync.Mutex
	results := map[string]domainResult{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallel)
	for d, list := range addrs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r := s.probe.Probe(ctx, d, byDomain[d].MX, slices.Compact(slices.Sorted(slices.Values(list))))
			mu.Lock()
			results[d] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, a := range list {
		r, ok := results[dnscheck.DomainOf(a.Email)]
		if ok {
			out[a.ID] = applyProbe(out[a.ID], strings.ToLower(a.Email), r)
		}
	}
}

// applyProbe folds the SMTP probe's answer into a DNS verdict: a refused
// address is undeliverable, a full mailbox or a catch-all domain risky; a
// provider that answers every probe alike, or a blocked port 25, only adds
// its reason. A verdict the probe decided has the source smtp.
func applyProbe(v store.Verification, email string, r domainResult) store.Verification {
	v.Reasons = slices.Clone(v.Reasons)
	switch {
	case r.blocked:
		v.Reasons = append(v.Reasons, ReasonProbeBlocked)
	case r.unverifiable:
		v.Reasons = append(v.Reasons, ReasonUnverifiable)
	case r.catchAll:
		v.Reasons, v.Source = append(v.Reasons, ReasonCatchAll), store.VerifySourceSMTP
		v.Status = store.VerifyRisky
	default:
		switch r.addrs[email] {
		case outcomeAccepted:
			v.Source = store.VerifySourceSMTP
		case outcomeRejected:
			v.Reasons, v.Source = append(v.Reasons, ReasonSMTPRejected), store.VerifySourceSMTP
			v.Status = store.VerifyUndeliverable
		case outcomeFull:
			v.Reasons, v.Source = append(v.Reasons, ReasonFullInbox), store.VerifySourceSMTP
			v.Status = store.VerifyRisky
		}
	}
	return v
}
