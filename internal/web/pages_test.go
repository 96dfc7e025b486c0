package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/web"
)

func TestLoggedOutVisitorsAreSentToLogin(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	c := srv.Client(t)
	cases := []struct{ path, want string }{
		{"/", "/login"},
		{"/leads", "/login?next=%2Fleads"},
		{"/settings/audit?cursor=x", "/login?next=%2Fsettings%2Faudit%3Fcursor%3Dx"},
		{"/workspaces/new", "/login?next=%2Fworkspaces%2Fnew"},
	}
	for _, tc := range cases {
		r := c.Do("GET", tc.path, nil)
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != tc.want {
			t.Errorf("GET %s: %d to %q, want 303 to %q", tc.path, r.Status, r.Header.Get("Location"), tc.want)
		}
	}
}

func TestSignupLogoutLoginWithForms(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	c := srv.Client(t)
	get(t, c, "/signup", http.StatusOK)
	email := "ann-" + apptest.Unique() + "@example.com"
	r := postForm(t, c, "/signup", url.Values{"name": {"Ann"}, "email": {email}, "password": {"a long enough password"}})
	if c.Cookie(httpserver.SessionCookie) == "" {
		t.Fatal("signup set no session cookie")
	}
	page := follow(t, c, r)
	body := string(page.Body)
	for _, want := range []string{"Welcome to Leadbitz!", "Get ready to send", "Connect a mailbox", "Import leads", "Write a sequence", "Launch a campaign", "Ann&#39;s workspace"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard after signup lacks %q", want)
		}
	}
	// The flash is shown once.
	if strings.Contains(string(get(t, c, "/", 200).Body), "Welcome to Leadbitz!") {
		t.Error("flash message shown twice")
	}
	// A logged-in user visiting the login page goes to the dashboard.
	if r := c.Do("GET", "/login", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Errorf("GET /login while logged in: %d %q", r.Status, r.Header.Get("Location"))
	}
	// The web session is the API session.
	c.Must(200, "GET", "/api/me", nil)

	page = follow(t, c, postForm(t, c, "/logout", nil))
	if !strings.Contains(string(page.Body), "You are logged out.") {
		t.Errorf("login page after logout lacks the flash: %.300s", page.Body)
	}
	c.Must(401, "GET", "/api/me", nil)

	// A wrong password keeps the email, drops the password and says why.
	r = postForm(t, c, "/login", url.Values{"email": {email}, "password": {"wrong password!"}, "next": {"/settings"}})
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d", r.Status)
	}
	d := doc(t, r.Body)
	if msg := byID(d, "form-message"); msg == nil || !strings.Contains(text(msg), "Email or password is incorrect.") {
		t.Errorf("wrong password: no form message")
	}
	if v, _ := attr(byID(d, "f-email"), "value"); v != email {
		t.Errorf("email field after failed login = %q, want %q", v, email)
	}
	if strings.Contains(string(r.Body), "wrong password!") {
		t.Error("the page echoes the password")
	}
	// The right one goes back where the login was asked for.
	r = postForm(t, c, "/login", url.Values{"email": {email}, "password": {"a long enough password"}, "next": {"/settings"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/settings" {
		t.Fatalf("login: %d to %q, want 303 to /settings", r.Status, r.Header.Get("Location"))
	}
}

func TestLoginRefusesToRedirectOffSite(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""} {
		c := srv.Client(t)
		r := postForm(t, c, "/login", url.Values{"email": {a.Email}, "password": {a.Password}, "next": {next}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
			t.Errorf("next=%q: %d to %q, want 303 to /", next, r.Status, r.Header.Get("Location"))
		}
	}
}

func TestFormErrorsShowNextToTheirFields(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	taken := srv.SignUp(t, "Taken")
	cases := []struct {
		name   string
		form   url.Values
		status int
		field  string
		want   string
	}{
		{"bad email", url.Values{"email": {"not-an-email"}, "password": {"long enough pw"}}, 422, "email", "Work email "},
		{"short password", url.Values{"email": {"x@example.com"}, "password": {"short"}}, 422, "password", "Password must be at least 10 characters."},
		{"taken email", url.Values{"email": {taken.Email}, "password": {"long enough pw"}}, 409, "email", "Work email is already registered."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := postForm(t, srv.Client(t), "/signup", tc.form)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d", r.Status, tc.status)
			}
			d := doc(t, r.Body)
			input := byID(d, "f-"+tc.field)
			if v, _ := attr(input, "aria-invalid"); v != "true" {
				t.Errorf("input %s is not aria-invalid", tc.field)
			}
			if v, _ := attr(input, "aria-describedby"); !strings.Contains(v, "f-"+tc.field+"-error") {
				t.Errorf("input %s aria-describedby = %q", tc.field, v)
			}
			msg := byID(d, "f-"+tc.field+"-error")
			if msg == nil || !strings.Contains(text(msg), tc.want) {
				t.Fatalf("no error %q next to %s", tc.want, tc.field)
			}
			if msg.Parent != input.Parent {
				t.Error("the error is not in the field's own block")
			}
		})
	}
}

