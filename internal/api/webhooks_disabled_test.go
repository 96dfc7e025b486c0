package api_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
)

// TestDisabledWebhookMailsTheAdmins: an endpoint that answers 410, and one
// that fails for three days, are disabled; the workspace's owner and admins
// (not its members) get a mail through the system mail server naming the
// endpoint, the reason and its settings page, besides the in-app notice.
func TestDisabledWebhookMailsTheAdmins(t *testing.T) {
	mail, vars := mailServer(t)
	clock := mailfake.NewClock(time.Now())
	srv := apptest.StartAt(t, vars, app.Options{}, clock.Now)
	owner := srv.SignUp(t, "Olga")
	admin, member := srv.SignUp(t, "Abe"), srv.SignUp(t, "Mia")
	for acc, role := range map[*apptest.Account]string{admin: "admin", member: "member"} {
		owner.Must(201, "POST", "/api/workspaces/"+owner.WorkspaceID+"/invitations", map[string]string{"email": acc.Email, "role": role})
		link, _ := mailedLink(t, mail, acc.Email, "invited you")
		acc.Must(200, "POST", "/api/invitations/accept", map[string]string{"token": apptest.TokenOf(t, link)})
	}
	gone := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) }))
	defer gone.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer broken.Close()
	before := mail.Count()

	// 410: disabled at once.
	goneID := owner.Must(201, "POST", "/api/webhooks", map[string]any{"url": gone.URL + "/hook"}).Map(t)["id"].(string)
	owner.Must(200, "POST", "/api/webhooks/"+goneID+"/test", nil)
	if h := owner.Must(200, "GET", "/api/webhooks/"+goneID, nil).Map(t); h["enabled"] != false || !strings.Contains(h["disabledReason"].(string), "410") {
		t.Fatalf("after a 410: %v", h)
	}
	checkDisabledMail(t, srv, mail.Messages()[before:], goneID, gone.URL+"/hook", "410 Gone", owner.Email, admin.Email)
	before = mail.Count()

	// Failing for three days: retried, then disabled.
	brokenID := owner.Must(201, "POST", "/api/webhooks", map[string]any{"url": broken.URL + "/hook"}).Map(t)["id"].(string)
	owner.Must(200, "POST", "/api/webhooks/"+brokenID+"/test", nil)
	for range 20 {
		if mail.Count() > before {
			break
		}
		clock.Add(6 * time.Hour)
		if _, err := srv.Webhooks.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if h := owner.Must(200, "GET", "/api/webhooks/"+brokenID, nil).Map(t); h["enabled"] != false {
		t.Fatalf("after three days of failures: %v", h)
	}
	checkDisabledMail(t, srv, mail.Messages()[before:], brokenID, broken.URL+"/hook", "three days", owner.Email, admin.Email)

	// The in-app notices too.
	notices, err := srv.Store.InWorkspace(owner.WorkspaceID).Notices(t.Context())
	if err != nil || len(notices) != 2 || !strings.Contains(notices[0], "was disabled") {
		t.Errorf("notices: %q, %v", notices, err)
	}
}

// checkDisabledMail: msgs are one mail to each of to, about the endpoint.
func checkDisabledMail(t *testing.T, srv *apptest.Server, msgs []smtpimapfake.Received, id, url, reason string, to ...string) {
	t.Helper()
	got := map[string]bool{}
	for _, m := range msgs {
		in, err := mailmsg.Parse(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range m.To {
			got[r] = true
		}
		link := srv.URL + "/settings/webhooks/" + id
		if !strings.Contains(in.Subject, "webhook") || !strings.Contains(in.Text, url) || !strings.Contains(in.Text, reason) ||
			!strings.Contains(in.Text, link) {
			t.Errorf("mail %q: %q", in.Subject, in.Text)
		}
	}
	if want := slices.Sorted(slices.Values(to)); !slices.Equal(slices.Sorted(maps.Keys(got)), want) {
		t.Errorf("mailed %v, want %v", slices.Sorted(maps.Keys(got)), want)
	}
}
