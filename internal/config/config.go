// Package config reads Leadbitz's settings from the environment, exactly as
// the configuration table of the API contract names them. It is read once in
// main and passed down; nothing else reads the environment.
package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/netguard"
)

// Config is every setting the binary understands.
type Config struct {
	Addr        string // LEADBITZ_ADDR
	DataDir     string // LEADBITZ_DATA_DIR
	BaseURL     string // LEADBITZ_BASE_URL
	DatabaseURL string // DATABASE_URL
	RedisURL    string // REDIS_URL
	SecretKey   string // LEADBITZ_SECRET_KEY
	CronSecret  string // CRON_SECRET
	Scheduler   bool   // LEADBITZ_SCHEDULER != "off"

	OpenAIAPIKey  string
	OpenAIBaseURL string
	OpenAIModel   string

	GoogleClientID        string
	GoogleClientSecret    string
	MicrosoftClientID     string
	MicrosoftClientSecret string
	// MicrosoftTenant is the Entra ID tenant mailboxes sign in through: "common" (any work,
	// school or personal account), "organizations", or one tenant's id or domain.
	MicrosoftTenant string

	GmailAPIBaseURL       string
	GoogleOAuthBaseURL    string
	GraphAPIBaseURL       string
	MicrosoftLoginBaseURL string

	ImportMaxBytes int64 // LEADBITZ_IMPORT_MAX_BYTES, default 50 MB

	// DNSServer is the DNS server the deliverability checks ask
	// (LEADBITZ_DNS_SERVER, host or host:port); empty is the system's resolver.
	DNSServer string
	// VerifySMTP turns on the SMTP probe of address verification
	// (LEADBITZ_VERIFY_SMTP=on, default off); VerifySMTPHelo is the name it
	// greets with (LEADBITZ_VERIFY_SMTP_HELO, default the host of
	// LEADBITZ_BASE_URL). config_verify.go.
	VerifySMTP     bool
	VerifySMTPHelo string

	// MaxInboundBytes is LEADBITZ_MAX_INBOUND_BYTES (default 10 MB): inbox
	// sync reads at most this much of one message (a larger one only its
	// beginning, marked truncated) and keeps at most four times this much
	// fetched mail waiting to be stored.
	MaxInboundBytes int64
	// ClassifyPerMinute is how many POST /api/inbound/classify calls one
	// workspace may make a minute (LEADBITZ_CLASSIFY_PER_MINUTE, default 1000).
	ClassifyPerMinute int
	// AllowPrivateNetworks are the internal networks a user-set host (a
	// mailbox's SMTP/IMAP server, a webhook) may be on, and where SMTP
	// without a login and unencrypted connections are accepted
	// (LEADBITZ_ALLOW_PRIVATE_NETWORKS, comma-separated CIDRs; default none).
	AllowPrivateNetworks []netip.Prefix
	// TrustedProxies are the networks of the reverse proxies in front of
	// Leadbitz (LEADBITZ_TRUSTED_PROXIES, comma-separated CIDRs; default
	// none): only a request from one of them has its client's address read
	// from X-Forwarded-For / X-Real-IP (httpserver.TrustProxies).
	TrustedProxies []netip.Prefix
	// Metrics. /metrics is served only when one of these is set:
	// MetricsToken (LEADBITZ_METRICS_TOKEN) makes it answer only to
	// "Authorization: Bearer <token>"; MetricsAddr (LEADBITZ_METRICS_ADDR,
	// host:port) serves it on a listener of its own (a private network)
	// instead of the main address.
	MetricsToken string
	MetricsAddr  string

	// Disk budgets of uploads waiting for their import: the web app's
	// staged CSV files of one workspace (LEADBITZ_STAGED_UPLOADS_WORKSPACE_BYTES,
	// default 200 MB) and every waiting file of the server, staged or
	// received by the API (LEADBITZ_STAGED_UPLOADS_TOTAL_BYTES, default 2 GB).
	StagedUploadsWorkspaceBytes int64
	StagedUploadsTotalBytes     int64
	// Accounts (config_accounts.go): signup limits and the absolute lifetime
	// of a session.
	SignupsPerIPHour int           // LEADBITZ_SIGNUPS_PER_IP_HOUR, default 20
	SignupsPerHour   int           // LEADBITZ_SIGNUPS_PER_HOUR, default 200
	SessionMaxAge    time.Duration // LEADBITZ_SESSION_MAX_AGE, default 720h (30 days)
	// EventRetention is how long the event feed keeps events
	// (LEADBITZ_EVENT_RETENTION, default 720h; config_events.go).
	EventRetention time.Duration
	// TLS is the built-in HTTPS (config_tls.go).
	TLS TLS
	// ShutdownTimeout bounds a graceful stop: requests and background
	// tasks in flight get this long to finish (LEADBITZ_SHUTDOWN_TIMEOUT,
	// default 30s; config_shutdown.go).
	ShutdownTimeout time.Duration
	// System mail and sign-up (config_mail.go).
	Signup   string // LEADBITZ_SIGNUP: open (default), invite or closed
	SMTPURL  string // LEADBITZ_SMTP_URL: smtp:// (STARTTLS when offered) or smtps://; "" = no system mail
	MailFrom string // LEADBITZ_MAIL_FROM: the From of the product's own mail
}

