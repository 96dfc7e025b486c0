package connect

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/gmail"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft"
	"github.com/leadbitz/leadbitz/internal/store"
)

// oauthProvider is one OAuth mailbox provider: its app, how to send the
// user to consent, trade the code and learn the connected address.
type oauthProvider struct {
	name     string // in the URL: google, microsoft
	kind     string // inbox provider: gmail, microsoft
	label    string
	app      OAuthApp
	config   func() *oauth2.Config
	authURL  func(cfg *oauth2.Config, state, verifier, loginHint string) string
	exchange func(ctx context.Context, cfg *oauth2.Config, code, verifier string) (*oauth2.Token, error)
	whoami   func(ctx context.Context, tok *oauth2.Token) (email, name string, err error)
}

func (s *Service) googleProvider() *oauthProvider {
	return &oauthProvider{name: "google", kind: store.ProviderGmail, label: "Google", app: s.cfg.Google,
		config: s.googleOAuth, authURL: gmail.AuthCodeURL, exchange: gmail.Exchange,
		whoami: func(ctx context.Context, tok *oauth2.Token) (string, string, error) {
			c, err := gmail.New(gmail.Config{BaseURL: s.cfg.Google.APIBaseURL, OAuth: s.googleOAuth(), Token: tok,
				HTTPClient: s.hc, Logger: s.env.Log()})
			if err != nil {
				return "", "", err
			}
			defer c.Close()
			p, err := c.Profile(ctx)
			return p.EmailAddress, "", err
		}}
}

func (s *Service) microsoftProvider() *oauthProvider {
	return &oauthProvider{name: "microsoft", kind: store.ProviderMicrosoft, label: "Microsoft", app: s.cfg.Microsoft,
		config: s.microsoftOAuth, authURL: microsoft.AuthCodeURL, exchange: microsoft.Exchange,
		whoami: func(ctx context.Context, tok *oauth2.Token) (string, string, error) {
			c, err := microsoft.New(microsoft.Config{GraphURL: s.cfg.Microsoft.APIBaseURL, OAuth: s.microsoftOAuth(),
				Token: tok, HTTPClient: s.hc, Logger: s.env.Log()})
			if err != nil {
				return "", "", err
			}
			defer c.Close()
			u, err := c.Me(ctx)
			return u.Address(), u.DisplayName, err
		}}
}

func (s *Service) oauthProvider(name string) (*oauthProvider, error) {
	op, ok := s.oauth[name]
	if !ok {
		return nil, problem.New(problem.NotFound, "not_found", "No OAuth provider %q; use google or microsoft.", name)
	}
	if op.app.ClientID == "" {
		return nil, problem.New(problem.Unavailable, "oauth_not_configured",
			"Connecting %s mailboxes is not set up on this server (its OAuth client id and secret are missing).", op.label)
	}
	return op, nil
}

// StartInput are the optional parameters of GET /api/oauth/{provider}/start.
type StartInput struct {
	// MailboxID reconnects that mailbox: the consent screen is preselected
	// for its address, and the callback refuses another account.
	MailboxID string
	LoginHint string
}

// StartOAuth records a new flow (state hash, encrypted PKCE verifier, who
// and for which workspace, ten minutes) and returns the provider's consent
// URL to redirect the browser to.
func (s *Service) StartOAuth(ctx context.Context, p account.Principal, name string, in StartInput) (string, error) {
	op, err := s.oauthProvider(name)
	if err != nil {
		return "", err
	}
	q := s.st.InWorkspace(p.WorkspaceID)
	hint := strings.TrimSpace(in.LoginHint)
	if in.MailboxID != "" {
		i, err := q.Mailbox(ctx, in.MailboxID)
		if err != nil {
			return "", err
		}
		if i.Provider != op.kind {
			return "", problem.New(problem.Conflict, "wrong_provider", "This is a %s mailbox; reconnect it with its own provider.", i.Provider)
		}
		hint = i.Email
	}
	state, err := randomToken()
	if err != nil {
		return "", err
	}
	verifier := oauth2.GenerateVerifier()
	hash := stateHash(state)
	sealed, err := s.keys.Encrypt([]byte(verifier), verifierAD(hash))
	if err != nil {
		return "", err
	}
	now := s.env.Now()
	if _, err := s.st.DeleteExpiredOAuthStates(ctx, now); err != nil {
		return "", err
	}
	err = q.InsertOAuthState(ctx, store.OAuthState{StateHash: hash, UserID: p.User.ID, Provider: op.name,
		Verifier: sealed, MailboxID: in.MailboxID, CreatedAt: now, ExpiresAt: now.Add(s.cfg.StateTTL)})
	if err != nil {
		return "", err
	}
	return op.authURL(op.config(), state, verifier, hint), nil
}

