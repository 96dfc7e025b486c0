// Package web is the browser app: server-rendered html/template pages with
// our own CSS and a little JavaScript, all embedded in the binary.
//
// How pages reach data, so no rule exists twice:
//   - Writes: every state change calls the service method the JSON API
//     calls (account, campaign, inbox, leads, replies, connect…), which owns
//     its validation, audit record and locks. The only state a page stores
//     itself is its own: the campaign wizard's draft (SaveCampaignWizard).
//     One handler still breaks this rule: the Replies page's "Stop
//     sequence" (stopReplySequence in replies_actions.go) runs the send
//     engine's StopLead and its audit record in a transaction of its own;
//     it moves to the enrolment service with StopLead.
//   - Reads: a page reads through the workspace-scoped store,
//     w.Store.InWorkspace(v.P.WorkspaceID), never the unscoped Store, so
//     every query takes the workspace id; where a service shapes what the
//     API answers (the reply list and thread, the account's "me"), the page
//     calls that service, so both surfaces show the same thing.
//   - Who is asking, the session cookie, roles and the problem → status
//     mapping are the shared HTTP edge's (internal/httpserver), the same
//     code the API runs.
//
// Layout of the package: routes.go is the route table; each page is one
// handler file (dashboard.go, settings_api_keys.go…) plus one template in
// templates/pages/ named by its route. view.go is what every handler gets
// (who is asking, the layout's data, render and redirect); templates.go
// parses every page at boot and refuses to start when a route names a
// template that does not exist.
//
// Cross-site request forgery: every state change is a POST, and the app's
// handler chain runs http.CrossOriginProtection, which refuses a POST whose
// Sec-Fetch-Site or Origin says it came from another origin; the session
// cookie is also SameSite=Lax, so a cross-site form POST does not carry it.
// Every browser we support sends one of those headers, so a per-form token
// would add a second secret to manage without closing any gap; we do not add
// one. GET handlers never change state.
package web

import (
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
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/signin"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/webhook"
)

// CSP is the Content-Security-Policy of every HTML page: our own scripts,
// styles and images only, no inline code, not framable, forms post only to
// us.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

// maxFormBody caps urlencoded form bodies (a sequence of long emails
// included); routes ending in /upload take a CSV file up to the import
// limit instead.
const maxFormBody = 1 << 20

// Deps are what the web app needs. internal/app, the only composition root,
// builds every one and hands the pages the same services it hands the JSON
// API; New builds none itself.
type Deps struct {
	Config   config.Config
	Store    *store.Store
	Accounts *account.Service
	// Campaigns is the campaign service the API uses.
	Campaigns *campaign.Service
	// Connect connects real mailboxes (SMTP/IMAP verify-then-save, OAuth
	// reconnects); nil hides those forms.
	Connect *connect.Service
	// Replies is the reply loop (conversations, threads, categories,
	// replies); nil leaves the Replies page empty.
	Replies *replies.Service
	// Inboxes is the mailbox service the API uses.
	Mailboxes *mailbox.Service
	// Leads and Imports are the lead rules and the CSV importer the API
	// uses.
	Leads   *lead.Service
	Imports *importer.Importer
	// DNS checks the mailboxes' sending domains (the mailbox page's DNS
	// section, the checklist), the one checker the API uses.
	DNS *dnscheck.Checker
	// Assist is the AI service (ICP, drafts); nil hides the AI buttons.
	Assist *assist.Service
	// TestSends sends a campaign step to the user now (the preview's
	// "Send test to me"); nil hides the button.
	TestSends *sending.TestSender
	// Signin signs people in with Google and Microsoft; nil (or no
	// provider configured) hides the buttons.
	Signin *signin.Service
	Keys   *secrets.KeyRing // the credentials key ring; flash messages use a key derived from it
	Env    env.Env
	// Ops reports the System page; nil shows it empty.
	Ops *ops.Service
	// Analytics reports campaigns, the workspace and mailbox health; nil
	// builds one on Store.
	Analytics *analytics.Service
	// Webhooks is the webhook service the API uses (Settings → Webhooks).
	Webhooks *webhook.Service
}

// Web serves the browser app.
type Web struct {
	Deps
	tpl    *templates
	assets *assets
	// flashKeys seal flash cookies: derived from Keys for that purpose
	// only, so a cookie can never be used to probe or forge credentials.
	flashKeys *secrets.KeyRing
}

// New parses the templates and hashes the static assets. It fails when a
// route names a template that is missing, so a broken build never serves.
func New(d Deps) (*Web, error) {
	w := &Web{Deps: d}
	var err error
	if w.Keys != nil {
		if w.flashKeys, err = w.Keys.Derive(flashPurpose); err != nil {
			return nil, err
		}
	}
	if w.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if w.tpl, err = parseTemplates(w.funcs(), w.templateNames()); err != nil {
		return nil, err
	}
	return w, nil
}

// Register adds every page and the static assets to the router.
func (w *Web) Register(rt *httpserver.Router) {
	for _, r := range w.Routes() {
		limit := int64(maxFormBody)
		if strings.HasSuffix(r.Path, "/upload") { // a CSV file
			limit = w.uploadMaxBody()
		}
		rt.Handle(r.Method+" "+r.Path, httpserver.LimitBody(w.wrap(r), limit))
	}
	rt.Handle("GET /static/{hash}/{name}", http.HandlerFunc(w.assets.serve))
	rt.Handle("GET /favicon.ico", http.HandlerFunc(w.assets.favicon))
}

// IsPage reports whether a path belongs to the browser app rather than the
// JSON API (everything under /api/, and the probes /healthz, /readyz and
// /metrics), so 404, 405, 403 and 500 answers match the surface.
func IsPage(r *http.Request) bool {
	switch p := r.URL.Path; {
	case p == "/api", strings.HasPrefix(p, "/api/"), p == "/healthz", p == "/readyz", p == "/metrics":
		return false
	}
	return true
}

// NotFound answers an unknown page with an HTML 404.
func (w *Web) NotFound(rw http.ResponseWriter, r *http.Request) {
	w.errorPage(rw, r, http.StatusNotFound)
}

// MethodNotAllowed answers a known page with the wrong method; the router
// has set Allow.
func (w *Web) MethodNotAllowed(rw http.ResponseWriter, r *http.Request) {
	w.errorPage(rw, r, http.StatusMethodNotAllowed)
}

// InternalError is what a panic on a page answers.
func (w *Web) InternalError(rw http.ResponseWriter, r *http.Request) {
	w.errorPage(rw, r, http.StatusInternalServerError)
}

// CrossOriginDenied answers a form posted from another site.
func (w *Web) CrossOriginDenied(rw http.ResponseWriter, r *http.Request) {
	w.errorPage(rw, r, http.StatusForbidden)
}
