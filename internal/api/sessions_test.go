package api_test

import (
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// login signs acc in again from a new user agent with its own cookie jar,
// as from another device.
func login(t *testing.T, srv *apptest.Server, acc *apptest.Account, userAgent string) *apptest.Client {
	t.Helper()
	c := srv.Client(t)
	c.Headers["User-Agent"] = userAgent
	c.Must(200, "POST", "/api/auth/login", map[string]string{"email": acc.Email, "password": acc.Password})
	return c
}

type sessionRow struct {
	ID, Method, IP, UserAgent, CreatedAt, LastUsedAt, ExpiresAt string
	Current                                                     bool
}

func sessionsOf(t *testing.T, c *apptest.Client) []sessionRow {
	t.Helper()
	var out struct{ Items []sessionRow }
	c.Must(200, "GET", "/api/sessions", nil).JSON(t, &out)
	return out.Items
}

func securityKinds(t *testing.T, c *apptest.Client) []string {
	t.Helper()
	var out struct{ Items []struct{ Kind string } }
	c.Must(200, "GET", "/api/me/security-events", nil).JSON(t, &out)
	var kinds []string
	for _, e := range out.Items {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

func TestSessionsListRevokeAndSignOutEverywhereElse(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	phone := login(t, srv, ann, "Phone/1.0")
	laptop := login(t, srv, ann, "Laptop/2.0")
	bob := srv.SignUp(t, "Bob")

	list := sessionsOf(t, phone)
	if len(list) != 3 {
		t.Fatalf("Ann has %d sessions, want 3: %+v", len(list), list)
	}
	var current, laptopID int
	for i, s := range list {
		if s.Current {
			current++
			if s.UserAgent != "Phone/1.0" {
				t.Errorf("current session's user agent %q, want Phone/1.0", s.UserAgent)
			}
		}
		if s.UserAgent == "Laptop/2.0" {
			laptopID = i
		}
		if s.Method != "password" || s.IP == "" || s.CreatedAt == "" || s.LastUsedAt == "" || s.ExpiresAt == "" {
			t.Errorf("session row incomplete: %+v", s)
		}
	}
	if current != 1 {
		t.Fatalf("%d sessions marked current, want 1", current)
	}
	body := string(phone.Must(200, "GET", "/api/sessions", nil).Body)
	for _, secret := range []string{phone.Cookie("leadbitz_session"), "token", "hash"} {
		if strings.Contains(body, secret) {
			t.Fatalf("the session list shows %q: %s", secret, body)
		}
	}

	// Another person's session is not found, and stays.
	bobs := sessionsOf(t, bob.Client)[0].ID
	if r := ann.Do("DELETE", "/api/sessions/"+bobs, nil); r.Status != 404 || r.ErrorCode() != "not_found" {
		t.Fatalf("Ann ending Bob's session: %d %s", r.Status, r.Body)
	}
	bob.Must(200, "GET", "/api/me", nil)

	// Revoking the laptop from the phone ends it at once.
	phone.Must(204, "DELETE", "/api/sessions/"+list[laptopID].ID, nil)
	if r := laptop.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Fatalf("revoked laptop session: %d", r.Status)
	}
	if r := phone.Do("DELETE", "/api/sessions/"+list[laptopID].ID, nil); r.Status != 404 {
		t.Fatalf("revoking twice: %d", r.Status)
	}

	// Sign out everywhere else: the signup session ends, the phone stays.
	var out struct{ Revoked int }
	phone.Must(200, "POST", "/api/sessions/revoke-others", nil).JSON(t, &out)
	if out.Revoked != 1 {
		t.Fatalf("revoked %d, want 1", out.Revoked)
	}
	if r := ann.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Fatalf("other session after revoke-others: %d", r.Status)
	}
	if got := sessionsOf(t, phone); len(got) != 1 || !got[0].Current {
		t.Fatalf("after revoke-others: %+v", got)
	}
	bob.Must(200, "GET", "/api/me", nil)
	kinds := strings.Join(securityKinds(t, phone), ",")
	if !strings.HasPrefix(kinds, "sessions_revoked,session_revoked,") {
		t.Fatalf("security log %s, want sessions_revoked then session_revoked first", kinds)
	}

	// Ending the current session is logging out, cookie and all.
	self := sessionsOf(t, phone)[0].ID
	r := phone.Must(204, "DELETE", "/api/sessions/"+self, nil)
	if !strings.Contains(r.Header.Get("Set-Cookie"), "leadbitz_session=;") {
		t.Fatalf("ending the current session left its cookie: %q", r.Header.Get("Set-Cookie"))
	}
	if r := phone.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Fatalf("after ending the current session: %d", r.Status)
	}
}

