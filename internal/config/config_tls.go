package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// TLS is the built-in HTTPS (internal/autotls): certificates from an ACME CA
// for the listed domains, served without a proxy in front.
type TLS struct {
	// Domains (LEADBITZ_TLS_DOMAINS, comma-separated) turns it on: the names
	// certificates are requested for. Empty: off.
	Domains []string
	// Addr (LEADBITZ_TLS_ADDR, default ":443") serves HTTPS; HTTPAddr
	// (LEADBITZ_HTTP_ADDR, default ":80") answers ACME http-01 challenges
	// and redirects everything else to https.
	Addr     string
	HTTPAddr string
	// ACMEDirectory (LEADBITZ_ACME_DIRECTORY) is the CA's directory URL,
	// Let's Encrypt's production one by default. The operator sets it, so
	// the outbound-address guard for user-set hosts does not apply to it.
	ACMEDirectory string
	// ACMEEmail (LEADBITZ_ACME_EMAIL, optional) is the contact the CA may
	// write to about the certificates.
	ACMEEmail string
}

// LetsEncrypt is the default ACME directory.
const LetsEncrypt = "https://acme-v02.api.letsencrypt.org/directory"

// On reports whether the built-in HTTPS is configured.
func (t TLS) On() bool { return len(t.Domains) > 0 }

// readTLSSettings reads the TLS settings; when they are on and
// LEADBITZ_BASE_URL is not set, the public URL becomes https://<first domain>.
func (c *Config) readTLSSettings(getenv func(string) string) error {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	t := TLS{Addr: get("LEADBITZ_TLS_ADDR", ":443"), HTTPAddr: get("LEADBITZ_HTTP_ADDR", ":80"),
		ACMEDirectory: get("LEADBITZ_ACME_DIRECTORY", LetsEncrypt), ACMEEmail: get("LEADBITZ_ACME_EMAIL", "")}
	for _, d := range strings.Split(getenv("LEADBITZ_TLS_DOMAINS"), ",") {
		d = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(d), "."))
		if d == "" {
			continue
		}
		if err := checkDomain(d); err != nil {
			return fmt.Errorf("LEADBITZ_TLS_DOMAINS: %q %w", d, err)
		}
		t.Domains = append(t.Domains, d)
	}
	for key, addr := range map[string]string{"LEADBITZ_TLS_ADDR": t.Addr, "LEADBITZ_HTTP_ADDR": t.HTTPAddr} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return fmt.Errorf("%s: %q is not host:port", key, addr)
		}
	}
	if u, err := url.Parse(t.ACMEDirectory); err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("LEADBITZ_ACME_DIRECTORY: %q is not an https URL", t.ACMEDirectory)
	}
	if t.ACMEEmail != "" && !strings.Contains(t.ACMEEmail, "@") {
		return fmt.Errorf("LEADBITZ_ACME_EMAIL: %q is not an email address", t.ACMEEmail)
	}
	c.TLS = t
	if t.On() && strings.TrimSpace(getenv("LEADBITZ_BASE_URL")) == "" {
		c.BaseURL = "https://" + t.Domains[0]
	}
	return nil
}

// checkDomain accepts a DNS name an ACME CA can validate over http-01: at
// least two labels of letters, digits and hyphens, no wildcard, no address.
func checkDomain(d string) error {
	if net.ParseIP(d) != nil {
		return fmt.Errorf("is an IP address; certificates are issued for domain names")
	}
	if strings.Contains(d, "*") {
		return fmt.Errorf("is a wildcard, which http-01 validation cannot prove")
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(d) > 253 {
		return fmt.Errorf("is not a fully qualified domain name")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("is not a valid domain name")
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return fmt.Errorf("is not a valid domain name (use the punycode form of international names)")
			}
		}
	}
	return nil
}
