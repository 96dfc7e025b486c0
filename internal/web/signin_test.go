package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
	"github.com/leadbitz/leadbitz/internal/provider/oauthfake"
)

// startWithSignin runs the app with Google and Microsoft apps pointed at
// their fakes.
func startWithSignin(t *testing.T) (*apptest.Server, *gmailfake.Server, *graphfake.Server) {
	t.Helper()
	gf, mf := gmailfake.New(gmailfake.Options{}), graphfake.New(graphfake.Options{})
	t.Cleanup(gf.Close)
	t.Cleanup(mf.Close)
	srv := apptest.Start(t, map[string]string{
		"GOOGLE_CLIENT_ID": "test-client", "GOOGLE_CLIENT_SECRET": "test-secret",
		"GOOGLE_OAUTH_BASE_URL": gf.URL, "GMAIL_API_BASE_URL": gf.URL,
		"MICROSOFT_CLIENT_ID": "test-client", "MICROSOFT_CLIENT_SECRET": "test-secret",
		"MICROSOFT_LOGIN_BASE_URL": mf.URL, "GRAPH_API_BASE_URL": mf.URL + "/v1.0",
	})
	return srv, gf, mf
}

// signInWith plays a browser pressing "Continue with …": our redirect to
// the provider, its consent, its redirect back to our callback.
func signInWith(t *testing.T, c *apptest.Client, provider, next string) apptest.Response {
	t.Helper()
	r := get(t, c, "/auth/"+provider+"?next="+url.QueryEscape(next), http.StatusSeeOther)
	back := oauthfake.Authorize(t, r.Header.Get("Location"))
	if !strings.HasPrefix(back.String(), c.URL()+"/auth/"+provider+"/callback?") {
		t.Fatalf("the provider sent the browser to %s", back)
	}
	return c.Do("GET", strings.TrimPrefix(back.String(), c.URL()), nil)
}

func TestLoginPageShowsConfiguredProvidersOnly(t *testing.T) {
	t.Parallel()
	plain := apptest.Start(t, nil)
	for _, page := range []string{"/login", "/signup"} {
		if body := string(get(t, plain.Client(t), page, 200).Body); strings.Contains(body, "Continue with") {
			t.Errorf("%s shows a provider button without any configured", page)
		}
	}
	srv, _, _ := startWithSignin(t)
	for _, page := range []string{"/login?next=/leads", "/signup"} {
		body := string(get(t, srv.Client(t), page, 200).Body)
		if !strings.Contains(body, "Continue with Google") || !strings.Contains(body, "Continue with Microsoft") {
			t.Errorf("%s lacks the provider buttons", page)
		}
	}
	if body := string(get(t, srv.Client(t), "/login?next=/leads", 200).Body); !strings.Contains(body, `href="/auth/google?next=%2fleads"`) {
		t.Errorf("the button does not carry next:\n%s", body)
	}
}

func TestSignInWithGoogleCreatesThenReusesTheAccount(t *testing.T) {
	t.Parallel()
	srv, gf, _ := startWithSignin(t)
	gf.AddUser("gia@example.com")
	gf.SetConsentUser("gia@example.com")

	browser := srv.Client(t)
	r := signInWith(t, browser, "google", "/leads")
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("first sign-in: %d → %q %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	if body := string(get(t, browser, "/", 200).Body); !strings.Contains(body, "Welcome to Leadbitz") {
		t.Fatal("no welcome after the first sign-in")
	}
	me := browser.Must(200, "GET", "/api/me", nil).Map(t)
	if me["user"].(map[string]any)["email"] != "gia@example.com" {
		t.Fatalf("signed in as %v", me["user"])
	}

	// Another browser, later: the same account, back to the page asked for.
	other := srv.Client(t)
	r = signInWith(t, other, "google", "/leads")
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/leads" {
		t.Fatalf("second sign-in: %d → %q", r.Status, r.Header.Get("Location"))
	}
	body := string(get(t, other, "/settings/sessions", 200).Body)
	if strings.Count(body, "/revoke\"") != 1 || !strings.Contains(body, "Google") || !strings.Contains(body, "This browser") {
		t.Fatalf("sessions page:\n%s", body)
	}
	body = string(get(t, other, "/settings/security", 200).Body)
	for _, want := range []string{"Set a password", "Logged in with Google", "Signed up with Google", "gia@example.com"} {
		if !strings.Contains(body, want) {
			t.Errorf("security page lacks %q", want)
		}
	}
}

