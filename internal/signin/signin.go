// Package signin signs people in with Google and Microsoft (OpenID
// Connect): the authorization code flow with PKCE and a nonce, asking only
// for openid, email and profile. It is separate from, and narrower than,
// connecting a mailbox (internal/connect): the same registered apps (client
// ids and secrets), another redirect URI ({base}/auth/{provider}/callback),
// and no access to mail.
//
// A flow in flight is a signin_states row (migration 0013): the SHA-256 of
// the state, the PKCE verifier and the nonce encrypted with the key ring,
// the page to return to, ten minutes to finish, used once. The state also
// goes to the browser in a short-lived cookie (the web app's), and the
// callback is finished only when the two agree, so nobody can make a
// victim's browser finish a sign-in the attacker started (login CSRF).
//
// The ID token is checked by internal/oidc (signature, issuer, audience,
// expiry, nonce); account.SignInWith then links or creates the account
// under its rules. Whether the provider vouches for the address: Google's
// email_verified claim; for Microsoft the optional claim xms_edov (the
// address's domain owner verified it), which the app registration must add
// (token configuration → optional claims → ID → xms_edov); without it
// Microsoft addresses count as unverified, and a Microsoft sign-in only
// reaches an account already linked to that Microsoft subject — none, until
// xms_edov is configured.
package signin

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/oidc"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/store"
)

// App is one provider's registered app: the mailbox app's client id and
// secret (GOOGLE_CLIENT_ID…); no ClientID means the provider is off.
type App struct {
	ClientID     string
	ClientSecret string
	// BaseURL is GOOGLE_OAUTH_BASE_URL or MICROSOFT_LOGIN_BASE_URL; "" or
	// the default is the real provider.
	BaseURL string
	Tenant  string // Microsoft only; "" = common
}

// Config is what a Service needs; Store, Keys and Accounts are required.
type Config struct {
	Store    *store.Store
	Keys     *secrets.KeyRing
	Accounts *account.Service
	// BaseURL is LEADBITZ_BASE_URL; the redirect URIs are
	// BaseURL/auth/{google|microsoft}/callback.
	BaseURL   string
	Google    App
	Microsoft App
	// HTTPClient makes the calls to the providers (discovery, keys, code
	// exchange): the app gives the one mailbox connection uses.
	HTTPClient *http.Client
	// Limiter counts sign-ins started per client network (StartLimit), so
	// nobody can fill signin_states; default in memory. The app gives its
	// shared limiter (Redis when configured).
	Limiter    ratelimit.Limiter
	StartLimit ratelimit.Limit // default 30 a minute
	StateTTL   time.Duration   // default 10 minutes
	Env        env.Env         // the clock and the logger
}

// The real providers' endpoints, used unless a base URL points elsewhere
// (the fakes of the tests).
const (
	GoogleIssuer          = "https://accounts.google.com"
	DefaultMicrosoftLogin = "https://login.microsoftonline.com"
)

// DefaultStartLimit is how many sign-ins one client network may start a
// minute: a person needs a few; a script filling the table many.
var DefaultStartLimit = ratelimit.Limit{Count: 30, Per: time.Minute}

// Provider is a configured provider, for the sign-in buttons.
type Provider struct {
	Name  string // google, microsoft: in the URL
	Label string // Google, Microsoft
}

type provider struct {
	Provider
	oidc *oidc.Provider
	// verified reports whether the token's claims say the address is the
	// person's.
	verified func(oidc.Claims) bool
}

// Service runs sign-ins.
type Service struct {
	cfg       Config
	providers []*provider // configured ones, in button order
}

