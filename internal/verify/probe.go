package verify

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/netguard"
)

// The SMTP probe (LEADBITZ_VERIFY_SMTP=on) asks a domain's mail exchanger
// whether it would take an address: HELO, MAIL FROM, RCPT TO, then RSET and
// QUIT. It never sends DATA, so no message is ever delivered. Each session
// first asks for a random address of the domain: a server that accepts it
// accepts anything (catch-all) and says nothing about the real one.
//
// Before the first probe it checks that outbound port 25 opens at all (many
// clouds block it); when it does not, no probe is tried, the log and the
// System page say so, and checked addresses carry the reason smtp_blocked.

// Probe outcomes for one address.
const (
	outcomeAccepted = "accepted"
	outcomeRejected = ReasonSMTPRejected
	outcomeFull     = ReasonFullInbox
	// outcomeNone: the server gave no verdict on the address (a temporary
	// error, greylisting, a refusal of the prober itself).
	outcomeNone = ""
)

// ReasonProbeBlocked is the reason an address carries when the probe could
// not run because outbound port 25 is blocked.
const ReasonProbeBlocked = "smtp_blocked"

// Probe cache lifetimes: a domain's answers a week, a failed session an hour.
const (
	probeCacheFor       = 7 * 24 * time.Hour
	probeFailedCacheFor = time.Hour
	selfTestFor         = time.Hour
	maxProbedDomains    = 50_000
	// rcptPerSession bounds the RCPT commands of one session; more
	// addresses take another session.
	rcptPerSession = 20
)

// ProbeOptions configure a Prober. HELO is required.
type ProbeOptions struct {
	// HELO is the name the prober greets with (LEADBITZ_VERIFY_SMTP_HELO);
	// MAIL FROM is postmaster at it.
	HELO string
	// Guard dials the exchangers, as it dials mailbox hosts.
	Guard *netguard.Guard
	// Port is the exchangers' port: 25, or a test's fake server. An internal
	// option, never a user setting.
	Port int
	// SelfTest is the host:port dialed to learn whether outbound port 25
	// is open (default Google's inbound exchanger on Port).
	SelfTest string
	// Gap is the least time between two sessions with one exchanger
	// (default 1 s); a negative Gap is none.
	Gap time.Duration
	// Timeout bounds one session (default 20 s).
	Timeout time.Duration
}

// ProbeStatus is what the System page shows of the probe.
type ProbeStatus struct {
	Enabled bool `json:"enabled"`
	// Port25 is "untested" (no verification has run yet), "open" or
	// "blocked".
	Port25   string     `json:"port25"`
	TestedAt *time.Time `json:"testedAt,omitempty"`
	Detail   string     `json:"detail,omitempty"`
}

// Prober runs SMTP probes; safe for concurrent use.
type Prober struct {
	o   ProbeOptions
	env env.Env

	mu      sync.Mutex
	status  ProbeStatus
	domains map[string]probedDomain
	mxNext  map[string]time.Time // the earliest next session per exchanger
	mxBusy  map[string]chan struct{}
}

type probedDomain struct {
	catchAll bool
	addrs    map[string]string // address → outcome
	expires  time.Time
}

// NewProber returns a prober with o's settings.
func NewProber(o ProbeOptions, e env.Env) *Prober {
	if o.Port == 0 {
		o.Port = 25
	}
	if o.SelfTest == "" {
		o.SelfTest = net.JoinHostPort("gmail-smtp-in.l.google.com", strconv.Itoa(o.Port))
	}
	if o.Gap == 0 {
		o.Gap = time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Second
	}
	return &Prober{o: o, env: e, status: ProbeStatus{Enabled: true, Port25: "untested"},
		domains: map[string]probedDomain{}, mxNext: map[string]time.Time{}, mxBusy: map[string]chan struct{}{}}
}

