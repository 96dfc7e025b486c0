package field

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// RFC 5321 limits (section 4.5.3.1): a local part of at most 64 octets, a
// domain of at most 255 (253 without the root dot and length bytes), and a
// forward path of 256 including the angle brackets.
const (
	maxLocalLen   = 64
	maxDomainLen  = 253
	maxLabelLen   = 63
	maxAddressLen = 254
)

// NormalizeEmail returns the one canonical form of an address a lead can be
// emailed at, the form that is unique per workspace and that suppressions
// are compared with, or a *Error (Field "email") saying what is wrong.
//
// It accepts what spreadsheets really hold: surrounding spaces (including
// no-break and zero-width ones), a "mailto:" prefix, angle brackets, quotes,
// and a display name ("Ada Lovelace <ada@example.com>"). It lower-cases the
// whole address and drops a trailing dot from the domain.
//
// It rejects what cannot receive mail: no @ or several, an empty side, a
// local part over 64 bytes or a domain over 253, dots at the edges or
// doubled, characters outside RFC 5322's dot-atom, a domain without a dot,
// an IP literal, a numeric top-level domain; also several addresses in one
// cell and placeholders such as "n/a" or Apollo's "email_not_unlocked@…".
//
// Internationalised domains are accepted and returned in their ASCII
// (punycode) form, "ada@xn--bcher-kva.de" for "ada@bücher.de": that is the
// form SMTP uses and bounces report, so one address has one spelling.
// Non-ASCII local parts (RFC 6531) are refused, because most receiving
// servers and all our sending paths would fail on them. No DNS lookup is
// made: whether the domain has MX records is a deliverability question for
// later, not a syntax one.
func NormalizeEmail(s string) (string, error) {
	s = TrimSpace(s)
	if s == "" {
		return "", emailErr("is missing")
	}
	if isPlaceholder(s) {
		return "", emailErr(fmt.Sprintf("%q is a placeholder, not an address", s))
	}
	if len(s) > 4*maxAddressLen {
		return "", emailErr(fmt.Sprintf("is longer than %d characters", maxAddressLen))
	}
	if len(s) >= 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
		if i := strings.IndexByte(s, '?'); i >= 0 {
			s = s[:i]
		}
		s = TrimSpace(s)
	}
	if i := strings.IndexByte(s, '<'); i >= 0 {
		addr, err := fromDisplayForm(s, i)
		if err != nil {
			return "", err
		}
		s = addr
	}
	s = stripQuotes(s)
	if !isPlainASCII(s) {
		s = strings.Map(func(r rune) rune {
			if isInvisible(r) {
				return -1
			}
			return r
		}, s)
	}
	if strings.ContainsAny(s, " \t\r\n,;") || strings.ContainsRune(s, '\u00a0') {
		if strings.Count(s, "@") > 1 {
			return "", emailErr("holds several addresses; keep one per row")
		}
		return "", emailErr("contains a space or a separator")
	}
	at := strings.LastIndexByte(s, '@')
	switch {
	case at < 0:
		return "", emailErr("missing @")
	case strings.IndexByte(s, '@') != at:
		return "", emailErr("has more than one @")
	case at == 0:
		return "", emailErr("nothing before @")
	case at == len(s)-1:
		return "", emailErr("nothing after @")
	}
	if isPlainASCII(s) {
		// One lower-casing for the whole address instead of one per
		// part and a concatenation: this runs for every imported row.
		s = strings.ToLower(s)
	}
	local, err := normalizeLocal(s[:at])
	if err != nil {
		return "", err
	}
	domain, err := normalizeDomain(s[at+1:])
	if err != nil {
		return "", emailErr(err.Error())
	}
	if local == "email_not_unlocked" {
		return "", emailErr("is Apollo's placeholder for an address not unlocked")
	}
	if len(local)+1+len(domain) > maxAddressLen {
		return "", emailErr(fmt.Sprintf("is longer than %d characters", maxAddressLen))
	}
	if len(local)+1+len(domain) == len(s) && s[:at] == local && s[at+1:] == domain {
		return s, nil // already canonical: no allocation
	}
	return local + "@" + domain, nil
}

func emailErr(msg string) *Error { return fieldErr(Email, msg) }

// fromDisplayForm extracts the address from `Name <addr>`, where lt is the
// index of "<". Text after ">" or an address-like display name is garbage
// that says the cell is not one clean address.
func fromDisplayForm(s string, lt int) (string, error) {
	gt := strings.IndexByte(s[lt:], '>')
	if gt < 0 {
		return "", emailErr("has < without a closing >")
	}
	gt += lt
	if rest := TrimSpace(s[gt+1:]); rest != "" {
		if strings.Contains(rest, "@") {
			return "", emailErr("holds several addresses; keep one per row")
		}
		return "", emailErr(fmt.Sprintf("has unexpected text %q after >", Truncate(rest, 20)))
	}
	name := s[:lt]
	if strings.ContainsAny(name, "<>") || strings.Contains(name, "@") && !isQuoted(TrimSpace(name)) {
		return "", emailErr("display name before < contains another address")
	}
	return TrimSpace(s[lt+1 : gt]), nil
}

