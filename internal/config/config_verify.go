package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// readVerifySettings reads the SMTP probe of address verification:
// LEADBITZ_VERIFY_SMTP (on or off, default off) and
// LEADBITZ_VERIFY_SMTP_HELO, the host name it greets with (default the host
// of LEADBITZ_BASE_URL). A probe greeting with a name that is not a domain
// is refused by most receivers, so "on" without one is an error.
func (c *Config) readVerifySettings(getenv func(string) string) error {
	switch v := strings.ToLower(strings.TrimSpace(getenv("LEADBITZ_VERIFY_SMTP"))); v {
	case "", "off":
	case "on":
		c.VerifySMTP = true
	default:
		return fmt.Errorf("LEADBITZ_VERIFY_SMTP: %q is not on or off", v)
	}
	helo := strings.ToLower(strings.TrimSpace(getenv("LEADBITZ_VERIFY_SMTP_HELO")))
	if helo == "" {
		if u, err := url.Parse(c.BaseURL); err == nil {
			helo = strings.ToLower(u.Hostname())
		}
		if !c.VerifySMTP || isDomainName(helo) {
			c.VerifySMTPHelo = helo
			return nil
		}
		return fmt.Errorf("LEADBITZ_VERIFY_SMTP_HELO: set the domain name the SMTP probe greets with (the host of LEADBITZ_BASE_URL, %q, is not one)", helo)
	}
	if !isDomainName(helo) {
		return fmt.Errorf("LEADBITZ_VERIFY_SMTP_HELO: %q is not a domain name such as mail.example.com", helo)
	}
	c.VerifySMTPHelo = helo
	return nil
}

// isDomainName reports whether s is a dotted host name (not an address).
func isDomainName(s string) bool {
	if net.ParseIP(s) != nil || !strings.Contains(s, ".") || len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
