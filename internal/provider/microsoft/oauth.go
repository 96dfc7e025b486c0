package microsoft

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// DefaultLoginURL is the Microsoft identity platform, used when no
// MICROSOFT_LOGIN_BASE_URL is set.
const DefaultLoginURL = "https://login.microsoftonline.com"

// The delegated permissions Leadbitz asks for.
//
//   - offline_access: without it no refresh token is issued and the inbox
//     would disconnect within the hour.
//   - User.Read: GET /me, to learn the connected address.
//   - Mail.Send: POST /me/sendMail.
//   - Mail.Read: the inbox delta, raw MIME ($value) of replies and bounces,
//     and the sent-items lookup by internetMessageId.
//
// Mail.ReadWrite is not needed: messages are sent as MIME through sendMail,
// not as drafts (createReply), and nothing in the mailbox is changed.
const (
	ScopeOfflineAccess = "offline_access"
	ScopeUserRead      = "User.Read"
	ScopeMailSend      = "Mail.Send"
	ScopeMailRead      = "Mail.Read"
)

// Scopes is the full set requested at consent and on refresh.
var Scopes = []string{ScopeOfflineAccess, ScopeUserRead, ScopeMailSend, ScopeMailRead}

// OAuthConfig returns the OAuth client configuration for the identity
// platform's v2.0 endpoints of tenant ("" = "common": work, school and
// personal accounts). loginBaseURL is MICROSOFT_LOGIN_BASE_URL, "" for the
// real one.
func OAuthConfig(loginBaseURL, tenant, clientID, clientSecret, redirectURL string) *oauth2.Config {
	base := strings.TrimRight(cmp.Or(loginBaseURL, DefaultLoginURL), "/") + "/" + cmp.Or(tenant, "common") + "/oauth2/v2.0"
	return &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL,
		Scopes: slices.Clone(Scopes),
		Endpoint: oauth2.Endpoint{AuthURL: base + "/authorize", TokenURL: base + "/token",
			AuthStyle: oauth2.AuthStyleInParams}}
}

// AuthCodeURL returns the consent page URL with state and PKCE S256.
// prompt=select_account lets a user with several accounts pick the mailbox
// to connect; loginHint preselects one ("" for none).
func AuthCodeURL(cfg *oauth2.Config, state, verifier, loginHint string) string {
	opts := []oauth2.AuthCodeOption{
		oauth2.SetAuthURLParam("response_mode", "query"),
		oauth2.SetAuthURLParam("prompt", "select_account"),
		oauth2.S256ChallengeOption(verifier),
	}
	if loginHint != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", loginHint))
	}
	return cfg.AuthCodeURL(state, opts...)
}

// Exchange trades the callback's code for a token. It fails with an Auth
// *provider.Error when a needed permission was not granted or no refresh
// token came back. The HTTP client is taken from ctx under oauth2.HTTPClient
// when set.
func Exchange(ctx context.Context, cfg *oauth2.Config, code, verifier string) (*oauth2.Token, error) {
	hc, _ := ctx.Value(oauth2.HTTPClient).(*http.Client)
	tok, err := provider.ExchangeCode(ctx, hc, cfg, code, verifier)
	if err != nil {
		return nil, err
	}
	if missing := missingScopes(provider.GrantedScopes(tok), cfg.Scopes); len(missing) > 0 {
		return nil, &provider.Error{Kind: provider.Auth, Code: "scope_not_granted",
			Message: "Microsoft access was granted without " + strings.Join(missing, ", ") + "; an administrator may need to consent"}
	}
	if tok.RefreshToken == "" {
		return nil, &provider.Error{Kind: provider.Auth, Code: "no_refresh_token", Message: "Microsoft issued no refresh token; connect again"}
	}
	return tok, nil
}

// missingScopes compares Graph permissions ignoring case and the resource
// prefix ("https://graph.microsoft.com/Mail.Send" = "Mail.Send"). The
// identity platform does not echo offline_access or OpenID scopes, so those
// are not checked; a response without a scope list is taken as complete.
func missingScopes(granted, want []string) []string {
	if granted == nil {
		return nil
	}
	norm := func(s string) string {
		return strings.ToLower(strings.TrimPrefix(strings.ToLower(s), "https://graph.microsoft.com/"))
	}
	var missing []string
	for _, w := range want {
		switch norm(w) {
		case "offline_access", "openid", "profile", "email":
			continue
		}
		if !slices.ContainsFunc(granted, func(g string) bool { return norm(g) == norm(w) }) {
			missing = append(missing, w)
		}
	}
	return missing
}
