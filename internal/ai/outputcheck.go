package ai

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// linkPattern finds link-like text: e-mail addresses, URLs with a scheme, www. hosts and bare
// domains with a common top-level domain. Two-letter TLDs that are also common words (in,
// it, at, be, me, to, so, no, is) are left out: "works.So" is a typo, not a link.
var linkPattern = regexp.MustCompile(`(?i)` +
	`[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+` + // e-mail address
	`|\b(?:https?|ftp)://[^\s<>"'()\[\]]+` + // URL with a scheme
	`|\bwww\.[a-z0-9\-]+(?:\.[a-z0-9\-]+)+[^\s<>"'()\[\]]*` + // www. host
	`|\b(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+` + // bare domain
	`(?:com|net|org|io|co|ai|app|dev|de|fr|es|nl|ch|uk|us|eu|ca|au|pt|pl|se|dk|fi|info|biz|xyz|tech|online|site|shop|store|cloud|email|pro|link|page|ly|gg|tv|example)\b` +
	`(?:/[^\s<>"'()\[\]]*)?`)

// mergeTagPattern finds {{name}} and {% … %} template syntax.
var mergeTagPattern = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}|\{%[^%]*%\}`)

// placeholderPattern finds fill-in-the-blank text a model writes when it lacks a value:
// "[Your Name]", "[Company]", "{firstName}", "<First Name>".
var placeholderPattern = regexp.MustCompile(`(?i)` +
	`\[[^\[\]\n]{0,40}?\b(?:name|first|last|company|title|your|insert|date|time|link|calendar|phone|email|industry|product)\b[^\[\]\n]{0,40}?\]` +
	`|\{[a-z_][a-z_ ]{0,29}\}` + // checked after merge tags are masked
	`|<(?:first|last|your|company|name|insert)[^<>\n]{0,30}>`)

// FindLinks returns the link-like strings in s (URLs, www. hosts, bare domains and e-mail
// addresses), trailing punctuation removed.
func FindLinks(s string) []string {
	var out []string
	for _, m := range linkPattern.FindAllString(s, -1) {
		if m = strings.TrimRight(m, ".,;:!?"); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// FindMergeTags returns the merge tags in s: the name inside {{…}}, or the whole {%…%}.
func FindMergeTags(s string) []string {
	var out []string
	for _, m := range mergeTagPattern.FindAllStringSubmatch(s, -1) {
		if strings.HasPrefix(m[0], "{%") {
			out = append(out, m[0])
		} else {
			out = append(out, m[1])
		}
	}
	return out
}

// OutputProblems lists what in out was not asked for: links whose host (or e-mail address)
// does not occur in allowedText, merge tags not in allowedTags (compared case-insensitively)
// and placeholders. Subdomains of an allowed host are allowed.
func OutputProblems(out, allowedText string, allowedTags []string) []string {
	var problems []string
	allowed := allowedLinks(allowedText)
	for _, l := range FindLinks(out) {
		if !allowed.permits(l) {
			problems = append(problems, fmt.Sprintf("link %q was not in the input", Truncate(l, 60)))
		}
	}
	for _, t := range FindMergeTags(out) {
		if !slices.ContainsFunc(allowedTags, func(a string) bool { return strings.EqualFold(a, t) }) {
			problems = append(problems, fmt.Sprintf("merge tag %q was not asked for", Truncate(t, 40)))
		}
	}
	for _, p := range placeholderPattern.FindAllString(mergeTagPattern.ReplaceAllString(out, " "), -1) {
		problems = append(problems, fmt.Sprintf("placeholder %q", Truncate(strings.TrimSpace(p), 40)))
	}
	return problems
}

// CheckOutput returns an error wrapping ErrInvalidOutput when OutputProblems finds anything.
func CheckOutput(out, allowedText string, allowedTags []string) error {
	if p := OutputProblems(out, allowedText, allowedTags); len(p) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidOutput, strings.Join(p, "; "))
	}
	return nil
}

// StripUnrequested removes what OutputProblems would complain about and tidies the spaces
// left behind. The offline generator uses it where a model answer would be rejected.
func StripUnrequested(out, allowedText string, allowedTags []string) string {
	allowed := allowedLinks(allowedText)
	out = linkPattern.ReplaceAllStringFunc(out, func(m string) string {
		trimmed := strings.TrimRight(m, ".,;:!?")
		if allowed.permits(trimmed) {
			return m
		}
		return m[len(trimmed):]
	})
	// Allowed merge tags are masked while placeholders are stripped, because "{{firstName}}"
	// contains "{firstName}".
	var kept []string
	out = mergeTagPattern.ReplaceAllStringFunc(out, func(m string) string {
		tags := FindMergeTags(m)
		if len(tags) == 1 && slices.ContainsFunc(allowedTags, func(a string) bool { return strings.EqualFold(a, tags[0]) }) {
			kept = append(kept, m)
			return fmt.Sprintf("\x00%d\x00", len(kept)-1)
		}
		return ""
	})
	out = placeholderPattern.ReplaceAllString(out, "")
	for i, k := range kept {
		out = strings.Replace(out, fmt.Sprintf("\x00%d\x00", i), k, 1)
	}
	return tidySpaces(out)
}

var (
	spaceRuns       = regexp.MustCompile(`[ \t]{2,}`)
	spaceBeforePunc = regexp.MustCompile(`[ \t]+([.,;:!?])`)
)

func tidySpaces(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = spaceRuns.ReplaceAllString(l, " ")
		lines[i] = strings.TrimRight(spaceBeforePunc.ReplaceAllString(l, "$1"), " \t")
	}
	return strings.Join(lines, "\n")
}

// linkSet is the hosts and e-mail addresses found in allowed input text.
type linkSet struct {
	hosts  map[string]bool
	emails map[string]bool
}

func allowedLinks(text string) linkSet {
	s := linkSet{hosts: map[string]bool{}, emails: map[string]bool{}}
	for _, l := range FindLinks(text) {
		if addr, host, ok := emailParts(l); ok {
			s.emails[addr] = true
			s.hosts[host] = true
			continue
		}
		if h := linkHost(l); h != "" {
			s.hosts[h] = true
		}
	}
	return s
}

func (s linkSet) permits(link string) bool {
	if addr, _, ok := emailParts(link); ok {
		return s.emails[addr]
	}
	h := linkHost(link)
	if h == "" {
		return false
	}
	for allowed := range s.hosts {
		if h == allowed || strings.HasSuffix(h, "."+allowed) {
			return true
		}
	}
	return false
}

func emailParts(link string) (addr, host string, ok bool) {
	at := strings.LastIndexByte(link, '@')
	if at <= 0 || strings.Contains(link, "://") {
		return "", "", false
	}
	addr = strings.ToLower(link)
	return addr, strings.TrimPrefix(addr[at+1:], "www."), true
}

// linkHost returns the lower-case host of a link without "www.", or "" if it has none.
func linkHost(link string) string {
	if !strings.Contains(link, "://") {
		link = "http://" + link
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.TrimSuffix(strings.ToLower(u.Hostname()), "."), "www.")
}
