package dnscheck

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
)

// Where each provider's mail is authorised from and signed with.
var (
	spfInclude   = map[string]string{Gmail: "_spf.google.com", Microsoft: "spf.protection.outlook.com"}
	providerName = map[string]string{Gmail: "Google", Microsoft: "Microsoft 365", SMTP: "your mail provider"}
	// dkimSelectors are the selectors each provider signs with. SMTP
	// servers can use any name; these are the common ones.
	dkimSelectors = map[string][]string{
		Gmail:     {"google"},
		Microsoft: {"selector1", "selector2"},
		SMTP:      {"default", "mail", "dkim", "k1", "s1", "s2", "selector1", "selector2"},
	}
)

func nameOf(provider string) string {
	if n, ok := providerName[provider]; ok {
		return n
	}
	return providerName[SMTP]
}

func (c *Checker) checkMX(ctx context.Context, domain, provider string) Check {
	ch := Check{Name: MX}
	mxs, notFound, err := lookup(ctx, c, func(ctx context.Context) ([]*net.MX, error) {
		return c.resolver.LookupMX(ctx, fqdn(domain))
	})
	switch {
	case err != nil:
		ch.Status, ch.Detail = Unknown, couldNotCheck("the MX records", err)
		return ch
	case notFound || len(mxs) == 0:
		ch.Status = Fail
		ch.Detail = domain + " has no MX record (or does not exist), so replies and bounces to this mailbox have nowhere to go, and many receivers reject mail from a domain that cannot receive any."
		ch.Fix = mxFix(domain, provider)
		return ch
	}
	if len(mxs) == 1 && strings.Trim(mxs[0].Host, ".") == "" {
		ch.Status = Fail
		ch.Detail = domain + " publishes a null MX (RFC 7505): it says it accepts no mail at all, so replies and bounces are refused."
		ch.Fix = "Replace the null MX. " + mxFix(domain, provider)
		return ch
	}
	hosts := make([]string, 0, len(mxs))
	for _, m := range mxs {
		hosts = append(hosts, strings.TrimSuffix(m.Host, "."))
	}
	ch.Status, ch.Detail = Pass, domain+" receives mail at "+strings.Join(hosts, ", ")+"."
	return ch
}

func mxFix(domain, provider string) string {
	switch provider {
	case Gmail:
		return "Add the MX record Google Workspace gives you: MX @ 1 smtp.google.com"
	case Microsoft:
		return "Add the MX record Microsoft 365 gives you: MX @ 0 " + strings.ReplaceAll(domain, ".", "-") + ".mail.protection.outlook.com"
	}
	return "Add the MX records your mail provider gives you for " + domain + ", so replies and bounces reach this mailbox."
}

func (c *Checker) checkSPF(ctx context.Context, domain, provider string) Check {
	ch := Check{Name: SPF}
	txts, notFound, err := c.txt(ctx, domain)
	if err != nil {
		ch.Status, ch.Detail = Unknown, couldNotCheck("SPF", err)
		return ch
	}
	include, known := spfInclude[provider]
	want := "v=spf1 include:" + include + " ~all"
	if !known {
		want = "v=spf1 include:<your provider's SPF domain> ~all"
	}
	var spfs []string
	if !notFound {
		spfs = tagged(txts, "v=spf1")
	}
	switch len(spfs) {
	case 0:
		ch.Status = Fail
		ch.Detail = domain + " has no SPF record, so receivers cannot tell which servers may send its mail."
		ch.Fix = `Add a TXT record at ` + domain + `: "` + want + `"`
		return ch
	case 1:
	default:
		ch.Status = Fail
		ch.Detail = domain + " has " + strconv.Itoa(len(spfs)) + " SPF records; receivers treat more than one as an error (RFC 7208 permerror), as if there were none."
		ch.Fix = "Merge them into one TXT record starting v=spf1 that lists every sender, e.g. \"" + want + "\", and delete the others."
		return ch
	}
	spf := spfs[0]
	terms := strings.Fields(strings.ToLower(spf))
	for _, t := range terms {
		if t == "+all" || t == "all" {
			ch.Status = Fail
			ch.Detail = "The SPF record of " + domain + " ends in " + t + ", which lets any server in the world send as " + domain + "; receivers distrust it."
			ch.Fix = "Change " + t + " to ~all (or -all): \"" + strings.Replace(spf, t, "~all", 1) + "\""
			return ch
		}
	}
	if known {
		found := false
		for _, t := range terms {
			if t == "include:"+include || t == "+include:"+include || t == "redirect="+include {
				found = true
			}
		}
		if !found {
			ch.Status = Warn
			ch.Detail = "The SPF record of " + domain + " (\"" + spf + "\") does not name " + nameOf(provider) + "'s senders (include:" + include + "), so mail sent through " + nameOf(provider) + " may fail SPF. If it is included through another record, ignore this."
			ch.Fix = "Add include:" + include + " before the all at the end: \"" + addInclude(spf, include) + "\""
			return ch
		}
	}
	for _, t := range terms {
		if t == "?all" {
			ch.Status = Warn
			ch.Detail = "The SPF record of " + domain + " ends in ?all (neutral): it says nothing about other servers, so it protects little."
			ch.Fix = "Change ?all to ~all: \"" + strings.Replace(spf, "?all", "~all", 1) + "\""
			return ch
		}
	}
	ch.Status, ch.Detail = Pass, "One SPF record: \""+spf+"\"."
	return ch
}

