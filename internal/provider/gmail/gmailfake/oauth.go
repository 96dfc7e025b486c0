package gmailfake

import (
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/provider/oauthfake"
)

// google is Google's OAuth 2.0 server as the fake plays it: its token
// formats, its refresh token rule and its error answers.
var google = oauthfake.Dialect{
	CodePrefix: "4/fake-code-", AccessPrefix: "ya29.fake-access-", RefreshPrefix: "1//fake-refresh-",
	// Google returns a refresh token on the first offline consent, and again
	// only when prompt=consent forced the consent screen. Grant plays a
	// first consent.
	OfflineAccess: func(_ []string, authz url.Values, hadRefresh bool) bool {
		if authz == nil {
			return true
		}
		return authz.Get("access_type") == "offline" && (strings.Contains(authz.Get("prompt"), "consent") || !hadRefresh)
	},
	ScopeInRedirect: true, // granular consent: the granted scopes come back with the code
	Refuse:          googleRefusal,
	ContentType:     jsonContentType,
	IDClaims:        googleIDClaims,
}

// googleIDClaims are the claims of Google's ID tokens: the fake's URL as
// the issuer (Google's is https://accounts.google.com), azp, and
// email_verified, which says whether Google vouches for the address.
func googleIDClaims(c map[string]any, baseURL string, u oauthfake.IDUser) {
	c["iss"] = baseURL
	c["azp"] = c["aud"]
	c["sub"] = u.Subject
	c["email"] = u.Email
	c["email_verified"] = u.Verified
	c["name"] = u.Name
}

// SetEmailVerified sets whether ID tokens say email_verified for email
// (true until told otherwise).
func (s *Server) SetEmailVerified(email string, verified bool) {
	s.AddUser(email)
	s.oauth.SetEmailVerified(email, verified)
}

// OAuth is the fake's authorization server, for what tests do to every
// provider alike (TamperIDTokens, SignIDTokensWith).
func (s *Server) OAuth() *oauthfake.Server { return s.oauth }

// revoked is Google's answer to a refresh token it no longer honours.
var revoked = oauthfake.Answer{Error: "invalid_grant", Description: "Token has been expired or revoked."}

// googleRefusal is Google's answer to a refused OAuth request: an error
// page at the authorize endpoint for everything but a declined consent.
func googleRefusal(why oauthfake.Refusal, r *http.Request) oauthfake.Answer {
	page := func(status int, text string) oauthfake.Answer {
		return oauthfake.Answer{Status: status, Description: text}
	}
	switch why {
	case oauthfake.UnknownClient:
		return page(http.StatusUnauthorized, "Error 401: invalid_client. The OAuth client was not found.")
	case oauthfake.BadRedirectURI:
		return page(http.StatusBadRequest, "Error 400: redirect_uri_mismatch")
	case oauthfake.UnsupportedResponseType:
		return page(http.StatusBadRequest, "Error 400: unsupported_response_type")
	case oauthfake.MissingScope:
		return page(http.StatusBadRequest, "Error 400: invalid_request. Missing required parameter: scope")
	case oauthfake.UnsupportedChallengeMethod:
		return page(http.StatusBadRequest, "Error 400: invalid_request. Invalid code_challenge_method")
	case oauthfake.AccessDenied:
		return oauthfake.Answer{Error: "access_denied"}
	case oauthfake.MalformedRequest:
		return oauthfake.Answer{Error: "invalid_request", Description: "Bad Request"}
	case oauthfake.InvalidClient:
		return oauthfake.Answer{Status: http.StatusUnauthorized, Error: "invalid_client", Description: "The OAuth client was not found."}
	case oauthfake.UnsupportedGrantType:
		return oauthfake.Answer{Error: "unsupported_grant_type", Description: "Invalid grant_type: " + r.PostForm.Get("grant_type")}
	case oauthfake.RedirectURIMismatch:
		return oauthfake.Answer{Error: "redirect_uri_mismatch", Description: "Bad Request"}
	case oauthfake.MissingVerifier:
		return oauthfake.Answer{Error: "invalid_grant", Description: "Missing code verifier."}
	case oauthfake.WrongVerifier:
		return oauthfake.Answer{Error: "invalid_grant", Description: "Invalid code verifier."}
	case oauthfake.UnknownRefreshToken:
		return revoked
	default: // InvalidCode: unknown, used or expired
		return oauthfake.Answer{Error: "invalid_grant", Description: "Bad Request"}
	}
}

// SetConsentUser sets who signs in at the authorize endpoint when the
// request has no login_hint.
func (s *Server) SetConsentUser(email string) { s.oauth.SetConsentUser(email) }

// DenyConsent makes the fake user click "Cancel" on the consent screen.
func (s *Server) DenyConsent(deny bool) { s.oauth.DenyConsent(deny) }

// GrantOnly makes the fake user untick every requested scope not in scopes
// (granular consent). Call with no arguments to grant everything again.
func (s *Server) GrantOnly(scopes ...string) { s.oauth.GrantOnly(scopes...) }

// Grant registers consent of email to scopes without the browser dance and
// returns a token as the token endpoint would (access and refresh token).
func (s *Server) Grant(email string, scopes ...string) *oauth2.Token {
	s.AddUser(email)
	return s.oauth.Grant(email, scopes...)
}

// RevokeGrants revokes every grant of email: its access tokens stop working
// and refreshing answers invalid_grant, as after the user removed the app.
func (s *Server) RevokeGrants(email string) { s.oauth.RevokeGrants(email, revoked) }

// ExpireAccessTokens makes every access token issued so far answer 401, so
// clients must refresh.
func (s *Server) ExpireAccessTokens() { s.oauth.ExpireAccessTokens() }
