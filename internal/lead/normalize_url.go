package lead

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
	u, err := parseWebURL(s, FieldWebsite)
	if u == nil || err != nil {
		return "", err
	}
	out := u.String()
	if u.Path == "/" && u.RawQuery == "" && u.Fragment == "" {
		out = strings.TrimSuffix(out, "/")
	}
	if len(out) > maxURLLen {
		return "", fieldErr(FieldWebsite, "is longer than 2048 characters")
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
	u, err := parseWebURL(s, FieldLinkedinURL)
	if u == nil || err != nil {
		return "", err
	}
	host := u.Hostname()
	if host != "linkedin.com" && !strings.HasSuffix(host, ".linkedin.com") {
		return "", fieldErr(FieldLinkedinURL, "is not a linkedin.com address")
	}
	path := strings.TrimRight(u.EscapedPath(), "/")
	if path == "" {
		return "", fieldErr(FieldLinkedinURL, "has no profile path (like /in/name)")
	}
	out := "https://www.linkedin.com" + path
	if len(out) > maxURLLen {
		return "", fieldErr(FieldLinkedinURL, "is longer than 2048 characters")
	}
	return out, nil
}

// parseWebURL parses s as an http(s) URL, adding "https://" when s has no
// scheme, and lower-cases the host. It returns nil, nil for an empty value
// or a placeholder.
func parseWebURL(s, field string) (*url.URL, error) {
	s = cleanSpace(s)
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
