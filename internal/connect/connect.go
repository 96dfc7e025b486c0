package connect

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/provider/gmail"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/store"
)

// OAuthApp is one provider's OAuth client registration and endpoints.
// An app without a ClientID is not configured: its flow answers 503.
type OAuthApp struct {
	ClientID     string
	ClientSecret string
	// AuthBaseURL is GOOGLE_OAUTH_BASE_URL / MICROSOFT_LOGIN_BASE_URL and
	// APIBaseURL GMAIL_API_BASE_URL / GRAPH_API_BASE_URL; "" = the real ones.
	AuthBaseURL string
	APIBaseURL  string
	Tenant      string // Microsoft only; "" = common
}

// Config is what a Service needs. Store and Keys are required.
type Config struct {
	Store *store.Store
	Keys  *secrets.KeyRing
	// BaseURL is LEADBITZ_BASE_URL: the OAuth redirect URIs are
	// BaseURL/api/oauth/{google|microsoft}/callback, and the callback sends
	// the browser back to BaseURL/mailboxes.
	BaseURL   string
	Google    OAuthApp
	Microsoft OAuthApp
	// HTTPClient reaches the Google and Microsoft APIs and token endpoints;
	// default: a client whose transport keeps at most MaxConnsPerHost
	// connections per host, shared by every mailbox.
	HTTPClient      *http.Client
	MaxConnsPerHost int // default 32
	// TLSConfig is the base TLS configuration of SMTP and IMAP connections
	// (nil = system roots).
	TLSConfig *tls.Config
	// SMTPTimeout bounds an SMTP/IMAP connect and each command; default 30s.
	SMTPTimeout time.Duration
	// Guard dials the SMTP and IMAP servers users set, refusing internal
	// networks the operator did not allow (LEADBITZ_ALLOW_PRIVATE_NETWORKS);
	// nil is the strict default. Tests against servers on loopback allow it.
	Guard *netguard.Guard
	// Limiter counts connection checks per workspace (ConnectLimit), so
	// the form cannot be used to scan hosts and ports; default in memory.
	Limiter      ratelimit.Limiter
	ConnectLimit ratelimit.Limit // default 10 a minute
	// StateTTL is how long an OAuth flow may take; default 10 minutes.
	StateTTL time.Duration
	// IdleClose closes a mailbox nobody opened for this long; default 10
	// minutes (the sync pass opens every active mailbox each minute).
	IdleClose time.Duration
	// CredentialsCheck is how often an open mailbox's stored credentials
	// are compared with those it was built from (a reconnect made by
	// another replica); default 15 seconds.
	CredentialsCheck time.Duration
	Env              env.Env // the clock and the logger

	// SentCopyWait is the wait between looks in Sent of a sent-copy
	// detection (nil: smtpimap.DetectServerSentCopy's two seconds); tests
	// file the test message from it instead of sleeping.
	SentCopyWait func(context.Context) error

	// MaxInboundBytes is how much of one message a mailbox's sync reads
	// (LEADBITZ_MAX_INBOUND_BYTES); 0 is the providers' default.
	MaxInboundBytes int64
}

// DefaultConnectLimit is how many connection checks (POST
// /api/inboxes/smtp and its form) a workspace may run a minute.
var DefaultConnectLimit = ratelimit.Limit{Count: 10, Per: time.Minute}

// Service connects mailboxes and is the provider registry.
type Service struct {
	st      *store.Store
	keys    *secrets.KeyRing
	cfg     Config
	hc      *http.Client
	env     env.Env
	oauth   map[string]*oauthProvider // by URL name: google, microsoft
	mu      sync.Mutex
	open    map[string]*entry // by mailbox id
	tlsMu   sync.RWMutex
	tlsBase *tls.Config
}

// New checks cfg and applies defaults.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Keys == nil {
		return nil, errors.New("connect: Store and Keys are required")
	}
	if cfg.MaxConnsPerHost == 0 {
		cfg.MaxConnsPerHost = 32
	}
	if cfg.HTTPClient == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxConnsPerHost = cfg.MaxConnsPerHost
		tr.MaxIdleConnsPerHost = cfg.MaxConnsPerHost
		cfg.HTTPClient = &http.Client{Transport: tr, Timeout: 2 * time.Minute}
	}
	if cfg.SMTPTimeout == 0 {
		cfg.SMTPTimeout = 30 * time.Second
	}
	if cfg.Limiter == nil {
		cfg.Limiter = ratelimit.NewMemory(nil)
	}
	if cfg.ConnectLimit == (ratelimit.Limit{}) {
		cfg.ConnectLimit = DefaultConnectLimit
	}
	if cfg.StateTTL == 0 {
		cfg.StateTTL = 10 * time.Minute
	}
	if cfg.IdleClose == 0 {
		cfg.IdleClose = 10 * time.Minute
	}
	if cfg.CredentialsCheck == 0 {
		cfg.CredentialsCheck = 15 * time.Second
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	s := &Service{st: cfg.Store, keys: cfg.Keys, cfg: cfg, hc: cfg.HTTPClient, env: cfg.Env,
		open: map[string]*entry{}, tlsBase: cfg.TLSConfig}
	s.oauth = map[string]*oauthProvider{
		"google":    s.googleProvider(),
		"microsoft": s.microsoftProvider(),
	}
	return s, nil
}

// HTTPClient is the client that reaches Google and Microsoft, which
// signing in with them (internal/signin) shares.
func (s *Service) HTTPClient() *http.Client { return s.hc }

// TrustRoots replaces the certificate pool that SMTP and IMAP connections
// trust, for mail servers with a private CA (tests use a throw-away one).
// Mailboxes opened before keep theirs until rebuilt.
func (s *Service) TrustRoots(tc *tls.Config) {
	s.tlsMu.Lock()
	s.tlsBase = tc
	s.tlsMu.Unlock()
}

func (s *Service) tlsConfig() *tls.Config {
	s.tlsMu.RLock()
	defer s.tlsMu.RUnlock()
	if s.tlsBase == nil {
		return nil
	}
	return s.tlsBase.Clone()
}

func (s *Service) redirectURL(name string) string {
	return s.cfg.BaseURL + "/api/oauth/" + name + "/callback"
}

func (s *Service) googleOAuth() *oauth2.Config {
	g := s.cfg.Google
	return gmail.OAuthConfig(g.AuthBaseURL, g.ClientID, g.ClientSecret, s.redirectURL("google"))
}

func (s *Service) microsoftOAuth() *oauth2.Config {
	m := s.cfg.Microsoft
	return microsoft.OAuthConfig(m.AuthBaseURL, m.Tenant, m.ClientID, m.ClientSecret, s.redirectURL("microsoft"))
}
