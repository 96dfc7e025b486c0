package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTLSSettings(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.TLS.On() || c.TLS.Addr != ":443" || c.TLS.HTTPAddr != ":80" || c.TLS.ACMEDirectory != LetsEncrypt {
		t.Fatalf("TLS defaults: %+v", c.TLS)
	}

	c, err = FromEnv(env(map[string]string{"LEADBITZ_TLS_DOMAINS": " WWW.Example.com., b.example.org ,",
		"LEADBITZ_TLS_ADDR": "127.0.0.1:8443", "LEADBITZ_HTTP_ADDR": "127.0.0.1:8080",
		"LEADBITZ_ACME_DIRECTORY": "https://ca.internal:14000/dir", "LEADBITZ_ACME_EMAIL": "ops@example.com"}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.TLS.Domains, []string{"www.example.com", "b.example.org"}) || c.TLS.Addr != "127.0.0.1:8443" ||
		c.TLS.HTTPAddr != "127.0.0.1:8080" || c.TLS.ACMEDirectory != "https://ca.internal:14000/dir" || c.TLS.ACMEEmail != "ops@example.com" {
		t.Fatalf("TLS settings: %+v", c.TLS)
	}
	// The public URL follows the first domain unless it is set.
	if c.BaseURL != "https://www.example.com" || !c.SecureCookies() {
		t.Fatalf("base URL %q with TLS on", c.BaseURL)
	}
	c, err = FromEnv(env(map[string]string{"LEADBITZ_TLS_DOMAINS": "a.example.com", "LEADBITZ_BASE_URL": "https://app.example.com"}))
	if err != nil || c.BaseURL != "https://app.example.com" {
		t.Fatalf("an explicit base URL: %q %v", c.BaseURL, err)
	}

	for _, bad := range []struct{ key, value string }{
		{"LEADBITZ_TLS_DOMAINS", "localhost"},
		{"LEADBITZ_TLS_DOMAINS", "*.example.com"},
		{"LEADBITZ_TLS_DOMAINS", "192.0.2.1"},
		{"LEADBITZ_TLS_DOMAINS", "https://a.example.com"},
		{"LEADBITZ_TLS_DOMAINS", "a..example.com"},
		{"LEADBITZ_TLS_ADDR", "443"},
		{"LEADBITZ_HTTP_ADDR", "eighty"},
		{"LEADBITZ_ACME_DIRECTORY", "http://ca.example/dir"},
		{"LEADBITZ_ACME_EMAIL", "nobody"},
	} {
		_, err := FromEnv(env(map[string]string{bad.key: bad.value}))
		if err == nil || !strings.HasPrefix(err.Error(), bad.key+":") {
			t.Errorf("%s=%q: %v, want an error naming the setting", bad.key, bad.value, err)
		}
	}
}

func TestShutdownTimeout(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || c.ShutdownTimeout != DefaultShutdownTimeout {
		t.Fatalf("default shutdown timeout %v (%v)", c.ShutdownTimeout, err)
	}
	c, err = FromEnv(env(map[string]string{"LEADBITZ_SHUTDOWN_TIMEOUT": " 2m "}))
	if err != nil || c.ShutdownTimeout != 2*time.Minute {
		t.Fatalf("shutdown timeout %v (%v)", c.ShutdownTimeout, err)
	}
	for _, bad := range []string{"30", "-5s", "0s", "soon"} {
		if _, err := FromEnv(env(map[string]string{"LEADBITZ_SHUTDOWN_TIMEOUT": bad})); err == nil || !strings.HasPrefix(err.Error(), "LEADBITZ_SHUTDOWN_TIMEOUT:") {
			t.Errorf("LEADBITZ_SHUTDOWN_TIMEOUT=%q: %v", bad, err)
		}
	}
}