func TestEveryPageHasTheCSPAndNoInlineCode(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	postForm(t, a.Client, "/settings/api-keys", url.Values{"name": {"ci"}})
	guest := srv.Client(t)
	w, err := web.New(web.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, rt := range w.Routes() {
		if rt.Method != http.MethodGet || strings.Contains(rt.Path, "{") && rt.Path != "/{$}" {
			continue
		}
		if strings.HasPrefix(rt.Path, "/auth/") {
			continue // redirects to and from a sign-in provider (signin_test.go)
		}
		if strings.HasSuffix(rt.Path, ".csv") {
			continue // downloads, not pages (analytics_test.go)
		}
		path := strings.TrimSuffix(rt.Path, "{$}")
		c := a.Client
		if rt.Access == web.Guest {
			c = guest
		}
		r := get(t, c, path, http.StatusOK)
		checkPage(t, path, r)
		checked++
	}
	for _, path := range []string{"/no-such-page", "/settings/api-keys/0000/revoke"} {
		r := a.Do("GET", path, nil)
		if r.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, r.Status)
		}
		checkPage(t, path, r)
	}
	if checked < 10 {
		t.Fatalf("only %d pages checked", checked)
	}
}

func checkPage(t *testing.T, path string, r apptest.Response) {
	t.Helper()
	if got := r.Header.Get("Content-Security-Policy"); got != web.CSP {
		t.Errorf("%s: CSP %q", path, got)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	if found := inlineCode(doc(t, r.Body)); len(found) > 0 {
		t.Errorf("%s: inline code a strict CSP blocks: %v", path, found)
	}
}

func TestUnknownPathsAnswerInTheirSurfacesFormat(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	c := srv.Client(t)
	page := c.Do("GET", "/nope", nil)
	if page.Status != 404 || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(page.Body), "Page not found") {
		t.Errorf("GET /nope: %d %s", page.Status, page.Header.Get("Content-Type"))
	}
	jsonErr := c.Do("GET", "/api/nope", nil)
	if jsonErr.Status != 404 || jsonErr.ErrorCode() != "not_found" {
		t.Errorf("GET /api/nope: %d %s", jsonErr.Status, jsonErr.Body)
	}
	wrong := c.Do("DELETE", "/login", nil)
	if wrong.Status != 405 || !strings.HasPrefix(wrong.Header.Get("Content-Type"), "text/html") {
		t.Errorf("DELETE /login: %d %s", wrong.Status, wrong.Header.Get("Content-Type"))
	}
	if r := c.Do("PUT", "/api/me", nil); r.Status != 405 || r.ErrorCode() != "method_not_allowed" {
		t.Errorf("PUT /api/me: %d %s", r.Status, r.Body)
	}
}

func TestCrossSiteFormPostsAreRefused(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	req, _ := http.NewRequest("POST", srv.URL+"/settings", strings.NewReader("name=Hijacked"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	r := a.Send(req)
	if r.Status != http.StatusForbidden || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("cross-site POST: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if strings.Contains(string(get(t, a.Client, "/settings", 200).Body), "Hijacked") {
		t.Fatal("the cross-site POST changed the workspace")
	}
}

func TestStaticAssetsAreCachedByContentHash(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	c := srv.Client(t)
	d := doc(t, get(t, c, "/login", 200).Body)
	var css string
	walk(d, func(n *html.Node) {
		if n.Data == "link" {
			if rel, _ := attr(n, "rel"); rel == "stylesheet" {
				css, _ = attr(n, "href")
			}
		}
	})
	if !strings.HasPrefix(css, "/static/") || !strings.HasSuffix(css, "/app.css") {
		t.Fatalf("stylesheet URL %q", css)
	}
	r := get(t, c, css, 200)
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("current asset Cache-Control %q", cc)
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
		t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
	}
	stale := get(t, c, "/static/0123456789abcdef/app.css", 200)
	if cc := stale.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("stale-hash asset Cache-Control %q, want no-cache", cc)
	}
	if r := c.Do("GET", "/static/"+strings.Split(css, "/")[2]+"/nope.js", nil); r.Status != 404 {
		t.Errorf("unknown asset: %d", r.Status)
	}
}