// New builds the service; a provider without a client id is left out.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Keys == nil || cfg.Accounts == nil {
		return nil, errors.New("signin: Store, Keys and Accounts are required")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	cfg.StateTTL = cmp.Or(cfg.StateTTL, 10*time.Minute)
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Limiter == nil {
		cfg.Limiter = ratelimit.NewMemory(nil)
	}
	if cfg.StartLimit == (ratelimit.Limit{}) {
		cfg.StartLimit = DefaultStartLimit
	}
	s := &Service{cfg: cfg}
	if g := cfg.Google; g.ClientID != "" {
		discovery, issuers := googleEndpoints(g.BaseURL)
		s.providers = append(s.providers, &provider{Provider: Provider{"google", "Google"},
			oidc:     s.oidcProvider("google", g, discovery, issuers),
			verified: func(c oidc.Claims) bool { return c.Bool("email_verified") }})
	}
	if m := cfg.Microsoft; m.ClientID != "" {
		base := strings.TrimRight(cmp.Or(m.BaseURL, DefaultMicrosoftLogin), "/") + "/" + cmp.Or(m.Tenant, "common") + "/v2.0"
		s.providers = append(s.providers, &provider{Provider: Provider{"microsoft", "Microsoft"},
			// The issuer is the document's: for common and organizations a
			// template with {tenantid}, the token's tid.
			oidc:     s.oidcProvider("microsoft", m, base+"/.well-known/openid-configuration", nil),
			verified: func(c oidc.Claims) bool { return c.Email != "" && c.Bool("xms_edov") }})
	}
	return s, nil
}

// googleEndpoints are Google's discovery document and issuers, or those of
// the server at base when it is not Google's (gmailfake in tests).
func googleEndpoints(base string) (string, []string) {
	base = strings.TrimRight(base, "/")
	if base == "" {
		// Google's ID tokens name either form of its issuer.
		return GoogleIssuer + "/.well-known/openid-configuration", []string{GoogleIssuer, "accounts.google.com"}
	}
	return base + "/.well-known/openid-configuration", []string{base}
}

func (s *Service) oidcProvider(name string, app App, discovery string, issuers []string) *oidc.Provider {
	return &oidc.Provider{DiscoveryURL: discovery, Issuers: issuers, ClientID: app.ClientID, ClientSecret: app.ClientSecret,
		RedirectURL: s.cfg.BaseURL + "/auth/" + name + "/callback", HTTPClient: s.cfg.HTTPClient, Now: s.cfg.Env.Clock()}
}

// Providers lists the configured providers, for the sign-in buttons.
func (s *Service) Providers() []Provider {
	if s == nil {
		return nil
	}
	list := make([]Provider, len(s.providers))
	for i, p := range s.providers {
		list[i] = p.Provider
	}
	return list
}

func (s *Service) provider(name string) (*provider, error) {
	if s != nil {
		for _, p := range s.providers {
			if p.Name == name {
				return p, nil
			}
		}
	}
	return nil, problem.New(problem.NotFound, "signin_not_configured", "Signing in with %s is not set up on this server.", labelOf(name))
}

func labelOf(name string) string {
	switch name {
	case "google":
		return "Google"
	case "microsoft":
		return "Microsoft"
	}
	return name
}

// Start records a new sign-in and returns the provider's page to send the
// browser to and the state, which the caller also gives the browser (a
// cookie) for Finish to compare. next is the local page to return to.
func (s *Service) Start(ctx context.Context, name, next string, m account.Meta) (authURL, state string, err error) {
	p, err := s.provider(name)
	if err != nil {
		return "", "", err
	}
	res, err := s.cfg.Limiter.Allow(ctx, "signin:ip:"+account.ClientNetwork(m.IP), s.cfg.StartLimit)
	if err != nil {
		return "", "", err
	}
	if !res.Allowed {
		return "", "", &problem.Error{Kind: problem.RateLimited, Code: "too_many_attempts",
			Message: "Too many sign-ins were started from your network. Wait a little and try again.", RetryAfter: res.RetryAfter}
	}
	state, nonce, verifier := randomString(), randomString(), randomString()
	hash := stateHash(state)
	sealedVerifier, err := s.cfg.Keys.Encrypt([]byte(verifier), sealAD("verifier", hash))
	if err != nil {
		return "", "", err
	}
	sealedNonce, err := s.cfg.Keys.Encrypt([]byte(nonce), sealAD("nonce", hash))
	if err != nil {
		return "", "", err
	}
	authURL, err = p.oidc.AuthCodeURL(ctx, state, nonce, verifier, url.Values{"prompt": {"select_account"}})
	if err != nil {
		return "", "", s.unavailable(ctx, p, "discovery", err)
	}
	now := s.cfg.Env.Now()
	if _, err := s.cfg.Store.DeleteExpiredSigninStates(ctx, now); err != nil {
		return "", "", err
	}
	err = s.cfg.Store.InsertSigninState(ctx, store.SigninState{StateHash: hash, Provider: p.Name, Verifier: sealedVerifier,
		Nonce: sealedNonce, NextPath: next, CreatedAt: now, ExpiresAt: now.Add(s.cfg.StateTTL)})
	if err != nil {
		return "", "", err
	}
	return authURL, state, nil
}

