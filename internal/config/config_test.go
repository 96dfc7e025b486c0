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
	if c.StagedUploadsWorkspaceBytes != 200<<20 || c.StagedUploadsTotalBytes != 2<<30 {
		t.Fatalf("staged upload budgets %d %d", c.StagedUploadsWorkspaceBytes, c.StagedUploadsTotalBytes)
	}
	if c.DNSServer != "" {
		t.Fatalf("DNS server %q, want the system's resolver", c.DNSServer)
	}
	if c.MetricsToken != "" || c.MetricsAddr != "" {
		t.Fatalf("metrics are on by default: token %q addr %q", c.MetricsToken, c.MetricsAddr)
	}
}

func TestMetricsSettings(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"LEADBITZ_METRICS_TOKEN": " t0ken ", "LEADBITZ_METRICS_ADDR": "10.0.0.5:9090"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MetricsToken != "t0ken" || c.MetricsAddr != "10.0.0.5:9090" {
		t.Fatalf("metrics: token %q addr %q", c.MetricsToken, c.MetricsAddr)
	}
	if _, err := FromEnv(env(map[string]string{"LEADBITZ_METRICS_ADDR": "9090"})); err == nil || !strings.Contains(err.Error(), "LEADBITZ_METRICS_ADDR") {
		t.Fatalf("a bad metrics address: %v", err)
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
		"LEADBITZ_STAGED_UPLOADS_WORKSPACE_BYTES": "1000", "LEADBITZ_STAGED_UPLOADS_TOTAL_BYTES": "100MB",
	} {
		if _, err := FromEnv(env(map[string]string{key: val})); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%q: error %v should name the variable", key, val, err)
		}
	}
}

func TestMaxInboundBytes(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || c.MaxInboundBytes != 10485760 {
		t.Fatalf("default = %d, %v; want 10485760", c.MaxInboundBytes, err)
	}
	if c, err := FromEnv(env(map[string]string{"LEADBITZ_MAX_INBOUND_BYTES": "1048576"})); err != nil || c.MaxInboundBytes != 1<<20 {
		t.Errorf("set = %d, %v", c.MaxInboundBytes, err)
	}
	for _, bad := range []string{"0", "-5", "10MB", "1e6"} {
		if _, err := FromEnv(env(map[string]string{"LEADBITZ_MAX_INBOUND_BYTES": bad})); err == nil ||
			!strings.Contains(err.Error(), "LEADBITZ_MAX_INBOUND_BYTES") {
			t.Errorf("%q: error %v should name the variable", bad, err)
		}
	}
}

func TestAllowPrivateNetworks(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || len(c.AllowPrivateNetworks) != 0 {
		t.Fatalf("default: %v, %v; want none", c.AllowPrivateNetworks, err)
	}
	c, err = FromEnv(env(map[string]string{"LEADBITZ_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8, 10.0.0.0/8,::1/128"}))
	if err != nil || len(c.AllowPrivateNetworks) != 3 || c.AllowPrivateNetworks[1].String() != "10.0.0.0/8" {
		t.Fatalf("list: %v, %v", c.AllowPrivateNetworks, err)
	}
	_, err = FromEnv(env(map[string]string{"LEADBITZ_ALLOW_PRIVATE_NETWORKS": "10.0.0.0/8,10.0.0.0/40"}))
	if err == nil || !strings.Contains(err.Error(), "LEADBITZ_ALLOW_PRIVATE_NETWORKS") || !strings.Contains(err.Error(), "10.0.0.0/40") {
		t.Fatalf("bad CIDR: %v; want the variable and the entry named", err)
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("default: %v, %v; want none", c.TrustedProxies, err)
	}
	c, err = FromEnv(env(map[string]string{"LEADBITZ_TRUSTED_PROXIES": "10.0.0.0/8, 172.16.0.1,fd00::/8"}))
	if err != nil || len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "172.16.0.1/32" {
		t.Fatalf("list: %v, %v", c.TrustedProxies, err)
	}
	_, err = FromEnv(env(map[string]string{"LEADBITZ_TRUSTED_PROXIES": "10.0.0.0/8,caddy"}))
	if err == nil || !strings.Contains(err.Error(), "LEADBITZ_TRUSTED_PROXIES") || !strings.Contains(err.Error(), "caddy") {
		t.Fatalf("bad CIDR: %v; want the variable and the entry named", err)
	}
}