func TestChangePassword(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	other := login(t, srv, ann, "Other/1.0")

	cases := []struct {
		name, current, next string
		status              int
		code, field         string
	}{
		{"short new password", ann.Password, "short", 422, "validation_failed", "newPassword"},
		{"no current password", "", "a-new-long-password", 422, "validation_failed", "currentPassword"},
		{"wrong current password", "not-the-password", "a-new-long-password", 422, "wrong_password", "currentPassword"},
	}
	for _, tc := range cases {
		r := ann.Do("POST", "/api/auth/password", map[string]string{"currentPassword": tc.current, "newPassword": tc.next})
		var e struct {
			Error struct {
				Code    string
				Details struct{ Fields map[string]string }
			}
		}
		r.JSON(t, &e)
		if r.Status != tc.status || e.Error.Code != tc.code || e.Error.Details.Fields[tc.field] == "" {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
		}
	}
	other.Must(200, "GET", "/api/me", nil) // nothing changed yet

	// An API key cannot change the password.
	key := ann.Must(201, "POST", "/api/api-keys", map[string]string{"name": "script"}).Map(t)["token"].(string)
	script := srv.Client(t)
	script.Headers["Authorization"] = "Bearer " + key
	if r := script.Do("POST", "/api/auth/password", map[string]string{"currentPassword": ann.Password, "newPassword": "a-new-long-password"}); r.Status != 401 || r.ErrorCode() != "session_required" {
		t.Fatalf("with an API key: %d %s", r.Status, r.Body)
	}

	ann.Must(204, "POST", "/api/auth/password", map[string]string{"currentPassword": ann.Password, "newPassword": "a-new-long-password"})
	ann.Must(200, "GET", "/api/me", nil) // this session stays
	if r := other.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Fatalf("other session after the change: %d", r.Status)
	}
	script.Must(200, "GET", "/api/me", nil) // API keys are not sessions
	c := srv.Client(t)
	if r := c.Do("POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": ann.Password}); r.Status != 401 {
		t.Fatalf("old password after the change: %d", r.Status)
	}
	c.Must(200, "POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": "a-new-long-password"})
	kinds := securityKinds(t, c)
	if !strings.Contains(strings.Join(kinds, ","), "password_changed") || !strings.Contains(strings.Join(kinds, ","), "password_change_failed") {
		t.Fatalf("security log: %v", kinds)
	}
}

// TestChangePasswordWrongGuessesAreThrottled: wrong current passwords count
// as failed logins of the (address, network) pair, so after the free ones
// the form and the login page both wait.
func TestChangePasswordWrongGuessesAreThrottled(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	wrong := map[string]string{"currentPassword": "guess-guess-guess", "newPassword": "a-new-long-password"}
	for i := 0; i < 5; i++ { // the free failures; the fifth starts the delay
		ann.Must(422, "POST", "/api/auth/password", wrong)
	}
	r := ann.Do("POST", "/api/auth/password", map[string]string{"currentPassword": ann.Password, "newPassword": "a-new-long-password"})
	if r.Status != 429 || r.ErrorCode() != "too_many_attempts" {
		t.Fatalf("after five wrong guesses: %d %s", r.Status, r.Body)
	}
	if r := srv.Client(t).Do("POST", "/api/auth/login", map[string]string{"email": ann.Email, "password": ann.Password}); r.Status != 429 {
		t.Fatalf("login from the same network after the guesses: %d %s", r.Status, r.Body)
	}
}