func TestSignInCallbackFromAnotherBrowserIsRefused(t *testing.T) {
	t.Parallel()
	srv, _, mf := startWithSignin(t)
	mf.AddUser("mo@example.com")
	mf.SetConsentUser("mo@example.com")
	victim, attacker := srv.Client(t), srv.Client(t)
	r := get(t, attacker, "/auth/microsoft", http.StatusSeeOther)
	back := oauthfake.Authorize(t, r.Header.Get("Location"))
	// The attacker sends the victim the callback link of their own sign-in.
	r = victim.Do("GET", strings.TrimPrefix(back.String(), victim.URL()), nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "started in another browser") {
		t.Fatalf("victim finishing the attacker's sign-in: %d %.300s", r.Status, r.Body)
	}
	if r := victim.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Fatalf("the victim is signed in: %d", r.Status)
	}
}

func TestUnverifiedAddressIsExplainedOnTheLoginPage(t *testing.T) {
	t.Parallel()
	srv, _, mf := startWithSignin(t)
	owner := srv.SignUp(t, "Olga")
	mf.SetEmailVerified(owner.Email, false)
	mf.SetConsentUser(owner.Email)
	r := signInWith(t, srv.Client(t), "microsoft", "/")
	if r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "did not confirm") {
		t.Fatalf("unverified Microsoft address: %d %.400s", r.Status, r.Body)
	}
}

func TestSessionsPageRevokesAndSignsOutEverywhereElse(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	laptop, phone := srv.Client(t), srv.Client(t)
	for _, c := range []*apptest.Client{laptop, phone} {
		c.Must(200, "POST", "/api/auth/login", map[string]string{"email": owner.Email, "password": owner.Password})
	}
	var sessions struct {
		Items []struct {
			ID      string
			Current bool
		}
	}
	laptop.Must(200, "GET", "/api/sessions", nil).JSON(t, &sessions)
	phoneID := ""
	phone.Must(200, "GET", "/api/sessions", nil).JSON(t, &sessions)
	for _, s := range sessions.Items {
		if s.Current {
			phoneID = s.ID
		}
	}
	body := string(get(t, owner.Client, "/settings/sessions", 200).Body)
	if strings.Count(body, "/revoke\"") != 2 || !strings.Contains(body, "Sign out everywhere else (2 other sessions)") {
		t.Fatalf("sessions page:\n%s", body)
	}
	confirm := string(get(t, owner.Client, "/settings/sessions/"+phoneID+"/revoke", 200).Body)
	if !strings.Contains(confirm, "is signed out at once") {
		t.Fatalf("confirm page:\n%s", confirm)
	}
	r := follow(t, owner.Client, postForm(t, owner.Client, "/settings/sessions/"+phoneID+"/revoke", nil))
	if !strings.Contains(string(r.Body), "Signed out that device") {
		t.Fatalf("after revoking: %.400s", r.Body)
	}
	if r := phone.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Fatalf("revoked phone: %d", r.Status)
	}
	get(t, owner.Client, "/settings/sessions/revoke-others", 200)
	r = follow(t, owner.Client, postForm(t, owner.Client, "/settings/sessions/revoke-others", nil))
	if !strings.Contains(string(r.Body), "Signed out 1 other session") {
		t.Fatalf("after signing out everywhere else: %.400s", r.Body)
	}
	if r := laptop.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Fatalf("laptop after sign out everywhere else: %d", r.Status)
	}
	get(t, owner.Client, "/settings/sessions", 200)
}