// tagged keeps the records that start with tag (see isTag).
func tagged(txts []string, tag string) []string {
	var out []string
	for _, t := range txts {
		if isTag(t, tag) {
			out = append(out, t)
		}
	}
	return out
}

// isTag reports whether a TXT value starts with tag (v=spf1, v=DMARC1),
// case-insensitively, followed by a space, a semicolon or nothing.
func isTag(txt, tag string) bool {
	txt = strings.TrimSpace(txt)
	if len(txt) < len(tag) || !strings.EqualFold(txt[:len(tag)], tag) {
		return false
	}
	return len(txt) == len(tag) || txt[len(tag)] == ' ' || txt[len(tag)] == ';'
}

// addInclude puts include:domain before the record's all term, or at the end.
func addInclude(spf, include string) string {
	fields := strings.Fields(spf)
	for i, f := range fields {
		if strings.HasSuffix(strings.ToLower(f), "all") && len(f) <= 4 {
			return strings.Join(append(fields[:i:i], append([]string{"include:" + include}, fields[i:]...)...), " ")
		}
	}
	return strings.Join(append(fields, "include:"+include), " ")
}

func (c *Checker) checkDMARC(ctx context.Context, domain, _ string) Check {
	ch := Check{Name: DMARC}
	name := "_dmarc." + domain
	txts, notFound, err := c.txt(ctx, name)
	if err != nil {
		ch.Status, ch.Detail = Unknown, couldNotCheck("DMARC", err)
		return ch
	}
	start := `Add a TXT record at ` + name + `: "v=DMARC1; p=none; rua=mailto:dmarc@` + domain + `", then move to p=quarantine once the reports show your mail passes.`
	var recs []string
	if !notFound {
		recs = tagged(txts, "v=DMARC1")
	}
	switch len(recs) {
	case 0:
		ch.Status = Fail
		ch.Detail = domain + " has no DMARC record. Gmail and Yahoo require one from bulk senders, and mail without it is more likely to land in spam."
		ch.Fix = start
		return ch
	case 1:
	default:
		ch.Status = Fail
		ch.Detail = domain + " has " + strconv.Itoa(len(recs)) + " DMARC records at " + name + "; receivers then ignore DMARC altogether."
		ch.Fix = "Keep one TXT record at " + name + " and delete the others."
		return ch
	}
	policy := ""
	for _, part := range strings.Split(recs[0], ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		if strings.EqualFold(strings.TrimSpace(k), "p") {
			policy = strings.ToLower(strings.TrimSpace(v))
		}
	}
	switch policy {
	case "reject", "quarantine":
		ch.Status, ch.Detail = Pass, "DMARC policy p="+policy+": receivers "+map[string]string{"reject": "refuse", "quarantine": "put in spam"}[policy]+" mail that fails SPF and DKIM for "+domain+"."
	case "none":
		ch.Status = Warn
		ch.Detail = "DMARC policy p=none: receivers only report on mail that fails, they do not act on it. That meets Gmail's and Yahoo's rule, but a stricter policy protects the domain's reputation."
		ch.Fix = "Once the reports show your mail passes, change the record at " + name + " to p=quarantine: \"v=DMARC1; p=quarantine; rua=mailto:dmarc@" + domain + "\""
	default:
		ch.Status = Fail
		ch.Detail = "The DMARC record at " + name + " (\"" + recs[0] + "\") has no valid policy (p=none, quarantine or reject), so receivers ignore it."
		ch.Fix = start
	}
	return ch
}

// dkimAnswer is what one selector holds.
type dkimAnswer struct {
	selector string
	key      bool   // a TXT with a public key
	revoked  bool   // a TXT whose p= is empty
	alias    string // a CNAME whose target has no key (yet)
	err      error
}

