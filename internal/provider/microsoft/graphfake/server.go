// Package graphfake is an in-memory Microsoft Graph mail API and Microsoft
// identity platform (v2.0 authorize and token endpoints, oauthfake in its
// dialect) for tests. It serves the documented paths and JSON shapes: /me,
// sendMail (JSON and base64 MIME), createReply and send, sent items filtered
// by internetMessageId, inbox delta queries with nextLink/deltaLink, raw MIME
// through $value; and the documented failures: 429 with Retry-After, more
// than four concurrent requests per mailbox answered 429, 410
// SyncStateNotFound for expired delta tokens, 401 for expired access tokens,
// invalid_grant with AADSTS codes at the token endpoint.
//
// Messages sent between users of the same fake are delivered to the
// recipient's inbox, so a test can play both sides of a conversation.
package graphfake

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/provider/oauthfake"
)

const jsonContentType = "application/json; odata.metadata=minimal"

// Options configures a Server.
type Options struct {
	ClientID      string           // default "test-client"
	ClientSecret  string           // default "test-secret"
	TokenTTL      time.Duration    // access token lifetime; default 1h
	Now           func() time.Time // default time.Now
	MaxConcurrent int              // concurrent API requests per mailbox before 429; default 4 (Outlook's limit)
	// Latency is added to every API request (outside the fake's lock), so
	// concurrent clients really overlap; default 0.
	Latency time.Duration
}

// Server is the fake. Create it with New and Close it when done.
type Server struct {
	// URL serves both the Graph API (GRAPH_API_BASE_URL: /v1.0/...) and the
	// login endpoints (MICROSOFT_LOGIN_BASE_URL: /{tenant}/oauth2/v2.0/...,
	// and for OpenID Connect /{tenant}/v2.0/.well-known/openid-configuration
	// and the keys at /{tenant}/discovery/v2.0/keys).
	URL   string
	opts  Options
	srv   *httptest.Server
	oauth *oauthfake.Server // the identity platform, and the access tokens the API accepts

	mu         sync.Mutex
	users      mailfake.Mailboxes[user]
	endpoints  mailfake.Endpoints[Fault] // requests per API endpoint name, and queued failures
	throttled  int                       // requests refused for concurrency
	inflight   map[string]int            // per mailbox
	deltas     map[string]*deltaState
	rewriteIDs bool
	hideSent   int // next sent messages stay invisible for this many sent-items queries
	seq        int
}

// New starts a fake on 127.0.0.1.
func New(opts Options) *Server {
	opts.MaxConcurrent = cmp.Or(opts.MaxConcurrent, 4)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, users: mailfake.Mailboxes[user]{}, inflight: map[string]int{}, deltas: map[string]*deltaState{}}
	s.oauth = oauthfake.New(oauthfake.Options{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
		TokenTTL: opts.TokenTTL, Now: opts.Now}, identityPlatform)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", s.oauth.HandleAuthorize)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.oauth.HandleToken)
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET /{tenant}/discovery/v2.0/keys", s.oauth.HandleJWKS)
	mux.HandleFunc("GET /v1.0/me", s.api("me", s.handleMe))
	mux.HandleFunc("POST /v1.0/me/sendMail", s.api("sendMail", s.handleSendMail))
	mux.HandleFunc("GET /v1.0/me/mailFolders/{folder}/messages", s.api("list", s.handleList))
	mux.HandleFunc("GET /v1.0/me/mailFolders/{folder}/messages/delta", s.api("delta", s.handleDelta))
	mux.HandleFunc("GET /v1.0/me/messages/{id}", s.api("get", s.handleGet))
	mux.HandleFunc("GET /v1.0/me/messages/{id}/$value", s.api("value", s.handleValue))
	mux.HandleFunc("POST /v1.0/me/messages/{id}/createReply", s.api("createReply", s.handleCreateReply))
	mux.HandleFunc("POST /v1.0/me/messages/{id}/send", s.api("send", s.handleSendDraft))
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	s.oauth.SetBaseURL(s.URL)
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Client returns an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Calls returns how many requests reached endpoint: "me", "sendMail",
// "list", "delta", "get", "value", "createReply", "send", "token",
// "authorize", "discovery", "jwks". Refused requests count too.
func (s *Server) Calls(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.endpoints.Calls(endpoint) + s.oauth.Calls(endpoint)
}

// Throttled returns how many requests were refused for exceeding
// MaxConcurrent.
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// RewriteMessageIDs makes sends replace the MIME Message-ID with one of the
// server's own.
func (s *Server) RewriteMessageIDs(on bool) {
	s.mu.Lock()
	s.rewriteIDs = on
	s.mu.Unlock()
}

// HideSentItems keeps the next sent messages out of sent-items queries for
// n queries, as Exchange files the copy a moment after sendMail's 202.
func (s *Server) HideSentItems(n int) {
	s.mu.Lock()
	s.hideSent = n
	s.mu.Unlock()
}

type apiHandler func(w http.ResponseWriter, r *http.Request, u *user)

// api wraps an endpoint: count, authenticate, enforce the per-mailbox
// concurrency limit, inject faults, add latency.
func (s *Server) api(name string, h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if f, ok := s.endpoints.Call(name); ok {
			s.mu.Unlock()
			writeFault(w, f)
			return
		}
		g := s.oauth.Authenticate(r)
		if g == nil {
			s.mu.Unlock()
			w.Header().Set("WWW-Authenticate", `Bearer realm="", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.")
			return
		}
		u := s.users.Get(g.Email())
		key := u.email
		if s.inflight[key] >= s.opts.MaxConcurrent {
			s.throttled++
			s.mu.Unlock()
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
			return
		}
		s.inflight[key]++
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.inflight[key]--
			s.mu.Unlock()
		}()
		if s.opts.Latency > 0 {
			time.Sleep(s.opts.Latency)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h(w, r, u)
	}
}

// writeError writes Graph's JSON error envelope.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg,
		"innerError": map[string]string{"request-id": "00000000-0000-0000-0000-000000000000"}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", jsonContentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) nextID(prefix string) string {
	s.seq++
	return prefix + "AAMkAGI2TG93AAA=" + strconv.Itoa(s.seq)
}
