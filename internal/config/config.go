// Package config reads Leadbitz's settings from the environment, exactly as
// the configuration table of the API contract names them. It is read once in
// main and passed down; nothing else reads the environment.
package config

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"
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

	// Accounts (config_accounts.go): signup limits and the absolute lifetime
	// of a session.
	SignupsPerIPHour int           // LEADBITZ_SIGNUPS_PER_IP_HOUR, default 20
	SignupsPerHour   int           // LEADBITZ_SIGNUPS_PER_HOUR, default 200
	SessionMaxAge    time.Duration // LEADBITZ_SESSION_MAX_AGE, default 720h (30 days)
}

// FromEnv builds the configuration from getenv (os.Getenv in main, a map in
// tests), applying the documented defaults.
func FromEnv(getenv func(string) string) (Config, error) {
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
		GoogleOAuthBaseURL:    get("GOOGLE_OAUTH_BASE_URL", "https://oauth2.googleapis.com"),
		GraphAPIBaseURL:       get("GRAPH_API_BASE_URL", "https://graph.microsoft.com/v1.0"),
		MicrosoftLoginBaseURL: get("MICROSOFT_LOGIN_BASE_URL", "https://login.microsoftonline.com"),
		ImportMaxBytes:        50 << 20,
		DNSServer:             get("LEADBITZ_DNS_SERVER", ""),
	}
	if v := getenv("LEADBITZ_IMPORT_MAX_BYTES"); v != "" {
		if _, err := fmt.Sscan(v, &c.ImportMaxBytes); err != nil || c.ImportMaxBytes <= 0 {
			return c, fmt.Errorf("LEADBITZ_IMPORT_MAX_BYTES: %q is not a positive number of bytes", v)
		}
	}
	if err := c.readAccountSettings(getenv); err != nil {
		return c, err
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("LEADBITZ_ADDR: %q is not host:port", c.Addr)
	}
	c.BaseURL = strings.TrimRight(get("LEADBITZ_BASE_URL", "http://"+c.Addr), "/")
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("LEADBITZ_BASE_URL: %q is not an http(s) URL", c.BaseURL)
	}
	c.DatabaseURL = get("DATABASE_URL", "sqlite://"+filepath.Join(c.DataDir, "leadbitz.db"))
	return c, nil
}

// SecureCookies reports whether cookies get the Secure flag: when the public
// URL is https.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }
