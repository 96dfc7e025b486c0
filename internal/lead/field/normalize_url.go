package field

import (
	"net/url"
	"strings"
)

// maxURLLen bounds website and LinkedIn values; browsers and mail clients
// stop being reliable beyond it.
const maxURLLen = 2048

// NormalizeWebsite returns a company website as an absolute http(s) URL with
// a lower-case host: "Acme.com" → "https://acme.com", "http://WWW.Acme.com/"
// → "http://www.acme.com". A scheme that is present is kept; a path, query
// or fragment is kept; a lone trailing "/" is dropped. Placeholders give "".
// It fails (Field "website") for other schemes, credentials in the URL,
// spaces, or a host that is not a domain name.
func NormalizeWebsite(s string) (string, error) {
	s = TrimSpace(s)
	if s == "" || isPlaceholder(s) {
		return "", nil
	}
	if scheme, host, path, ok := simpleURL(s, false); ok && len(s) <= maxURLLen {
		h, err := normalizeDomain(host)
		if err != nil {
			return "", fieldErr(Website, err.Error())
		}
		if path == "/" {
			path = ""
		}
		return joinURL(s, scheme, h, path), nil
	}
	return websiteSlow(s)
}

// websiteSlow is NormalizeWebsite through net/url, for any input.
func websiteSlow(s string) (string, error) {
	u, err := parseWebURL(s, Website)
	if u == nil || err != nil {
		return "", err
	}
	out := u.String()
	if u.Path == "/" && u.RawQuery == "" && u.Fragment == "" {
		out = strings.TrimSuffix(out, "/")
	}
	if len(out) > maxURLLen {
		return "", fieldErr(Website, "is longer than 2048 characters")
	}
	return out, nil
}

// NormalizeLinkedinURL returns a LinkedIn URL in one canonical form,
// "https://www.linkedin.com/in/ada-lovelace": https, the www host (country
// hosts like fr.linkedin.com too), no trailing slash, and no query or
// fragment (they carry tracking, never identity). The path is kept as
// written, since Sales Navigator ids are case-sensitive. It fails (Field
// "linkedinUrl") for a URL outside linkedin.com or without a path.
func NormalizeLinkedinURL(s string) (string, error) {
	s = TrimSpace(s)
	if s == "" || isPlaceholder(s) {
		return "", nil
	}
	if i := strings.IndexAny(s, "?#"); i > 0 {
		s = s[:i] // tracking parameters, dropped anyway
	}
	_, h, p, ok := simpleURL(s, true)
	if !ok || len(s) > maxURLLen {
		return linkedinSlow(s)
	}
	host, err := normalizeDomain(h)
	if err != nil {
		return "", fieldErr(LinkedinURL, err.Error())
	}
	return linkedinFromParts(s, host, p)
}

// linkedinSlow is NormalizeLinkedinURL through net/url, for any input.
func linkedinSlow(s string) (string, error) {
	u, err := parseWebURL(s, LinkedinURL)
	if u == nil || err != nil {
		return "", err
	}
	return linkedinFromParts(s, u.Hostname(), u.EscapedPath())
}

// linkedinFromParts checks the host and builds the canonical URL.
func linkedinFromParts(s, host, path string) (string, error) {
	if host != "linkedin.com" && !strings.HasSuffix(host, ".linkedin.com") {
		return "", fieldErr(LinkedinURL, "is not a linkedin.com address")
	}
	path = strings.TrimRight(path, "/")
	if path == "" {
		return "", fieldErr(LinkedinURL, "has no profile path (like /in/name)")
	}
	const prefix = "https://www.linkedin.com"
	if len(prefix)+len(path) > maxURLLen {
		return "", fieldErr(LinkedinURL, "is longer than 2048 characters")
	}
	if len(s) == len(prefix)+len(path) && s[:len(prefix)] == prefix && s[len(prefix):] == path {
		return s, nil
	}
	return prefix + path, nil
}

// simpleURL splits s into lower-case scheme ("https" when s has none),
// host and path when s is made only of characters net/url neither escapes
// nor interprets: ASCII letters, digits, "-._~/" and, with pct, valid %XX
// escapes in the path. Such URLs, nearly all of a real file, then skip
// net/url's allocations; ok is false for anything else, which takes the
// full parser. Both paths give the same result (see the tests).
func simpleURL(s string, pct bool) (scheme, host, path string, ok bool) {
	scheme, rest := "https", s
	switch {
	case len(s) >= 8 && strings.EqualFold(s[:8], "https://"):
		rest = s[8:]
	case len(s) >= 7 && strings.EqualFold(s[:7], "http://"):
		scheme, rest = "http", s[7:]
	}
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		slash = len(rest)
	}
	host, path = rest[:slash], rest[slash:]
	if host == "" {
		return "", "", "", false
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; !(isAlnum(c) || c == '-' || c == '.') {
			return "", "", "", false
		}
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case isAlnum(c) || strings.IndexByte("-._~/", c) >= 0:
		case c == '%' && pct && i+2 < len(path) && isHex(path[i+1]) && isHex(path[i+2]):
			i += 2
		default:
			return "", "", "", false
		}
	}
	return scheme, host, path, true
}

// joinURL returns scheme://host+path, or s itself when that is what s
// already says, saving the allocation.
func joinURL(s, scheme, host, path string) string {
	n := len(scheme) + len("://") + len(host)
	if len(s) == n+len(path) && s[:len(scheme)] == scheme && s[len(scheme):len(scheme)+3] == "://" &&
		s[len(scheme)+3:n] == host && s[n:] == path {
		return s
	}
	return scheme + "://" + host + path
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// parseWebURL parses s as an http(s) URL, adding "https://" when s has no
// scheme, and lower-cases the host. It returns nil, nil for an empty value
// or a placeholder.
func parseWebURL(s, field string) (*url.URL, error) {
	s = TrimSpace(s)
	if s == "" || isPlaceholder(s) {
		return nil, nil
	}
	if len(s) > maxURLLen {
		return nil, fieldErr(field, "is longer than 2048 characters")
	}
	if strings.ContainsFunc(s, isSpaceOrInvisible) {
		return nil, fieldErr(field, "contains spaces")
	}
	switch scheme, _, ok := strings.Cut(s, "://"); {
	case ok && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")):
	case ok || hasScheme(s):
		return nil, fieldErr(field, "must be an http or https address")
	case strings.HasPrefix(s, "//"):
		s = "https:" + s
	default:
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fieldErr(field, "is not a valid address")
	}
	if u.User != nil {
		return nil, fieldErr(field, "must not contain a user name or password")
	}
	host, err := normalizeDomain(u.Hostname())
	if err != nil {
		return nil, fieldErr(field, err.Error())
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if port := u.Port(); port != "" {
		u.Host = host + ":" + port
	} else {
		u.Host = host
	}
	return u, nil
}

// hasScheme reports a "mailto:" or "javascript:" style prefix: letters
// followed by a colon that is not a port ("acme.com:8080" has a dot first).
func hasScheme(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	for _, c := range []byte(s[:i]) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
