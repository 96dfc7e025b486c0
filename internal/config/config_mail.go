package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
)

// Sign-up modes (LEADBITZ_SIGNUP). The first account of an instance is
// always allowed, whatever the mode.
const (
	SignupOpen   = "open"   // anyone may create an account
	SignupInvite = "invite" // only by accepting an invitation
	SignupClosed = "closed" // no new accounts (the CLI still manages users)
)

// readMailSettings reads the product's own mail server and the sign-up mode.
func (c *Config) readMailSettings(getenv func(string) string) error {
	c.Signup = strings.ToLower(strings.TrimSpace(getenv("LEADBITZ_SIGNUP")))
	switch c.Signup {
	case "":
		c.Signup = SignupOpen
	case SignupOpen, SignupInvite, SignupClosed:
	default:
		return fmt.Errorf("LEADBITZ_SIGNUP: %q is not one of open, invite, closed", c.Signup)
	}
	c.SMTPURL = strings.TrimSpace(getenv("LEADBITZ_SMTP_URL"))
	c.MailFrom = strings.TrimSpace(getenv("LEADBITZ_MAIL_FROM"))
	if c.SMTPURL == "" {
		return nil
	}
	// The URL holds a password: errors name the setting, never its value.
	u, err := url.Parse(c.SMTPURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return fmt.Errorf("LEADBITZ_SMTP_URL: not an smtp://user:pass@host:587 or smtps://user:pass@host:465 URL")
	}
	if c.MailFrom == "" {
		return fmt.Errorf("LEADBITZ_MAIL_FROM: required with LEADBITZ_SMTP_URL (e.g. \"Leadbitz <noreply@example.com>\")")
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		return fmt.Errorf("LEADBITZ_MAIL_FROM: %q is not an address such as \"Leadbitz <noreply@example.com>\"", c.MailFrom)
	}
	return nil
}
