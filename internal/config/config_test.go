package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.BaseURL != "http://127.0.0.1:8080" || c.DataDir != "./data" {
		t.Fatalf("defaults: %+v", c)
	}
	if c.DatabaseURL != "sqlite://data/leadbitz.db" || !c.Scheduler || c.SecureCookies() {
		t.Fatalf("defaults: db %q scheduler %v secure %v", c.DatabaseURL, c.Scheduler, c.SecureCookies())
	}
	if c.ImportMaxBytes != 50<<20 {
		t.Fatalf("import limit %d", c.ImportMaxBytes)
	}
	if c.DNSServer != "" {
		t.Fatalf("DNS server %q, want the system's resolver", c.DNSServer)
	}
}

func TestOverridesAndErrors(t *testing.T) {
	c, err := FromEnv(env(map[string]string{
		"LEADBITZ_ADDR": "0.0.0.0:9000", "LEADBITZ_BASE_URL": "https://app.example.com/",
		"LEADBITZ_SCHEDULER": "OFF", "DATABASE_URL": "postgres://x@db/leadbitz",
		"LEADBITZ_DNS_SERVER": " 10.0.0.2:5353 ",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "https://app.example.com" || !c.SecureCookies() || c.Scheduler || c.DatabaseURL != "postgres://x@db/leadbitz" || c.DNSServer != "10.0.0.2:5353" {
		t.Fatalf("overrides: %+v", c)
	}
	for key, val := range map[string]string{
		"LEADBITZ_ADDR": "nope", "LEADBITZ_BASE_URL": "ftp://x", "LEADBITZ_IMPORT_MAX_BYTES": "-1",
	} {
		if _, err := FromEnv(env(map[string]string{key: val})); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%q: error %v should name the variable", key, val, err)
		}
	}
}

func TestAccountSettings(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.SignupsPerIPHour != 20 || c.SignupsPerHour != 200 || c.SessionMaxAge != 30*24*time.Hour {
		t.Fatalf("defaults: %d %d %v", c.SignupsPerIPHour, c.SignupsPerHour, c.SessionMaxAge)
	}
	c, err = FromEnv(env(map[string]string{"LEADBITZ_SIGNUPS_PER_IP_HOUR": "5", "LEADBITZ_SIGNUPS_PER_HOUR": " 1000 ",
		"LEADBITZ_SESSION_MAX_AGE": "168h"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SignupsPerIPHour != 5 || c.SignupsPerHour != 1000 || c.SessionMaxAge != 7*24*time.Hour {
		t.Fatalf("overrides: %d %d %v", c.SignupsPerIPHour, c.SignupsPerHour, c.SessionMaxAge)
	}
	for key, val := range map[string]string{"LEADBITZ_SIGNUPS_PER_IP_HOUR": "0", "LEADBITZ_SIGNUPS_PER_HOUR": "many",
		"LEADBITZ_SESSION_MAX_AGE": "30"} {
		if _, err := FromEnv(env(map[string]string{key: val})); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%q: error %v should name the variable", key, val, err)
		}
	}
}
