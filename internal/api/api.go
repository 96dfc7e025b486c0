// Package api is the JSON HTTP API (its contract: /api/openapi.json). Handlers are
// thin: they read the request, call a domain service, and write the answer.
// Every route is one line of routes.go, which also generates
// /api/openapi.json, so the description cannot drift from what is served.
package api

import (
	"context"
	"errors"
	"github.com/leadbitz/leadbitz/internal/analytics"
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/assist"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/connect"
	"github.com/leadbitz/leadbitz/internal/dnscheck"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/lead/importer"
	"github.com/leadbitz/leadbitz/internal/mailbox"
	"github.com/leadbitz/leadbitz/internal/ops"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/webhook"
)

// DefaultMaxBody caps JSON request bodies.
const DefaultMaxBody = 1 << 20

// CronRunner runs one pass of background work for /api/cron/*. Until the
// send engine and sync exist it is nil and the cron routes say so.
type CronRunner interface {
	Tick(ctx context.Context) (TickResult, error)
	SyncMailboxes(ctx context.Context) (SyncResult, error)
	// Upkeep runs one hourly upkeep task by its path name
	// ("bounce-guard", "account-upkeep").
	Upkeep(ctx context.Context, task string) error
}

// TickResult is the answer of POST /api/cron/tick.
type TickResult struct {
	Processed int    `json:"processed"`
	Sent      int    `json:"sent"`
	Deferred  int    `json:"deferred"`
	Failed    int    `json:"failed"`
	Note      string `json:"note,omitempty"`
}

// SyncResult is the answer of POST /api/cron/sync-inbox.
type SyncResult struct {
	Mailboxes int    `json:"inboxes"`
	Messages  int    `json:"messages"`
	Note      string `json:"note,omitempty"`
}

// Deps are what the API needs; main builds them.
type Deps struct {
	Config   config.Config
	Store    *store.Store
	Accounts *account.Service
	Env      env.Env
	Cron     CronRunner
	// Ops reports the System page (GET /api/system).
	Ops         *ops.Service
	Metrics     http.Handler
	Campaigns   *campaign.Service
	Mailboxes   *mailbox.Service
	Connect     *connect.Service
	Unsubscribe *sending.Unsubscribe
	Leads       *lead.Service
	Imports     *importer.Importer
	Replies     *replies.Service
	Assist      *assist.Service
	// DNS checks mailboxes' sending domains; nil answers 503.
	DNS *dnscheck.Checker
	// TestSends sends a campaign step to a person now; nil answers 503.
	TestSends *sending.TestSender
	// Limiter counts the API's own rate limits (POST /api/inbound/classify);
	// nil leaves them off.
	Limiter ratelimit.Limiter
	// Analytics reports campaigns, the workspace and mailbox health.
	Analytics *analytics.Service
	// Webhooks are the workspace's event subscriptions.
	Webhooks *webhook.Service
}

// API serves the JSON API.
type API struct {
	Deps
}

// New returns the API.
func New(d Deps) *API { return &API{Deps: d} }

// Access says who may call a route.
type Access int

const (
	Public    Access = iota // no login (auth, health, cron with its own secret)
	User                    // a session or API key; a workspace is not needed
	Workspace               // a session or API key with an active workspace
)

// The workspace roles a route can require (Route.Role), weakest first; each
// role has every right of the ones before it (account.RoleAllows).
const (
	Member = store.RoleMember // campaigns, sequences, leads, replies; reads everything
	Admin  = store.RoleAdmin  // also mailboxes, deletions, export, settings, members, audit
	Owner  = store.RoleOwner  // also owners
)

// handlerFunc is a route's handler. p is the zero Principal on public routes.
type handlerFunc func(w http.ResponseWriter, r *http.Request, p account.Principal) error