func (c *Checker) checkDKIM(ctx context.Context, domain, provider string) Check {
	ch := Check{Name: DKIM}
	selectors, ok := dkimSelectors[provider]
	if !ok {
		selectors = dkimSelectors[SMTP]
	}
	answers := make([]dkimAnswer, len(selectors))
	var wg sync.WaitGroup
	for i, sel := range selectors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = c.dkimSelector(ctx, sel, domain)
		}()
	}
	wg.Wait()
	var found, revoked, aliases []string
	var lookupErr error
	for _, a := range answers {
		switch {
		case a.key:
			found = append(found, a.selector)
		case a.revoked:
			revoked = append(revoked, a.selector)
		case a.alias != "":
			aliases = append(aliases, a.selector+"._domainkey."+domain+" → "+a.alias)
		case a.err != nil:
			lookupErr = a.err
		}
	}
	if len(found) > 0 {
		ch.Status, ch.Detail = Pass, "DKIM key found at "+joinSelectors(found, domain)+"."
		return ch
	}
	if lookupErr != nil {
		ch.Status, ch.Detail = Unknown, couldNotCheck("DKIM", lookupErr)
		return ch
	}
	if len(aliases) > 0 {
		ch.Status = Warn
		ch.Detail = "DKIM is set up as an alias (" + strings.Join(aliases, "; ") + ") but no key answers there yet, so mail is not signed with it."
		if provider == Microsoft {
			ch.Fix = "Turn on DKIM signing for " + domain + " in the Microsoft Defender portal (Email authentication settings → DKIM)."
		} else {
			ch.Fix = "Turn on DKIM signing for " + domain + " at " + nameOf(provider) + ", which publishes the key the alias points to."
		}
		return ch
	}
	switch provider {
	case Gmail:
		ch.Status = Fail
		ch.Detail = "No DKIM key at google._domainkey." + domain + ", so Gmail's mail from " + domain + " is not signed for it and fails DMARC alignment."
		ch.Fix = "In the Google Admin console (Apps → Google Workspace → Gmail → Authenticate email), generate a DKIM key, add the TXT record it shows at google._domainkey." + domain + ", then press Start authentication."
	case Microsoft:
		ch.Status = Fail
		ch.Detail = "No DKIM record at selector1._domainkey." + domain + " or selector2._domainkey." + domain + ", so Microsoft 365 does not sign mail for " + domain + "."
		tenant := strings.ReplaceAll(domain, ".", "-")
		ch.Fix = "Add two CNAME records — selector1._domainkey." + domain + " → selector1-" + tenant + "._domainkey.<your tenant>.onmicrosoft.com and selector2._domainkey." + domain + " → selector2-" + tenant + "._domainkey.<your tenant>.onmicrosoft.com — then turn on DKIM signing in the Microsoft Defender portal."
	default:
		ch.Status = Warn
		ch.Detail = "DKIM key not found among common selectors (" + strings.Join(selectors, ", ") + "); check with your provider. Servers choose their own selector names, so a key may exist under another."
		ch.Fix = "Ask your mail provider for the DKIM record of " + domain + " (a TXT at <selector>._domainkey." + domain + " starting v=DKIM1) and publish it."
	}
	if len(revoked) > 0 {
		ch.Detail += " The key at " + joinSelectors(revoked, domain) + " is revoked (empty p=)."
	}
	return ch
}

func joinSelectors(sels []string, domain string) string {
	out := make([]string, len(sels))
	for i, s := range sels {
		out[i] = s + "._domainkey." + domain
	}
	return strings.Join(out, ", ")
}

// dkimSelector looks for a key at selector._domainkey.domain: a TXT (which
// the resolver finds through a CNAME too), else a CNAME whose target has
// none yet.
func (c *Checker) dkimSelector(ctx context.Context, sel, domain string) dkimAnswer {
	a := dkimAnswer{selector: sel}
	name := sel + "._domainkey." + domain
	txts, notFound, err := c.txt(ctx, name)
	if err != nil {
		a.err = err
		return a
	}
	if !notFound {
		for _, t := range txts {
			p, ok := dkimKey(t)
			if !ok {
				continue
			}
			if p == "" {
				a.revoked = true
			} else {
				a.key = true
				return a
			}
		}
		if a.revoked {
			return a
		}
	}
	cname, notFound, err := lookup(ctx, c, func(ctx context.Context) (string, error) {
		return c.resolver.LookupCNAME(ctx, fqdn(name))
	})
	if err != nil {
		a.err = err
		return a
	}
	if !notFound && cname != "" && !strings.EqualFold(strings.TrimSuffix(cname, "."), name) {
		a.alias = strings.TrimSuffix(cname, ".")
	}
	return a
}

// dkimKey finds the p= tag of a DKIM key record (RFC 6376 §3.6.1); ok is
// false when the TXT is not one.
func dkimKey(txt string) (p string, ok bool) {
	isKey := false
	for _, part := range strings.Split(txt, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch strings.TrimSpace(k) {
		case "v":
			if strings.TrimSpace(v) != "DKIM1" {
				return "", false
			}
			isKey = true
		case "p":
			p, isKey = strings.Join(strings.Fields(v), ""), true
		case "k":
			isKey = true
		}
	}
	return p, isKey
}
