package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// handlerFunc is a page handler. It renders or redirects through v; an error
// it returns becomes the error page (404 for store.ErrNotFound…).
type handlerFunc func(rw http.ResponseWriter, r *http.Request, v *view) error

// view is what a handler gets and what the layout renders: who is asking,
// their workspaces, the flash message, and the page's own Data and Form.
type view struct {
	web  *Web
	r    *http.Request
	page string // template the route renders

	P          account.Principal
	User       *store.User // nil for a visitor who is not logged in
	Workspace  store.Workspace
	Workspaces []store.Membership
	Flash      *flash
	// VerifyPending shows the banner saying the address waits for its
	// confirmation, with "send again".
	VerifyPending bool
	Alerts        []alert // workspace-wide problems shown in the strip on top

	Title string // the page's <title> and heading
	Nav   string // which main nav item is current: dashboard, campaigns…
	Tab   string // which tab of the page's sub-navigation is current
	Data  any    // the page's own data
	Form  *form  // the page's form, with values and errors after a failed POST
}

// alert is one workspace-wide problem with the link that fixes it.
type alert struct {
	Level   string // "danger" or "warn"
	Message string
	Link    string
	Action  string
	Nav     string // the main nav item that gets a "needs attention" dot
}

// NavAlert reports whether a main nav item has a problem to show.
func (v *view) NavAlert(key string) bool {
	for _, a := range v.Alerts {
		if a.Nav == key {
			return true
		}
	}
	return false
}

// Path is the current request path, for the workspace switcher's return.
func (v *view) Path() string { return v.r.URL.RequestURI() }

// CanManage reports whether the user may change workspace settings.
func (v *view) CanManage() bool { return v.P.CanManage() }

// InstanceAdmin reports whether the user administers the instance (the
// System page).
func (v *view) InstanceAdmin() bool { return v.P.User.IsAdmin }

func (w *Web) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		v := &view{web: w, r: r, page: rt.Page}
		p, err := httpserver.AuthenticateSession(r, w.Accounts)
		switch {
		case err == nil:
			v.P = p
			r = httpserver.Identified(r, p)
			v.r = r
		case errors.Is(err, account.ErrUnauthenticated):
			if rt.Access == User || rt.Access == Workspace {
				http.Redirect(rw, r, loginURL(r), http.StatusSeeOther)
				return
			}
		default:
			w.fail(rw, r, err)
			return
		}
		if v.P.User.ID != "" {
			if rt.Access == Guest {
				http.Redirect(rw, r, "/", http.StatusSeeOther)
				return
			}
			if rt.Access == Workspace && v.P.WorkspaceID == "" {
				http.Redirect(rw, r, "/workspaces/new", http.StatusSeeOther)
				return
			}
			if err := httpserver.Authorize(v.P.Role, requiredRole(rt)); err != nil {
				w.fail(rw, r, err)
				return
			}
			if rt.Page != "" {
				if err := v.loadLayout(); err != nil {
					w.fail(rw, r, err)
					return
				}
			}
		}
		if r.Method == http.MethodGet {
			v.Flash = w.takeFlash(rw, r)
		}
		if err := rt.handle(rw, r, v); err != nil {
			w.fail(rw, r, err)
		}
	})
}

// requiredRole is the least role a page needs in the active workspace, ""
// when it needs none. wrap is the one place pages enforce it (with
// httpserver.Authorize, the check the API shares); handlers do not check
// roles again.
func requiredRole(rt Route) string {
	return httpserver.RequiredRole(rt.Role, rt.Access == Workspace)
}

// meta describes the request for sessions and the audit log.
func meta(r *http.Request) account.Meta { return httpserver.Meta(r) }

// Allows reports whether the user's role in the active workspace is at least
// role ("member", "admin" or "owner"), so pages hide what they would refuse.
func (v *view) Allows(role string) bool { return v.P.Allows(role) }

// loadLayout reads what the layout shows around every signed-in page.
func (v *view) loadLayout() error {
	me, err := v.web.Accounts.Me(v.r.Context(), v.P)
	if err != nil {
		return err
	}
	v.User = &me.User
	v.Workspaces = me.Workspaces
	v.VerifyPending = me.EmailVerificationPending
	if me.Workspace != nil {
		v.Workspace = *me.Workspace
		v.Alerts, err = v.web.alerts(v.r.Context(), v.P)
	}
	return err
}

// loginURL sends a visitor to the login page and back to where they were.
func loginURL(r *http.Request) string {
	if r.Method != http.MethodGet || r.URL.Path == "/" {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(r.URL.RequestURI())
}

// localPath returns next when it is a path on this site, else "/": a
// ?next= parameter must not send people to another site after login.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

// render writes the route's page with status.
func (v *view) render(rw http.ResponseWriter, status int) error {
	return v.web.renderPage(rw, v.r, v.page, status, v)
}

// redirect finishes a POST: the browser goes to path and shows message
// there (POST → redirect → GET, so reloading does not resubmit).
func (v *view) redirect(rw http.ResponseWriter, path, message string) error {
	if message != "" {
		if err := v.web.setFlash(rw, flash{Kind: "success", Message: message}); err != nil {
			return err
		}
	}
	http.Redirect(rw, v.r, path, http.StatusSeeOther)
	return nil
}

// formFailed re-renders the page with the error shown on the form, with
// the problem's status, when it is one the user can fix (formKinds); any
// other error is returned for the error page.
func (v *view) formFailed(rw http.ResponseWriter, err error) error {
	p, ok := httpserver.AsProblem(err)
	if !ok || !formKinds[p.Kind] {
		return err
	}
	httpserver.SetRetryAfter(rw.Header(), p)
	if v.Form == nil {
		v.Form = newForm(v.r)
	}
	v.Form.setProblem(p)
	return v.render(rw, httpserver.Status(p.Kind))
}

// formKinds are the problems a form shows beside its fields: a field, a
// conflict, a wrong password, a refusal, a rate limit, a service to try
// again later (the AI service or the importer is busy), an upload over a
// disk budget.
var formKinds = map[problem.Kind]bool{
	problem.Invalid: true, problem.Conflict: true, problem.Unauthorized: true, problem.Forbidden: true,
	problem.RateLimited: true, problem.Unavailable: true, problem.TooLarge: true, problem.InsufficientStorage: true,
}

func (w *Web) renderPage(rw http.ResponseWriter, r *http.Request, name string, status int, v *view) error {
	var buf bytes.Buffer
	if err := w.tpl.execute(&buf, name, v); err != nil {
		return err
	}
	h := rw.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", CSP)
	h.Set("Cache-Control", "no-store")
	rw.WriteHeader(status)
	_, _ = buf.WriteTo(rw)
	return nil
}