func TestChangePasswordForm(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	other := srv.Client(t)
	other.Must(200, "POST", "/api/auth/login", map[string]string{"email": owner.Email, "password": owner.Password})

	r := postForm(t, owner.Client, "/settings/security/password", url.Values{"currentPassword": {"wrong-password"}, "newPassword": {"a-new-long-password"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "is not right") || strings.Contains(string(r.Body), "wrong-password") {
		t.Fatalf("wrong current password: %d %.400s", r.Status, r.Body)
	}
	r = follow(t, owner.Client, postForm(t, owner.Client, "/settings/security/password",
		url.Values{"currentPassword": {owner.Password}, "newPassword": {"a-new-long-password"}}))
	if !strings.Contains(string(r.Body), "Password changed. 1 other session was signed out") {
		t.Fatalf("after the change: %.500s", r.Body)
	}
	if r := other.Do("GET", "/api/me", nil); r.Status != 401 {
		t.Fatalf("other session after the change: %d", r.Status)
	}
	srv.Client(t).Must(200, "POST", "/api/auth/login", map[string]string{"email": owner.Email, "password": "a-new-long-password"})
}

// TestInvitedPersonJoinsWithGoogle: on an instance that takes no sign-ups,
// the invitation page offers Continue with Google; the invitee signs in
// there (the account is created for the invited, verified address) and
// comes back to join.
func TestInvitedPersonJoinsWithGoogle(t *testing.T) {
	t.Parallel()
	gf, mf := gmailfake.New(gmailfake.Options{}), graphfake.New(graphfake.Options{})
	t.Cleanup(gf.Close)
	t.Cleanup(mf.Close)
	srv := apptest.Start(t, map[string]string{"LEADBITZ_SIGNUP": "invite",
		"GOOGLE_CLIENT_ID": "test-client", "GOOGLE_CLIENT_SECRET": "test-secret",
		"GOOGLE_OAUTH_BASE_URL": gf.URL, "GMAIL_API_BASE_URL": gf.URL,
	})
	owner := srv.SignUp(t, "Olga")
	mia := "mia-" + apptest.Unique() + "@example.com"
	inv := owner.Must(201, "POST", "/api/workspaces/"+owner.WorkspaceID+"/invitations", map[string]string{"email": mia, "role": "member"}).Map(t)
	link, err := url.Parse(inv["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	invitePath := link.Path + "?" + link.RawQuery

	browser := srv.Client(t)
	page := string(get(t, browser, invitePath, 200).Body)
	if want := `href="/auth/google?next=` + url.QueryEscape(invitePath) + `"`; !strings.Contains(page, want) {
		t.Fatalf("the invitation page lacks %s:\n%s", want, page)
	}
	gf.AddUser(mia)
	gf.SetConsentUser(mia)
	r := signInWith(t, browser, "google", invitePath)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != invitePath {
		t.Fatalf("sign-in from the invitation: %d → %q %.300s", r.Status, r.Header.Get("Location"), r.Body)
	}
	if page := text(doc(t, get(t, browser, invitePath, 200).Body)); !strings.Contains(page, "Join "+"Olga") {
		t.Fatalf("back on the invitation page: %s", page)
	}
	joined := follow(t, browser, postForm(t, browser, "/invite", url.Values{"token": {link.Query().Get("token")}}))
	if joined.Status != 200 {
		t.Fatalf("joining: %d", joined.Status)
	}
	members := owner.Must(200, "GET", "/api/workspaces/"+owner.WorkspaceID+"/members", nil).Map(t)["items"].([]any)
	found := false
	for _, m := range members {
		if m := m.(map[string]any); m["email"] == mia && m["role"] == "member" && m["pending"] != true {
			found = true
		}
	}
	if !found {
		t.Fatalf("Mia is not a member: %v", members)
	}
	// Without an invitation the same button still creates no account.
	stranger := srv.Client(t)
	gf.AddUser("stranger@example.com")
	gf.SetConsentUser("stranger@example.com")
	if r := signInWith(t, stranger, "google", "/"); r.Status == http.StatusSeeOther && r.Header.Get("Location") == "/" {
		t.Fatalf("an uninvited address signed up: %d → %q", r.Status, r.Header.Get("Location"))
	}
}
