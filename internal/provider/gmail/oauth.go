package gmail

import (
	"context"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// Google's real OAuth endpoints, used when no GOOGLE_OAUTH_BASE_URL is set.
const (
	GoogleAuthURL  = "https://accounts.google.com/o/oauth2/v2/auth"
	GoogleTokenURL = "https://oauth2.googleapis.com/token"
)

// The scopes Leadbitz asks for.
//
// gmail.send sends; gmail.readonly reads replies. The narrower
// gmail.metadata is not enough: it refuses format=raw and full, so bounce
// (DSN) reports, out-of-office return dates and reply text cannot be read,
// and it refuses the q parameter the "did it go out?" search needs. getProfile
// (the connected address and the starting history id) is also refused under
// gmail.send alone. readonly is a restricted scope: a public app needs
// Google's verification and a yearly security assessment (REFERENCE §1.7).
const (
	ScopeSend     = "https://www.googleapis.com/auth/gmail.send"
	ScopeReadonly = "https://www.googleapis.com/auth/gmail.readonly"
)

// Scopes is the full set requested at consent.
var Scopes = []string{ScopeSend, ScopeReadonly}

// OAuthConfig returns the OAuth client configuration for Google.
// oauthBaseURL is GOOGLE_OAUTH_BASE_URL: "" means Google's real endpoints,
// anything else serves both endpoints under that base (/o/oauth2/v2/auth and
// /token), which is how the fake in gmailfake is laid out.
func OAuthConfig(oauthBaseURL, clientID, clientSecret, redirectURL string) *oauth2.Config {
	ep := oauth2.Endpoint{AuthURL: GoogleAuthURL, TokenURL: GoogleTokenURL, AuthStyle: oauth2.AuthStyleInParams}
	if base := strings.TrimRight(oauthBaseURL, "/"); base != "" {
		ep.AuthURL, ep.TokenURL = base+"/o/oauth2/v2/auth", base+"/token"
	}
	return &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURL,
		Scopes: append([]string(nil), Scopes...), Endpoint: ep}
}

// AuthCodeURL returns the consent page URL. state protects the callback
// against forgery; verifier (from oauth2.GenerateVerifier, kept server-side
// with state) binds the code to this flow with PKCE S256. access_type=offline
// asks for a refresh token, and prompt=consent makes Google issue one again
// when a user reconnects (it otherwise only does on the first consent).
// loginHint preselects the account; "" for none.
func AuthCodeURL(cfg *oauth2.Config, state, verifier, loginHint string) string {
	opts := []oauth2.AuthCodeOption{
		oauth2.AccessTypeOffline,
		oauth2.SetAuthURLParam("prompt", "consent"),
		oauth2.SetAuthURLParam("include_granted_scopes", "true"),
		oauth2.S256ChallengeOption(verifier),
	}
	if loginHint != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", loginHint))
	}
	return cfg.AuthCodeURL(state, opts...)
}

// Exchange trades the callback's code for a token. It fails with an Auth
// *provider.Error when the user unticked a needed scope (granular consent)
// or Google issued no refresh token, since the inbox could not work. The
// HTTP client is taken from ctx under oauth2.HTTPClient when set.
func Exchange(ctx context.Context, cfg *oauth2.Config, code, verifier string) (*oauth2.Token, error) {
	hc, _ := ctx.Value(oauth2.HTTPClient).(*http.Client)
	tok, err := provider.ExchangeCode(ctx, hc, cfg, code, verifier)
	if err != nil {
		return nil, err
	}
	if missing := provider.MissingScopes(tok, cfg.Scopes); len(missing) > 0 {
		return nil, &provider.Error{Kind: provider.Auth, Code: "scope_not_granted",
			Message: "Google access was granted without " + strings.Join(missing, ", ") + "; connect again and allow every requested permission"}
	}
	if tok.RefreshToken == "" {
		return nil, &provider.Error{Kind: provider.Auth, Code: "no_refresh_token",
			Message: "Google issued no refresh token; connect again"}
	}
	return tok, nil
}