// isQuoted reports whether s is wrapped in double quotes, as a display name
// that legitimately contains @ must be.
func isQuoted(s string) bool { return len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' }

// stripQuotes removes matching quotes or angle brackets around s, repeatedly
// ("'<ada@example.com>'").
func stripQuotes(s string) string {
	for len(s) >= 2 {
		first, n1 := utf8.DecodeRuneInString(s)
		last, n2 := utf8.DecodeLastRuneInString(s)
		if len(s) < n1+n2 {
			return s
		}
		switch {
		case first == '"' && last == '"', first == '\'' && last == '\'', first == '`' && last == '`',
			first == '<' && last == '>', first == '“' && last == '”', first == '‘' && last == '’',
			first == '«' && last == '»':
			s = TrimSpace(s[n1 : len(s)-n2])
		default:
			return s
		}
	}
	return s
}

// normalizeLocal lower-cases and checks the part before @ as an RFC 5322
// dot-atom.
func normalizeLocal(local string) (string, error) {
	if !isPlainASCII(local) {
		return "", emailErr("non-ASCII characters before @ are not supported")
	}
	if len(local) > maxLocalLen {
		return "", emailErr(fmt.Sprintf("part before @ is longer than %d characters", maxLocalLen))
	}
	if local[0] == '"' {
		return "", emailErr("quoted part before @ is not supported")
	}
	if local[0] == '.' || local[len(local)-1] == '.' {
		return "", emailErr("part before @ starts or ends with a dot")
	}
	if strings.Contains(local, "..") {
		return "", emailErr("consecutive dots before @")
	}
	for i := 0; i < len(local); i++ {
		if !isAtext(local[i]) && local[i] != '.' {
			return "", emailErr(fmt.Sprintf("character %q is not allowed before @", local[i]))
		}
	}
	return strings.ToLower(local), nil
}

// isAtext reports RFC 5322 atext characters (ASCII only).
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+/=?^_`{|}~-", c) >= 0
}

// normalizeDomain returns the lower-case ASCII form of a mail or web host
// name, or an error (without field prefix) saying what is wrong with it.
func normalizeDomain(d string) (string, error) {
	d = strings.TrimSuffix(d, ".")
	if d == "" {
		return "", fmt.Errorf("domain is empty")
	}
	if d[0] == '[' || isIPv4(d) {
		return "", fmt.Errorf("IP address instead of a domain name")
	}
	ascii, upper, puny := scanDomain(d)
	switch {
	case !ascii || puny:
		// The second conversion checks that the result is itself valid:
		// idna accepts some inputs (U+FFFD, invalid UTF-8) whose punycode
		// it then refuses, and a stored domain must normalise to itself.
		a, err := idna.Lookup.ToASCII(d)
		if err == nil {
			_, err = idna.Lookup.ToASCII(a)
		}
		if err != nil || !utf8.ValidString(d) {
			return "", fmt.Errorf("domain is not a valid international domain name")
		}
		d = strings.TrimSuffix(a, ".")
	case upper:
		d = strings.ToLower(d)
	}
	if len(d) > maxDomainLen {
		return "", fmt.Errorf("domain is longer than %d characters", maxDomainLen)
	}
	if !strings.Contains(d, ".") {
		return "", fmt.Errorf("domain has no dot")
	}
	if d[0] == '.' {
		return "", fmt.Errorf("domain starts with a dot")
	}
	if strings.Contains(d, "..") {
		return "", fmt.Errorf("domain has consecutive dots")
	}
	var tld string
	for rest := d; rest != ""; {
		var l string
		l, rest, _ = strings.Cut(rest, ".")
		if len(l) > maxLabelLen {
			return "", fmt.Errorf("domain part %q is longer than %d characters", Truncate(l, 20), maxLabelLen)
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "", fmt.Errorf("domain part %q starts or ends with -", l)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return "", fmt.Errorf("character %q is not allowed in the domain", c)
			}
		}
		tld = l
	}
	if allDigits(tld) {
		return "", fmt.Errorf("domain ends in a number")
	}
	if len(tld) < 2 {
		return "", fmt.Errorf("top-level domain %q is too short", tld)
	}
	return d, nil
}

// scanDomain reports, in one pass, whether d is all ASCII, has upper-case
// letters, and has a punycode label ("xn--", any case) to validate.
func scanDomain(d string) (ascii, upper, puny bool) {
	ascii = true
	for i := 0; i < len(d); i++ {
		switch c := d[i]; {
		case c >= utf8.RuneSelf:
			ascii = false
		case 'A' <= c && c <= 'Z':
			upper = true
		case c == '-' && i >= 3 && d[i-1] == '-' && d[i-2]|0x20 == 'n' && d[i-3]|0x20 == 'x':
			puny = true
		}
	}
	return ascii, upper, puny
}

// isIPv4 reports a dotted-quad, which is not a domain.
func isIPv4(s string) bool {
	if s == "" || !allDigits(s[len(s)-1:]) {
		return false
	}
	parts := 0
	for rest := s; rest != "" || parts == 0; parts++ {
		var p string
		p, rest, _ = strings.Cut(rest, ".")
		if p == "" || len(p) > 3 || !allDigits(p) {
			return false
		}
	}
	return parts == 4
}

// allDigits reports whether s is made of ASCII digits only.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Truncate shortens s to at most n runes, marking the cut with "…", so a
// value quoted in an error message stays readable.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