// Result is a finished sign-in.
type Result struct {
	Token   string // the new session's
	Next    string // the local page to go to
	Created bool   // the sign-in created the account
	User    store.User
}

// ErrInvalidState answers a callback whose state is unknown, used,
// expired, for another provider, or not the browser's.
var ErrInvalidState = problem.New(problem.Invalid, "invalid_state",
	"This sign-in is not valid any more (used, expired, or started in another browser); start again.")

// Finish completes a sign-in from the provider's callback query.
// browserState is the state the browser kept (its cookie); oldToken its
// previous session, which ends.
func (s *Service) Finish(ctx context.Context, name string, query url.Values, browserState, oldToken string, m account.Meta) (Result, error) {
	p, err := s.provider(name)
	if err != nil {
		return Result{}, err
	}
	state := query.Get("state")
	if state == "" || browserState == "" || !equalStrings(state, browserState) {
		return Result{}, ErrInvalidState
	}
	hash := stateHash(state)
	st, err := s.cfg.Store.TakeSigninState(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return Result{}, ErrInvalidState
	}
	if err != nil {
		return Result{}, err
	}
	if st.Provider != p.Name || !s.cfg.Env.Now().Before(st.ExpiresAt) {
		return Result{}, ErrInvalidState
	}
	if e := query.Get("error"); e != "" {
		return Result{}, problem.New(problem.Forbidden, "access_denied", "%s did not sign you in (%s).", p.Label, clip(e, 100))
	}
	verifier, err := s.cfg.Keys.Decrypt(st.Verifier, sealAD("verifier", hash))
	if err != nil {
		return Result{}, err
	}
	nonce, err := s.cfg.Keys.Decrypt(st.Nonce, sealAD("nonce", hash))
	if err != nil {
		return Result{}, err
	}
	raw, err := p.oidc.Exchange(ctx, query.Get("code"), string(verifier))
	if err != nil {
		var te *oidc.TokenError
		if errors.As(err, &te) {
			return Result{}, problem.New(problem.Forbidden, "exchange_failed", "%s refused the sign-in: %s", p.Label, clip(te.Error(), 300))
		}
		return Result{}, s.unavailable(ctx, p, "exchange", err)
	}
	claims, err := p.oidc.Verify(ctx, raw, string(nonce))
	if err != nil {
		// The reason is for the operator; the person is told to try again.
		s.cfg.Env.Log().WarnContext(ctx, "sign-in ID token refused", "provider", p.Name, "reason", err.Error())
		return Result{}, problem.New(problem.Forbidden, "invalid_id_token",
			"The answer from %s could not be verified, so you were not signed in. Try again.", p.Label)
	}
	id := account.Identity{Provider: p.Name, Label: p.Label, Subject: claims.Subject, Email: claims.Email,
		EmailVerified: p.verified(claims), Name: claims.Name}
	user, created, token, err := s.cfg.Accounts.SignInWith(ctx, id, oldToken, m)
	if err != nil {
		return Result{}, err
	}
	return Result{Token: token, Next: st.NextPath, Created: created, User: user}, nil
}

// unavailable logs a provider that could not be reached and answers in
// words the person can act on.
func (s *Service) unavailable(ctx context.Context, p *provider, step string, err error) error {
	s.cfg.Env.Log().ErrorContext(ctx, "sign-in provider unreachable", "provider", p.Name, "step", step, "err", err)
	return problem.New(problem.Unavailable, "signin_unavailable", "%s could not be reached to sign you in. Try again in a moment.", p.Label)
}

func randomString() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func stateHash(state string) string {
	sum := sha256.Sum256([]byte(state))
	return hex.EncodeToString(sum[:])
}

func sealAD(field, hash string) []byte { return []byte("signin_states." + field + ":" + hash) }

func equalStrings(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