func TestStagedUploadBudgets(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"LEADBITZ_IMPORT_MAX_BYTES": "1000",
		"LEADBITZ_STAGED_UPLOADS_WORKSPACE_BYTES": "3000", "LEADBITZ_STAGED_UPLOADS_TOTAL_BYTES": "9000"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.StagedUploadsWorkspaceBytes != 3000 || c.StagedUploadsTotalBytes != 9000 {
		t.Fatalf("budgets %d %d", c.StagedUploadsWorkspaceBytes, c.StagedUploadsTotalBytes)
	}
	// The total must hold a workspace's budget, which must hold one file.
	if _, err := FromEnv(env(map[string]string{"LEADBITZ_STAGED_UPLOADS_TOTAL_BYTES": "1000000"})); err == nil ||
		!strings.Contains(err.Error(), "LEADBITZ_STAGED_UPLOADS_TOTAL_BYTES") {
		t.Fatalf("a total below the workspace budget: %v", err)
	}
}

func TestClassifyPerMinute(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || c.ClassifyPerMinute != 1000 {
		t.Fatalf("default: %d %v", c.ClassifyPerMinute, err)
	}
	if c, err = FromEnv(env(map[string]string{"LEADBITZ_CLASSIFY_PER_MINUTE": "20"})); err != nil || c.ClassifyPerMinute != 20 {
		t.Fatalf("override: %d %v", c.ClassifyPerMinute, err)
	}
	for _, bad := range []string{"0", "-3", "many"} {
		if _, err := FromEnv(env(map[string]string{"LEADBITZ_CLASSIFY_PER_MINUTE": bad})); err == nil ||
			!strings.Contains(err.Error(), "LEADBITZ_CLASSIFY_PER_MINUTE") {
			t.Errorf("%q: error %v should name the variable", bad, err)
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

func TestMailAndSignupSettings(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Signup != SignupOpen || c.SMTPURL != "" || c.MailFrom != "" {
		t.Fatalf("defaults: signup %q smtp %q from %q", c.Signup, c.SMTPURL, c.MailFrom)
	}
	c, err = FromEnv(env(map[string]string{"LEADBITZ_SIGNUP": " Invite ", "LEADBITZ_SMTP_URL": "smtps://u:secret@mail.example.com:465",
		"LEADBITZ_MAIL_FROM": "Leadbitz <noreply@example.com>"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Signup != SignupInvite || c.SMTPURL != "smtps://u:secret@mail.example.com:465" || c.MailFrom != "Leadbitz <noreply@example.com>" {
		t.Fatalf("overrides: %+v", c)
	}
	for _, tc := range []struct {
		vars map[string]string
		key  string
	}{
		{map[string]string{"LEADBITZ_SIGNUP": "maybe"}, "LEADBITZ_SIGNUP"},
		{map[string]string{"LEADBITZ_SMTP_URL": "http://u:secret@mail.example.com", "LEADBITZ_MAIL_FROM": "a@example.com"}, "LEADBITZ_SMTP_URL"},
		{map[string]string{"LEADBITZ_SMTP_URL": "smtp://u:secret@mail.example.com:587"}, "LEADBITZ_MAIL_FROM"},
		{map[string]string{"LEADBITZ_SMTP_URL": "smtp://mail.example.com", "LEADBITZ_MAIL_FROM": "not an address"}, "LEADBITZ_MAIL_FROM"},
	} {
		_, err := FromEnv(env(tc.vars))
		if err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%v: error %v should name %s", tc.vars, err, tc.key)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%v: error %q shows the password", tc.vars, err)
		}
	}
}