// FromEnv builds the configuration from getenv (os.Getenv in main, a map in
// tests), applying the documented defaults. A secret setting may come from
// a file instead (NAME_FILE, config_files.go).
func FromEnv(getenv func(string) string) (Config, error) {
	getenv, err := withSecretFiles(getenv)
	if err != nil {
		return Config{}, err
	}
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Addr:       get("LEADBITZ_ADDR", "127.0.0.1:8080"),
		DataDir:    get("LEADBITZ_DATA_DIR", "./data"),
		RedisURL:   get("REDIS_URL", ""),
		SecretKey:  get("LEADBITZ_SECRET_KEY", ""),
		CronSecret: get("CRON_SECRET", ""),
		Scheduler:  !strings.EqualFold(get("LEADBITZ_SCHEDULER", "on"), "off"),

		OpenAIAPIKey:  get("OPENAI_API_KEY", ""),
		OpenAIBaseURL: get("OPENAI_BASE_URL", ""),
		OpenAIModel:   get("OPENAI_MODEL", ""),

		GoogleClientID:        get("GOOGLE_CLIENT_ID", ""),
		GoogleClientSecret:    get("GOOGLE_CLIENT_SECRET", ""),
		MicrosoftClientID:     get("MICROSOFT_CLIENT_ID", ""),
		MicrosoftClientSecret: get("MICROSOFT_CLIENT_SECRET", ""),
		MicrosoftTenant:       get("MICROSOFT_TENANT", "common"),

		GmailAPIBaseURL:       get("GMAIL_API_BASE_URL", "https://gmail.googleapis.com"),
		GoogleOAuthBaseURL:    get("GOOGLE_OAUTH_BASE_URL", ""), // "": Google's own endpoints
		GraphAPIBaseURL:       get("GRAPH_API_BASE_URL", "https://graph.microsoft.com/v1.0"),
		MicrosoftLoginBaseURL: get("MICROSOFT_LOGIN_BASE_URL", "https://login.microsoftonline.com"),
		ImportMaxBytes:        50 << 20,
		DNSServer:             get("LEADBITZ_DNS_SERVER", ""),
		MetricsToken:          get("LEADBITZ_METRICS_TOKEN", ""),
		MetricsAddr:           get("LEADBITZ_METRICS_ADDR", ""),

		StagedUploadsWorkspaceBytes: 200 << 20,
		StagedUploadsTotalBytes:     2 << 30,
		ClassifyPerMinute:           1000,
	}
	if v := getenv("LEADBITZ_CLASSIFY_PER_MINUTE"); v != "" {
		if _, err := fmt.Sscan(v, &c.ClassifyPerMinute); err != nil || c.ClassifyPerMinute <= 0 {
			return c, fmt.Errorf("LEADBITZ_CLASSIFY_PER_MINUTE: %q is not a positive number", v)
		}
	}
	for key, dst := range map[string]*int64{
		"LEADBITZ_IMPORT_MAX_BYTES":               &c.ImportMaxBytes,
		"LEADBITZ_STAGED_UPLOADS_WORKSPACE_BYTES": &c.StagedUploadsWorkspaceBytes,
		"LEADBITZ_STAGED_UPLOADS_TOTAL_BYTES":     &c.StagedUploadsTotalBytes,
	} {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			if _, err := fmt.Sscan(v, dst); err != nil || *dst <= 0 {
				return c, fmt.Errorf("%s: %q is not a positive number of bytes", key, v)
			}
		}
	}
	maxInbound, err := positiveBytes(getenv, "LEADBITZ_MAX_INBOUND_BYTES", 10<<20)
	if err != nil {
		return c, err
	}
	c.MaxInboundBytes = maxInbound
	allow, err := netguard.ParseAllowList(getenv("LEADBITZ_ALLOW_PRIVATE_NETWORKS"))
	if err != nil {
		return c, fmt.Errorf("LEADBITZ_ALLOW_PRIVATE_NETWORKS: %w", err)
	}
	c.AllowPrivateNetworks = allow
	if c.TrustedProxies, err = netguard.ParseAllowList(getenv("LEADBITZ_TRUSTED_PROXIES")); err != nil {
		return c, fmt.Errorf("LEADBITZ_TRUSTED_PROXIES: %w", err)
	}
	// A budget smaller than one file would refuse every upload of the limit.
	if c.StagedUploadsWorkspaceBytes < c.ImportMaxBytes {
		return c, fmt.Errorf("LEADBITZ_STAGED_UPLOADS_WORKSPACE_BYTES: %d is less than LEADBITZ_IMPORT_MAX_BYTES (%d)", c.StagedUploadsWorkspaceBytes, c.ImportMaxBytes)
	}
	if c.StagedUploadsTotalBytes < c.StagedUploadsWorkspaceBytes {
		return c, fmt.Errorf("LEADBITZ_STAGED_UPLOADS_TOTAL_BYTES: %d is less than LEADBITZ_STAGED_UPLOADS_WORKSPACE_BYTES (%d)", c.StagedUploadsTotalBytes, c.StagedUploadsWorkspaceBytes)
	}
	if err := c.readEventSettings(getenv); err != nil {
		return c, err
	}
	if err := c.readAccountSettings(getenv); err != nil {
		return c, err
	}
	if err := c.readMailSettings(getenv); err != nil {
		return c, err
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("LEADBITZ_ADDR: %q is not host:port", c.Addr)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return c, fmt.Errorf("LEADBITZ_METRICS_ADDR: %q is not host:port", c.MetricsAddr)
		}
	}
	c.BaseURL = strings.TrimRight(get("LEADBITZ_BASE_URL", "http://"+c.Addr), "/")
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("LEADBITZ_BASE_URL: %q is not an http(s) URL", c.BaseURL)
	}
	if err := c.readVerifySettings(getenv); err != nil {
		return c, err
	}
	if err := c.readTLSSettings(getenv); err != nil {
		return c, err
	}
	if err := c.readShutdownTimeout(getenv); err != nil {
		return c, err
	}
	c.DatabaseURL = get("DATABASE_URL", "sqlite://"+filepath.Join(c.DataDir, "leadbitz.db"))
	return c, nil
}

// positiveBytes reads a byte count setting, def when unset.
func positiveBytes(getenv func(string) string, key string, def int64) (int64, error) {
	v := strings.TrimSpace(getenv(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s: %q is not a positive number of bytes", key, v)
	}
	return n, nil
}

// SecureCookies reports whether cookies get the Secure flag: when the public
// URL is https.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }
