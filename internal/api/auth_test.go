package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

func TestSignupLoginLogout(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")

	me := ann.Must(200, "GET", "/api/me", nil).Map(t)
	if me["workspace"].(map[string]any)["id"] != ann.WorkspaceID {
		t.Fatalf("me.workspace = %v, want the signup workspace", me["workspace"])
	}
	ws := me["workspaces"].([]any)
	if len(ws) != 1 || ws[0].(map[string]any)["role"] != "owner" {
		t.Fatalf("me.workspaces = %v", ws)
	}

	// A second login rotates the session: the old cookie stops working.
	oldCookie := cookieOf(t, ann.Client)
	ann.Must(200, "POST", "/api/auth/login", map[string]string{"email": strings.ToUpper(ann.Email), "password": ann.Password})
	if cookieOf(t, ann.Client) == oldCookie {
		t.Fatal("login did not issue a new session token")
	}
	stale := srv.Client(t)
	stale.Headers["Cookie"] = "leadbitz_session=" + oldCookie
	if r := stale.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Fatalf("old session after re-login: %d", r.Status)
	}

	ann.Must(204, "POST", "/api/auth/logout", nil)
	if r := ann.Do("GET", "/api/me", nil); r.Status != 401 || r.ErrorCode() != "unauthenticated" {
		t.Fatalf("after logout: %d %s", r.Status, r.Body)
	}
}

func cookieOf(t *testing.T, c *apptest.Client) string {
	t.Helper()
	v := c.Cookie("leadbitz_session")
	if v == "" {
		t.Fatal("no session cookie")
	}
	return v
}

func TestSignupValidation(t *testing.T) {
	srv := apptest.Start(t, nil)
	c := srv.Client(t)
	cases := []struct {
		name   string
		body   any
		status int
		code   string
		field  string
	}{
		{"weak password", map[string]string{"email": "a@example.com", "password": "short", "name": "A"}, 422, "validation_failed", "password"},
		{"bad email", map[string]string{"email": "not-an-email", "password": "long enough pw", "name": "A"}, 422, "validation_failed", "email"},
		{"email without domain dot", map[string]string{"email": "a@localhost", "password": "long enough pw"}, 422, "validation_failed", "email"},
		{"malformed json", `{"email": `, 400, "malformed_json", ""},
		{"wrong type", `{"email": 42, "password": "long enough pw"}`, 422, "validation_failed", "email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Do("POST", "/api/auth/signup", tc.body)
			if r.Status != tc.status || r.ErrorCode() != tc.code {
				t.Fatalf("status %d code %q, want %d %q; body %s", r.Status, r.ErrorCode(), tc.status, tc.code, r.Body)
			}
			if tc.field != "" {
				fields, _ := r.Map(t)["error"].(map[string]any)["details"].(map[string]any)["fields"].(map[string]any)
				if fields[tc.field] == nil {
					t.Fatalf("details.fields lacks %q: %s", tc.field, r.Body)
				}
			}
		})
	}

	c.Must(201, "POST", "/api/auth/signup", map[string]string{"email": "Taken@Example.com", "password": "long enough pw"})
	r := srv.Client(t).Do("POST", "/api/auth/signup", map[string]string{"email": " taken@example.com ", "password": "another long pw"})
	if r.Status != 409 || r.ErrorCode() != "email_taken" {
		t.Fatalf("duplicate signup: %d %s", r.Status, r.Body)
	}
}

