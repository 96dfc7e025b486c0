package graphfake

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/provider/oauthfake"
)

// AADSTS codes the token endpoint can answer with (REFERENCE §2.5).
const (
	AADSTSInactive       = 700082 // refresh token expired after 90 days without use
	AADSTSRevoked        = 50173  // grant revoked (password change, admin action)
	AADSTSSignInRequired = 70043  // conditional access sign-in frequency
)

var aadstsText = map[int]string{
	AADSTSInactive:       "AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2026-01-01T00:00:00.0000000Z and was inactive for 90.00:00:00.",
	AADSTSRevoked:        "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
	AADSTSSignInRequired: "AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.",
}

// identityPlatform is the Microsoft identity platform's v2.0 endpoints as
// the fake plays them: token formats, refresh token rules and error
// answers.
var identityPlatform = oauthfake.Dialect{
	CodePrefix: "0.AXEA-fake-code-", AccessPrefix: "eyJ0eXAiOiJKV1QiLCJmYWtlIjoi", RefreshPrefix: "0.AXEA-fake-refresh-",
	// A refresh token comes with offline_access only, and Microsoft rotates
	// it on every use; the old ones keep working until they expire.
	OfflineAccess: func(scopes []string, _ url.Values, _ bool) bool { return slices.ContainsFunc(scopes, isOfflineAccess) },
	RotateRefresh: true,
	// Stricter than some documentation: the v2.0 endpoint expects the
	// scopes again on refresh; a client that omits them should notice here.
	RefreshNeedsScope: true,
	TokenResponse: func(resp map[string]any, scopes []string) {
		resp["ext_expires_in"] = resp["expires_in"]
		resp["scope"] = strings.Join(slices.DeleteFunc(slices.Clone(scopes), isOfflineAccess), " ")
	},
	Refuse:      func(why oauthfake.Refusal, _ *http.Request) oauthfake.Answer { return refusals[why] },
	ErrorBody:   identityError,
	ContentType: jsonContentType,
	IDClaims:    identityIDClaims,
}

// TenantID is the directory the fake's users belong to: the tid of its ID
// tokens and the tenant in their issuer.
const TenantID = "6b0a3c6e-4f1d-4e8a-9c52-0fa4e5c0ffee"

// identityIDClaims are the claims of the identity platform's v2.0 ID
// tokens: the issuer names the user's tenant; email comes with the email
// scope, and the optional claim xms_edov says whether the address's domain
// owner verified it (the fake's users are verified until told otherwise).
func identityIDClaims(c map[string]any, baseURL string, u oauthfake.IDUser) {
	c["ver"] = "2.0"
	c["iss"] = baseURL + "/" + TenantID + "/v2.0"
	c["tid"] = TenantID
	c["sub"] = u.Subject
	c["oid"] = "00000000-0000-0000-" + u.Subject[:4] + "-" + u.Subject[4:16]
	c["email"] = u.Email
	c["xms_edov"] = u.Verified
	c["name"] = u.Name
	c["preferred_username"] = u.Email
	c["nbf"] = c["iat"]
}

// handleDiscovery serves the tenant's OpenID configuration: for the
// multi-tenant names (common, organizations) the issuer is the template
// with {tenantid}, as the real one says.
func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	tenant := r.PathValue("tenant")
	issuer := s.URL + "/" + TenantID + "/v2.0"
	if tenant == "common" || tenant == "organizations" {
		issuer = s.URL + "/{tenantid}/v2.0"
	}
	base := s.URL + "/" + tenant
	s.oauth.Discovery(w, issuer, base+"/oauth2/v2.0/authorize", base+"/oauth2/v2.0/token", base+"/discovery/v2.0/keys")
}

// SetEmailVerified sets whether ID tokens say xms_edov for email (true
// until told otherwise).
func (s *Server) SetEmailVerified(email string, verified bool) {
	s.AddUser(email)
	s.oauth.SetEmailVerified(email, verified)
}

// OAuth is the fake's authorization server, for what tests do to every
// provider alike (TamperIDTokens, SignIDTokensWith).
func (s *Server) OAuth() *oauthfake.Server { return s.oauth }

