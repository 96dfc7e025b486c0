package verify

import (
	"bufio"
	_ "embed"
	"strings"

	"github.com/leadbitz/leadbitz/internal/store"
)

// Reasons a verdict gives, stable strings stored with the lead.
const (
	ReasonSyntax         = "syntax"          // not an address mail can be sent to
	ReasonNoMX           = "no_mx"           // the domain has no MX and no address record
	ReasonNullMX         = "null_mx"         // the domain says it accepts no mail (RFC 7505)
	ReasonDisposable     = "disposable"      // a throwaway mail domain
	ReasonRole           = "role"            // a function's address (info@, sales@…)
	ReasonFreeProvider   = "free_provider"   // a free mailbox provider (informational)
	ReasonCatchAll       = "catch_all"       // the domain accepts any address
	ReasonSMTPRejected   = "smtp_rejected"   // the receiving server refused the address
	ReasonFullInbox      = "full_inbox"      // the mailbox is over quota
	ReasonUnverifiable   = "unverifiable"    // the provider answers every probe alike
	ReasonResolverFailed = "resolver_failed" // DNS gave no answer: could not check
	ReasonHardBounce     = "hard_bounce"     // a message to it bounced for good
	ReasonReplied        = "replied"         // a person replied from it
)

// Providers a recipient's MX can name (ESP matching).
const (
	ProviderGoogle    = "google"
	ProviderMicrosoft = "microsoft"
	ProviderOther     = "other"
)

// Domain is what DNS said about an address's domain.
type Domain struct {
	// Failed is true when the resolver gave no answer: nothing is known.
	Failed bool
	// NullMX: the domain accepts no mail; NoMail: it has neither an MX nor
	// an address record.
	NullMX, NoMail bool
	// Provider is read from the MX hosts ("" when Failed).
	Provider string
	// MX are the exchangers in preference order (none for a domain that
	// receives at its address record).
	MX []string
}

// Decide is the verdict on one address from its domain's DNS facts and the
// lists. Undeliverable needs a definite answer (a bad syntax, a null MX, a
// domain with nowhere to deliver); a resolver that did not answer leaves
// the address unknown, never undeliverable. Disposable domains and role
// addresses are risky; a free provider is only noted.
func Decide(email string, d Domain) store.Verification {
	v := store.Verification{Reasons: []string{}}
	local, domain, ok := splitAddress(email)
	if !ok {
		v.Status, v.Reasons = store.VerifyUndeliverable, []string{ReasonSyntax}
		return v
	}
	v.Provider = d.Provider
	switch {
	case d.Failed:
		v.Status = store.VerifyUnknown
		v.Reasons = append(v.Reasons, ReasonResolverFailed)
	case d.NullMX:
		v.Status = store.VerifyUndeliverable
		v.Reasons = append(v.Reasons, ReasonNullMX)
	case d.NoMail:
		v.Status = store.VerifyUndeliverable
		v.Reasons = append(v.Reasons, ReasonNoMX)
	default:
		v.Status = store.VerifyDeliverable
	}
	risky := false
	if isListed(disposable, domain) {
		v.Reasons, risky = append(v.Reasons, ReasonDisposable), true
	}
	if IsRole(local) {
		v.Reasons, risky = append(v.Reasons, ReasonRole), true
	}
	if isListed(free, domain) {
		v.Reasons = append(v.Reasons, ReasonFreeProvider)
	}
	if risky && v.Status != store.VerifyUndeliverable {
		v.Status = store.VerifyRisky
	}
	return v
}

// ProviderOf names the mail provider of a domain from its MX hosts: Google
// (Gmail and Workspace), Microsoft (Outlook.com and Microsoft 365), or
// other.
func ProviderOf(mx []string) string {
	for _, h := range mx {
		h = strings.ToLower(strings.TrimSuffix(h, "."))
		switch {
		case h == "smtp.google.com" || strings.HasSuffix(h, ".google.com") || strings.HasSuffix(h, ".googlemail.com"):
			return ProviderGoogle
		case strings.HasSuffix(h, ".outlook.com") || strings.HasSuffix(h, ".hotmail.com") ||
			strings.HasSuffix(h, ".outlook.cn"):
			return ProviderMicrosoft
		}
	}
	return ProviderOther
}

// splitAddress checks an address's syntax (RFC 5321 sizes, a dot-atom local
// part, a host name of letters, digits and hyphens) and returns its parts,
// the domain in lower case.
func splitAddress(email string) (local, domain string, ok bool) {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || at == len(email)-1 || len(email) > 254 {
		return "", "", false
	}
	local, domain = email[:at], strings.ToLower(strings.TrimSuffix(email[at+1:], "."))
	if len(local) > 64 || strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return "", "", false
	}
	for _, r := range local {
		if r <= ' ' || r == 0x7f || strings.ContainsRune(`"(),:;<>@[\]`, r) {
			return "", "", false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 || len(domain) > 253 {
		return "", "", false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", "", false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r >= 0x80) {
				return "", "", false
			}
		}
	}
	return local, domain, true
}

// IsRole reports whether a local part names a function rather than a
// person: the role list, matched without a +tag and separators.
func IsRole(local string) bool {
	local = strings.ToLower(local)
	if i := strings.IndexByte(local, '+'); i >= 0 {
		local = local[:i]
	}
	local = strings.NewReplacer(".", "", "-", "", "_", "").Replace(local)
	return roles[local]
}

// isListed reports whether domain or one of its parent domains is in list.
func isListed(list map[string]bool, domain string) bool {
	for {
		if list[domain] {
			return true
		}
		i := strings.IndexByte(domain, '.')
		if i < 0 {
			return false
		}
		domain = domain[i+1:]
	}
}

var (
	//go:embed data/disposable.txt
	disposableText string
	//go:embed data/free.txt
	freeText string
	//go:embed data/role.txt
	roleText string

	disposable, free, roles = readList(disposableText), readList(freeText), readList(roleText)
)

// readList reads one entry a line, skipping blank lines and # comments.
func readList(text string) map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.ToLower(strings.TrimSpace(sc.Text()))
		if line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
}
