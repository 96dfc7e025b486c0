// Package gmailfake is an in-memory Gmail API and Google OAuth 2.0 server for
// tests. It serves the documented paths and JSON shapes of the Gmail REST API
// (users.messages send/get/list, users.history.list, users.getProfile) and of
// Google's authorization and token endpoints (oauthfake in Google's dialect)
// on one loopback httptest server, so the real client in package gmail can
// be pointed at it through its base URLs. Error modes can be injected:
// throttling (429, 403 rate reasons), 401, 5xx, domain policy blocks, expired
// history ids and revoked grants.
//
// Messages sent between users of the same fake are delivered to the
// recipient's INBOX, so a test can play both sides of a conversation.
package gmailfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/provider/oauthfake"
)

const jsonContentType = "application/json; charset=UTF-8"

// Options configures a Server.
type Options struct {
	ClientID     string           // OAuth client id the token endpoint accepts; default "test-client"
	ClientSecret string           // default "test-secret"
	TokenTTL     time.Duration    // access token lifetime (expires_in); default 1h
	Now          func() time.Time // clock for tokens and message dates; default time.Now
}

// Server is the fake. Create it with New and Close it when done.
type Server struct {
	// URL is the base of both the API (GMAIL_API_BASE_URL) and the OAuth
	// endpoints (GOOGLE_OAUTH_BASE_URL): /gmail/v1/..., /o/oauth2/v2/auth,
	// /token, and for OpenID Connect the issuer of ID tokens, with
	// /.well-known/openid-configuration and the keys at /oauth2/v3/certs.
	URL   string
	opts  Options
	srv   *httptest.Server
	oauth *oauthfake.Server // Google's authorization server, and the access tokens the API accepts

	mu         sync.Mutex
	users      mailfake.Mailboxes[user]
	endpoints  mailfake.Endpoints[Fault] // requests per API endpoint name, and queued failures
	rewriteIDs bool                      // replace client Message-IDs on send
	seq        int                       // id generator
}

// New starts a fake on 127.0.0.1.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts: opts,
		oauth: oauthfake.New(oauthfake.Options{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
			TokenTTL: opts.TokenTTL, Now: opts.Now}, google),
		users: mailfake.Mailboxes[user]{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /o/oauth2/v2/auth", s.oauth.HandleAuthorize)
	mux.HandleFunc("POST /token", s.oauth.HandleToken)
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		s.oauth.Discovery(w, s.URL, s.URL+"/o/oauth2/v2/auth", s.URL+"/token", s.URL+"/oauth2/v3/certs")
	})
	mux.HandleFunc("GET /oauth2/v3/certs", s.oauth.HandleJWKS)
	mux.HandleFunc("POST /gmail/v1/users/{user}/messages/send", s.api("send", s.handleSend))
	mux.HandleFunc("GET /gmail/v1/users/{user}/messages/{id}", s.api("get", s.handleGet))
	mux.HandleFunc("GET /gmail/v1/users/{user}/messages", s.api("list", s.handleList))
	mux.HandleFunc("GET /gmail/v1/users/{user}/history", s.api("history", s.handleHistory))
	mux.HandleFunc("GET /gmail/v1/users/{user}/profile", s.api("profile", s.handleProfile))
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	s.oauth.SetBaseURL(s.URL)
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Client returns an HTTP client for the fake (plain HTTP on loopback).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Calls returns how many requests reached endpoint: "send", "get", "list",
// "history", "profile", "token", "authorize", "discovery" or "jwks". Failed
// requests count too.
func (s *Server) Calls(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.endpoints.Calls(endpoint) + s.oauth.Calls(endpoint)
}

// RewriteMessageIDs makes send replace the client's Message-ID with one of
// its own, as a provider may; clients must read the id back.
func (s *Server) RewriteMessageIDs(on bool) {
	s.mu.Lock()
	s.rewriteIDs = on
	s.mu.Unlock()
}

// apiHandler serves one authenticated API call for u with the grant's scopes.
type apiHandler func(w http.ResponseWriter, r *http.Request, u *user, g *oauthfake.Grant)

// api wraps an endpoint: count, inject faults, authenticate, resolve userId.
func (s *Server) api(name string, h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if f, ok := s.endpoints.Call(name); ok {
			writeFault(w, f)
			return
		}
		g := s.oauth.Authenticate(r)
		if g == nil {
			writeError(w, http.StatusUnauthorized, "global", "authError", "Invalid Credentials",
				"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "UNAUTHENTICATED")
			return
		}
		u := s.users.Get(g.Email())
		uid := r.PathValue("user")
		if uid != "me" && !strings.EqualFold(uid, u.email) {
			writeError(w, http.StatusForbidden, "global", "forbidden", "Delegation denied for "+u.email,
				"Delegation denied for "+u.email, "PERMISSION_DENIED")
			return
		}
		h(w, r, u, g)
	}
}

// writeError writes Google's JSON error envelope.
func writeError(w http.ResponseWriter, status int, domain, reason, itemMsg, msg, statusName string) {
	body := map[string]any{"error": map[string]any{
		"code":    status,
		"message": msg,
		"errors":  []map[string]string{{"domain": domain, "reason": reason, "message": itemMsg}},
		"status":  statusName,
	}}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", jsonContentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) nextID() string {
	s.seq++
	return fmt.Sprintf("%016x", 0x18f3a2b400000000+uint64(s.seq)*0x1f3)
}