func isOfflineAccess(scope string) bool { return strings.EqualFold(scope, "offline_access") }

// refusals are the identity platform's answers: error pages for an unknown
// client or redirect URI, the error in the redirect for the rest of the
// authorize endpoint.
var refusals = map[oauthfake.Refusal]oauthfake.Answer{
	oauthfake.UnknownClient: {Status: http.StatusBadRequest,
		Description: "AADSTS700016: Application with identifier was not found in the directory."},
	oauthfake.BadRedirectURI: {Status: http.StatusBadRequest,
		Description: "AADSTS50011: The redirect URI specified in the request does not match."},
	oauthfake.UnsupportedResponseType: {Error: "unsupported_response_type"},
	oauthfake.MissingScope: {Error: "invalid_request",
		Description: "AADSTS900144: The request body must contain the following parameter: 'scope'."},
	oauthfake.UnsupportedChallengeMethod: {Error: "invalid_request"},
	oauthfake.AccessDenied: {Error: "access_denied",
		Description: "AADSTS65004: User declined to consent to access the app."},

	oauthfake.MalformedRequest: {Error: "invalid_request", Code: 900144,
		Description: "AADSTS900144: The request body must contain the following parameter: 'grant_type'."},
	oauthfake.InvalidClient: {Status: http.StatusUnauthorized, Error: "invalid_client", Code: 7000215,
		Description: "AADSTS7000215: Invalid client secret provided."},
	oauthfake.UnsupportedGrantType: {Error: "unsupported_grant_type", Code: 70003,
		Description: "AADSTS70003: The app requested an unsupported grant type."},
	oauthfake.InvalidCode: {Error: "invalid_grant", Code: 70008,
		Description: "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity."},
	oauthfake.RedirectURIMismatch: {Error: "invalid_grant", Code: 50011,
		Description: "AADSTS50011: The redirect URI specified in the request does not match the redirect URI of the authorization request."},
	oauthfake.MissingVerifier: wrongVerifier,
	oauthfake.WrongVerifier:   wrongVerifier,
	oauthfake.UnknownRefreshToken: {Error: "invalid_grant", Code: 9002313,
		Description: "AADSTS9002313: Invalid request. Request is malformed or invalid."},
	oauthfake.RefreshWithoutScope: {Error: "invalid_request", Code: 90014,
		Description: "AADSTS90014: The required field 'scope' is missing from the credential."},
}

var wrongVerifier = oauthfake.Answer{Error: "invalid_grant", Code: 501481,
	Description: "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request."}

// identityError is the identity platform's error shape, with trace lines in
// the description as the real service adds them.
func identityError(a oauthfake.Answer) any {
	return map[string]any{
		"error":             a.Error,
		"error_description": a.Description + "\r\nTrace ID: 0000\r\nCorrelation ID: 0000\r\nTimestamp: 2026-01-01 00:00:00Z",
		"error_codes":       []int{a.Code},
		"error_uri":         fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", a.Code),
	}
}

// SetConsentUser sets who signs in at the authorize endpoint when the
// request has no login_hint.
func (s *Server) SetConsentUser(email string) { s.oauth.SetConsentUser(email) }

// DenyConsent makes the fake user decline consent.
func (s *Server) DenyConsent(deny bool) { s.oauth.DenyConsent(deny) }

// Grant registers consent of email to scopes and returns a token as the
// token endpoint would (with a refresh token when offline_access is among
// scopes).
func (s *Server) Grant(email string, scopes ...string) *oauth2.Token {
	s.AddUser(email)
	return s.oauth.Grant(email, scopes...)
}

// RevokeGrants makes every grant of email fail: access tokens answer 401
// and refreshing answers invalid_grant with the given AADSTS code
// (AADSTSInactive, AADSTSRevoked or AADSTSSignInRequired).
func (s *Server) RevokeGrants(email string, aadsts int) {
	s.oauth.RevokeGrants(email, oauthfake.Answer{Error: "invalid_grant", Code: aadsts, Description: aadstsText[aadsts]})
}

// ExpireAccessTokens makes every access token issued so far answer 401.
func (s *Server) ExpireAccessTokens() { s.oauth.ExpireAccessTokens() }
