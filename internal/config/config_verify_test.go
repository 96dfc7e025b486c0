package config

import (
	"strings"
	"testing"
)

func TestVerifySMTPSettings(t *testing.T) {
	for _, c := range []struct {
		env      map[string]string
		on       bool
		helo     string
		errorHas string
	}{
		{env: nil, on: false, helo: "127.0.0.1"},
		{env: map[string]string{"LEADBITZ_VERIFY_SMTP": "on", "LEADBITZ_BASE_URL": "https://leads.example.com"}, on: true, helo: "leads.example.com"},
		{env: map[string]string{"LEADBITZ_VERIFY_SMTP": "ON", "LEADBITZ_VERIFY_SMTP_HELO": "Mail.Example.com"}, on: true, helo: "mail.example.com"},
		{env: map[string]string{"LEADBITZ_VERIFY_SMTP": "off"}, on: false, helo: "127.0.0.1"},
		{env: map[string]string{"LEADBITZ_VERIFY_SMTP": "yes"}, errorHas: "LEADBITZ_VERIFY_SMTP: \"yes\" is not on or off"},
		{env: map[string]string{"LEADBITZ_VERIFY_SMTP": "on"}, errorHas: "LEADBITZ_VERIFY_SMTP_HELO: set the domain name"},
		{env: map[string]string{"LEADBITZ_VERIFY_SMTP_HELO": "not a name"}, errorHas: "LEADBITZ_VERIFY_SMTP_HELO: \"not a name\" is not a domain name"},
	} {
		got, err := FromEnv(env(c.env))
		if c.errorHas != "" {
			if err == nil || !strings.Contains(err.Error(), c.errorHas) {
				t.Errorf("%v: error %v, want %q", c.env, err, c.errorHas)
			}
			continue
		}
		if err != nil || got.VerifySMTP != c.on || got.VerifySMTPHelo != c.helo {
			t.Errorf("%v: on %v helo %q err %v, want %v %q", c.env, got.VerifySMTP, got.VerifySMTPHelo, err, c.on, c.helo)
		}
	}
}