// FinishOAuth completes a flow from the provider's callback query and
// returns where to send the browser: the mailboxes page, with connected=
// (and reconnected=1, released=N) or oauth_error= and a message.
// sessionUserID is the user of the browser's session ("" without one); it
// must be the user who started the flow.
func (s *Service) FinishOAuth(ctx context.Context, name string, query url.Values, sessionUserID string, m account.Meta) string {
	res, err := s.finishOAuth(ctx, name, query, sessionUserID, m)
	if err != nil {
		code, msg := "oauth_failed", "The mailbox could not be connected."
		if p, ok := problem.As(err); ok {
			code, msg = p.Code, p.Message
		} else {
			s.env.Log().ErrorContext(ctx, "oauth callback", "provider", name, "err", err)
		}
		return s.cfg.BaseURL + "/mailboxes?" + url.Values{"oauth_error": {code}, "message": {msg}}.Encode()
	}
	v := url.Values{"connected": {res.MailboxID}}
	if res.Reconnected {
		v.Set("reconnected", "1")
		v.Set("released", strconv.Itoa(res.Released))
	}
	return s.cfg.BaseURL + "/mailboxes?" + v.Encode()
}

func (s *Service) finishOAuth(ctx context.Context, name string, query url.Values, sessionUserID string, m account.Meta) (Result, error) {
	op, err := s.oauthProvider(name)
	if err != nil {
		return Result{}, err
	}
	invalid := problem.New(problem.Invalid, "invalid_state",
		"This sign-in link is not valid any more (used, expired or from another server); start again.")
	state := query.Get("state")
	if state == "" {
		return Result{}, invalid
	}
	hash := stateHash(state)
	st, err := s.st.TakeOAuthState(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return Result{}, invalid
	}
	if err != nil {
		return Result{}, err
	}
	if st.Provider != op.name || !s.env.Now().Before(st.ExpiresAt) {
		return Result{}, invalid
	}
	if sessionUserID == "" || sessionUserID != st.UserID {
		return Result{}, problem.New(problem.Forbidden, "wrong_user",
			"Finish connecting in the browser session that started it, signed in as the same user.")
	}
	if e := query.Get("error"); e != "" {
		return Result{}, problem.New(problem.Forbidden, "access_denied",
			"%s did not grant access (%s); the mailbox was not connected.", op.label, clip(e, 100))
	}
	verifier, err := s.keys.Decrypt(st.Verifier, verifierAD(hash))
	if err != nil {
		return Result{}, err
	}
	xctx := context.WithValue(ctx, oauth2.HTTPClient, s.hc)
	tok, err := op.exchange(xctx, op.config(), query.Get("code"), string(verifier))
	if err != nil {
		return Result{}, providerProblem(op.label, "exchange_failed", err)
	}
	email, display, err := op.whoami(ctx, tok)
	if err != nil {
		return Result{}, providerProblem(op.label, "profile_failed", err)
	}
	addr, err := account.NormalizeEmail(email)
	if err != nil {
		return Result{}, problem.New(problem.Invalid, "profile_failed", "%s named no usable address for this account.", op.label)
	}
	return s.save(ctx, actor{ws: st.WorkspaceID, userID: st.UserID, meta: m}, connection{provider: op.kind,
		email: addr, displayName: display, creds: credentials{Token: tok}, mailboxID: st.MailboxID})
}

// providerProblem shows a provider's refusal (its own words, no secret) as
// a problem; outages stay plain errors (logged, answered generically).
func providerProblem(label, code string, err error) error {
	var pe *provider.Error
	if errors.As(err, &pe) && (pe.Kind == provider.Auth || pe.Kind == provider.Permanent) {
		return problem.New(problem.Forbidden, code, "%s refused: %s", label, clip(pe.Message, 300))
	}
	return err
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func stateHash(state string) string {
	sum := sha256.Sum256([]byte(state))
	return hex.EncodeToString(sum[:])
}

func verifierAD(hash string) []byte { return []byte("oauth_states.verifier:" + hash) }