// Status is the probe's state for the System page; a nil Prober is off.
func (p *Prober) Status() ProbeStatus {
	if p == nil {
		return ProbeStatus{Port25: "untested"}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

// portOpen runs the self-test of outbound port 25 when its last result is
// older than an hour, and reports whether the port is open.
func (p *Prober) portOpen(ctx context.Context) bool {
	now := p.env.Now()
	p.mu.Lock()
	st := p.status
	p.mu.Unlock()
	if st.TestedAt != nil && now.Sub(*st.TestedAt) < selfTestFor {
		return st.Port25 == "open"
	}
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, _, err := p.o.Guard.Dial(dctx, "tcp", p.o.SelfTest)
	st = ProbeStatus{Enabled: true, Port25: "open", TestedAt: &now}
	if err != nil {
		if ctx.Err() != nil {
			return false // the caller went away: not the port's answer
		}
		st.Port25 = "blocked"
		st.Detail = fmt.Sprintf("outbound port %d is blocked (%s could not be reached: %v); addresses are checked by DNS only", p.o.Port, p.o.SelfTest, err)
		p.env.Log().WarnContext(ctx, "verify: SMTP probe off: "+st.Detail)
	} else {
		conn.Close()
	}
	p.mu.Lock()
	p.status = st
	p.mu.Unlock()
	return st.Port25 == "open"
}

// domainResult is the probe's answer for a domain's addresses.
type domainResult struct {
	blocked, catchAll, unverifiable bool
	addrs                           map[string]string // address → outcome
}

// Probe asks the domain's exchanger about addrs (lower-case addresses of
// domain), from the week-long cache where it can. mx are the domain's
// exchangers in preference order (the domain itself when it has none).
func (p *Prober) Probe(ctx context.Context, domain string, mx []string, addrs []string) domainResult {
	if unverifiableMX(mx) {
		return domainResult{unverifiable: true}
	}
	now := p.env.Now()
	p.mu.Lock()
	d, ok := p.domains[domain]
	p.mu.Unlock()
	if ok = ok && now.Before(d.expires); !ok {
		d = probedDomain{addrs: map[string]string{}}
	}
	var todo []string
	for _, a := range addrs {
		if _, done := d.addrs[a]; !done {
			todo = append(todo, a)
		}
	}
	if len(todo) > 0 && !d.catchAll {
		if !p.portOpen(ctx) {
			if ctx.Err() != nil {
				return domainResult{} // out of time: no answer
			}
			return domainResult{blocked: true}
		}
		failed := false
		for len(todo) > 0 && !failed {
			batch := todo[:min(rcptPerSession, len(todo))]
			todo = todo[len(batch):]
			res, err := p.session(ctx, domain, mx, batch, !ok)
			if err != nil {
				failed = true
				p.env.Log().InfoContext(ctx, "verify: SMTP probe gave no answer", "domain", domain, "error", err.Error())
				break
			}
			ok = true // the catch-all question is asked once per domain
			d.catchAll = d.catchAll || res.catchAll
			for a, o := range res.addrs {
				d.addrs[a] = o
			}
		}
		ttl := probeCacheFor
		if failed {
			ttl = probeFailedCacheFor
		}
		if ctx.Err() != nil {
			return domainResult{}
		}
		if failed && len(d.addrs) == 0 && !d.catchAll {
			return domainResult{} // nothing learnt: ask again next time
		}
		d.expires = now.Add(ttl)
		p.remember(domain, d, now)
	}
	return domainResult{catchAll: d.catchAll, addrs: d.addrs}
}

func (p *Prober) remember(domain string, d probedDomain, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.domains) >= maxProbedDomains {
		for k, e := range p.domains {
			if !now.Before(e.expires) {
				delete(p.domains, k)
			}
		}
		if len(p.domains) >= maxProbedDomains {
			clear(p.domains)
		}
	}
	p.domains[domain] = d
}

// session holds one SMTP conversation with the first exchanger that answers
// (of the first two), after waiting for its turn under the per-exchanger
// rate limit.
func (p *Prober) session(ctx context.Context, domain string, mx, addrs []string, askCatchAll bool) (domainResult, error) {
	hosts := mx
	if len(hosts) == 0 {
		hosts = []string{domain}
	}
	var err error
	for _, host := range hosts[:min(2, len(hosts))] {
		var res domainResult
		if res, err = p.sessionWith(ctx, host, domain, addrs, askCatchAll); err == nil {
			return res, nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return domainResult{}, err
}

// turn waits until this exchanger may take a session: one at a time, at
// least Gap apart. The returned func ends the turn.
func (p *Prober) turn(ctx context.Context, host string) (func(), error) {
	for {
		p.mu.Lock()
		busy := p.mxBusy[host]
		if busy == nil {
			ch := make(chan struct{})
			p.mxBusy[host] = ch
			wait := WaitBefore(p.mxNext[host], time.Now())
			p.mu.Unlock()
			done := func() {
				p.mu.Lock()
				p.mxNext[host] = time.Now().Add(max(p.o.Gap, 0))
				delete(p.mxBusy, host)
				p.mu.Unlock()
				close(ch)
			}
			if wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-t.C:
				case <-ctx.Done():
					t.Stop()
					done()
					return nil, ctx.Err()
				}
			}
			return done, nil
		}
		p.mu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// WaitBefore is how long to wait at now for a slot that opens at next.
func WaitBefore(next, now time.Time) time.Duration {
	if next.IsZero() || !now.Before(next) {
		return 0
	}
	return next.Sub(now)
}

func (p *Prober) sessionWith(ctx context.Context, host, domain string, addrs []string, askCatchAll bool) (domainResult, error) {
	done, err := p.turn(ctx, host)
	if err != nil {
		return domainResult{}, err
	}
	defer done()
	ctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	conn, _, err := p.o.Guard.Dial(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(p.o.Port)))
	if err != nil {
		return domainResult{}, err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	c := &smtpConv{r: bufio.NewReader(conn), w: conn}
	if code, msg, err := c.read(); err != nil || code != 220 {
		return domainResult{}, replyError("greeting", code, msg, err)
	}
	code, msg, err := c.cmd("EHLO " + p.o.HELO)
	if err == nil && code != 250 { // a server without ESMTP
		code, msg, err = c.cmd("HELO " + p.o.HELO)
	}
	if err != nil || code != 250 {
		return domainResult{}, replyError("HELO", code, msg, err)
	}
	if code, msg, err := c.cmd("MAIL FROM:<postmaster@" + p.o.HELO + ">"); err != nil || code != 250 {
		return domainResult{}, replyError("MAIL FROM", code, msg, err)
	}
	res := domainResult{addrs: map[string]string{}}
	if askCatchAll {
		code, msg, err := c.cmd("RCPT TO:<" + randomLocal() + "@" + domain + ">")
		if err != nil {
			return res, err
		}
		switch o := RcptOutcome(code, msg); o {
		case outcomeAccepted:
			res.catchAll = true
		case outcomeNone:
			// The server refused the prober, not the address: no answer.
			return domainResult{}, replyError("RCPT TO", code, msg, nil)
		}
	}
	if !res.catchAll {
		for _, a := range addrs {
			code, msg, err := c.cmd("RCPT TO:<" + a + ">")
			if err != nil {
				return domainResult{}, err
			}
			if o := RcptOutcome(code, msg); o != outcomeNone {
				res.addrs[a] = o
			}
		}
	}
	c.cmd("RSET")
	c.cmd("QUIT")
	return res, nil
}

func replyError(step string, code int, msg string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", step, err)
	}
	return fmt.Errorf("%s: %d %s", step, code, msg)
}

// RcptOutcome reads a reply to RCPT TO: accepted (2xx); full_inbox (552, or
// 452 naming a full mailbox: enhanced code x.2.2 or its words);
// smtp_rejected (a permanent refusal of the address); none when the reply
// is temporary or refuses the prober rather than the address (enhanced
// code 5.7.x: policy, a blocklisted sender).
func RcptOutcome(code int, msg string) string {
	lower := strings.ToLower(msg)
	full := strings.HasPrefix(lower, "5.2.2") || strings.HasPrefix(lower, "4.2.2") ||
		strings.Contains(lower, "mailbox full") || strings.Contains(lower, "mailbox is full") ||
		strings.Contains(lower, "quota") || strings.Contains(lower, "insufficient storage")
	switch {
	case code >= 200 && code < 300:
		return outcomeAccepted
	case code == 552 && !strings.HasPrefix(lower, "5.7."), code == 452 && full:
		return outcomeFull
	case code >= 500 && code < 600:
		if strings.HasPrefix(lower, "5.7.") || strings.Contains(lower, "spamhaus") ||
			strings.Contains(lower, "blocklist") || strings.Contains(lower, "blacklist") {
			return outcomeNone
		}
		if full {
			return outcomeFull
		}
		return outcomeRejected
	}
	return outcomeNone
}

// unverifiableMX reports whether a domain's exchangers answer every probe
// alike (Microsoft 365 and Outlook.com accept any recipient at RCPT and
// bounce later; Yahoo refuses probers): probing them says nothing.
func unverifiableMX(mx []string) bool {
	for _, h := range mx {
		if ProviderOf([]string{h}) == ProviderMicrosoft || strings.HasSuffix(h, ".yahoodns.net") {
			return true
		}
	}
	return false
}

func randomLocal() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "lb-probe-" + hex.EncodeToString(b)
}

// smtpConv is one side of an SMTP conversation.
type smtpConv struct {
	r *bufio.Reader
	w net.Conn
}

func (c *smtpConv) cmd(line string) (int, string, error) {
	if _, err := c.w.Write([]byte(line + "\r\n")); err != nil {
		return 0, "", err
	}
	return c.read()
}

// read reads a (multi-line) reply: its code and the text of its last line.
func (c *smtpConv) read() (int, string, error) {
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return 0, "", err
		}
		line = strings.TrimRight(line, "\r\n")
		if len(line) < 3 {
			return 0, "", errors.New("short SMTP reply")
		}
		code, err := strconv.Atoi(line[:3])
		if err != nil {
			return 0, "", fmt.Errorf("bad SMTP reply %q", line)
		}
		if len(line) == 3 || line[3] == ' ' {
			return code, strings.TrimSpace(line[3:]), nil
		}
	}
}