func TestLoginFailuresLookTheSameAndAreRateLimited(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	c := srv.Client(t)

	wrong := c.Do("POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": "wrong password"})
	unknown := c.Do("POST", "/api/auth/login", map[string]string{"email": "nobody-" + apptest.Unique() + "@example.com", "password": "wrong password"})
	if wrong.Status != 401 || unknown.Status != 401 || string(wrong.Body) != string(unknown.Body) {
		t.Fatalf("wrong password %d %s vs unknown email %d %s: must be identical 401s", wrong.Status, wrong.Body, unknown.Status, unknown.Body)
	}

	// Five failures from one address are free; then the pair (this account,
	// this address) waits, growing with each failure (account tests walk
	// the delays with a clock). The account itself is not locked.
	for i := 0; i < 4; i++ {
		if r := c.Do("POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": "wrong password"}); r.Status != 401 {
			t.Fatalf("attempt %d: %d %s", i+2, r.Status, r.Body)
		}
	}
	r := c.Do("POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": ann.Password})
	if r.Status != http.StatusTooManyRequests || r.ErrorCode() != "too_many_attempts" || r.Header.Get("Retry-After") != "1" {
		t.Fatalf("6th attempt: %d %s Retry-After=%q", r.Status, r.Body, r.Header.Get("Retry-After"))
	}
	// Another account from the same address is still allowed.
	bob := srv.SignUp(t, "Bob")
	srv.Client(t).Must(200, "POST", "/api/auth/login", map[string]string{"email": bob.Email, "password": bob.Password})
}

func TestSignupIsRateLimitedPerAddress(t *testing.T) {
	srv := apptest.Start(t, map[string]string{"LEADBITZ_SIGNUPS_PER_IP_HOUR": "2"})
	srv.SignUp(t, "Ann")
	srv.SignUp(t, "Bob")
	r := srv.Client(t).Do("POST", "/api/auth/signup", map[string]string{"email": "cat-" + apptest.Unique() + "@example.com", "password": "long enough pw"})
	if r.Status != http.StatusTooManyRequests || r.ErrorCode() != "too_many_signups" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("3rd signup in the hour: %d %s Retry-After=%q", r.Status, r.Body, r.Header.Get("Retry-After"))
	}
}

func TestSecurityEventsAreEachPersonsOwn(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	bob := srv.SignUp(t, "Bob")
	other := srv.Client(t)
	other.Headers["User-Agent"] = "Other browser/1.0"
	if r := other.Do("POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": "wrong password"}); r.Status != 401 {
		t.Fatalf("wrong password: %d", r.Status)
	}
	if r := other.Do("POST", "/api/auth/login", map[string]string{"email": "nobody-" + apptest.Unique() + "@example.com", "password": "wrong password"}); r.Status != 401 {
		t.Fatalf("unknown address: %d", r.Status)
	}
	other.Must(200, "POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": ann.Password})
	other.Must(204, "POST", "/api/auth/logout", nil)

	type event struct {
		Kind      string `json:"kind"`
		IP        string `json:"ip"`
		UserAgent string `json:"userAgent"`
	}
	list := func(c *apptest.Account) []event {
		var all []event
		cursor := ""
		for page := 0; page < 10; page++ {
			var out struct {
				Items      []event `json:"items"`
				NextCursor *string `json:"nextCursor"`
			}
			c.Must(200, "GET", "/api/me/security-events?limit=2&cursor="+cursor, nil).JSON(t, &out)
			all = append(all, out.Items...)
			if out.NextCursor == nil {
				return all
			}
			cursor = *out.NextCursor
		}
		t.Fatal("too many pages")
		return nil
	}
	got := list(ann)
	var kinds []string
	for _, e := range got {
		kinds = append(kinds, e.Kind)
	}
	if strings.Join(kinds, ",") != "logout,login,login_failed,signup" {
		t.Fatalf("Ann's security log, newest first: %v", kinds)
	}
	if got[0].IP != "127.0.0.1" || got[0].UserAgent != "Other browser/1.0" {
		t.Fatalf("the logout's address and browser: %+v", got[0])
	}
	if bobs := list(bob); len(bobs) != 1 || bobs[0].Kind != "signup" {
		t.Fatalf("Bob's security log holds someone else's events: %+v", bobs)
	}
	if r := srv.Client(t).Do("GET", "/api/me/security-events", nil); r.Status != 401 {
		t.Fatalf("without a session: %d", r.Status)
	}
}