// Route is one line of the route table.
type Route struct {
	Method string
	Path   string
	Access Access
	// Role is the least workspace role that may call a Workspace route (and
	// the /api/workspaces/{id} routes, for the workspace in the path);
	// authorize enforces it. Empty on Public and User routes. A Workspace
	// route that forgets it is treated as Admin (refuse rather than grant),
	// and TestEveryRouteHasARole fails.
	Role string
	// Verified routes wait for a confirmed address while the instance
	// sends mail (connecting a mailbox, launching): 403
	// email_not_verified until then.
	Verified bool
	// InstanceAdmin routes show facts about the whole server: only an
	// administrator of the instance (users.is_admin) may call them, on top
	// of Role (account.RequireInstanceAdmin).
	InstanceAdmin bool
	Summary       string
	MaxBody       int64 // 0 means DefaultMaxBody
	handle        handlerFunc
}

// Register adds every route to the router, with the 404/405 answers in the
// contract's error shape for everything under /api/.
func (a *API) Register(rt *httpserver.Router) {
	for _, route := range a.Routes() {
		rt.Handle(route.Method+" "+route.Path, a.wrap(route))
	}
}

// NotFound answers unknown paths.
func (a *API) NotFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, a.Env.Log(), problem.New(problem.NotFound, "not_found", "No such endpoint: %s %s.", r.Method, r.URL.Path))
}

// MethodNotAllowed answers a known path with the wrong method; the router has
// set Allow.
func (a *API) MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusMethodNotAllowed, errorBody{errorDetail{Code: "method_not_allowed",
		Message: r.Method + " is not allowed here; allowed: " + w.Header().Get("Allow") + "."}})
}

// InternalError is what a panic answers.
func (a *API) InternalError(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusInternalServerError, errorBody{errorDetail{Code: "internal_error",
		Message: "Something went wrong on our side; the request id in X-Request-Id helps us find it."}})
}

func (a *API) wrap(route Route) http.Handler {
	max := route.MaxBody
	if max == 0 {
		max = DefaultMaxBody
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p account.Principal
		if route.Access != Public {
			var err error
			if p, err = httpserver.Authenticate(r, a.Accounts); err == nil && route.Access == Workspace && p.WorkspaceID == "" {
				err = problem.New(problem.Conflict, "no_workspace", "Choose a workspace first (POST /api/workspaces/{id}/switch).")
			}
			if err == nil {
				err = a.authorize(r, route, p)
			}
			if err == nil && route.Verified {
				err = a.Accounts.RequireVerified(p)
			}
			if err != nil {
				writeError(w, r, a.Env.Log(), err)
				return
			}
			r = httpserver.Identified(r, p)
		}
		if err := route.handle(w, r, p); err != nil {
			writeError(w, r, a.Env.Log(), err)
		}
	})
	return httpserver.LimitBody(h, max)
}

// authorize refuses (403 forbidden) a caller whose role is below the
// route's Role (httpserver.Authorize, the check the pages share). It is the
// one place the API enforces roles: handlers do not check them again. The
// role counted is the caller's in the workspace the route acts on: the one
// in the path of /api/workspaces/{id}/…, else the active one.
func (a *API) authorize(r *http.Request, route Route, p account.Principal) error {
	if route.InstanceAdmin {
		if err := account.RequireInstanceAdmin(p); err != nil {
			return err
		}
	}
	need := requiredRole(route)
	if need == "" {
		return nil
	}
	role := p.Role
	if strings.HasPrefix(route.Path, workspacePath) {
		_, inPath, err := a.Store.WorkspaceForMember(r.Context(), r.PathValue("id"), p.User.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil // not a member: the handler answers 404, as for a missing workspace
		}
		if err != nil {
			return err
		}
		role = inPath
	}
	return httpserver.Authorize(role, need)
}

// workspacePath prefixes the routes that act on the workspace in their path
// rather than on the active one.
const workspacePath = "/api/workspaces/{id}"

// requiredRole is the least role a route needs, "" when it needs none.
func requiredRole(route Route) string {
	return httpserver.RequiredRole(route.Role, route.Access == Workspace)
}

// meta describes the request for sessions and the audit log.
func meta(r *http.Request) account.Meta { return httpserver.Meta(r) }
