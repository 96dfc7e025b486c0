package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
	"github.com/leadbitz/leadbitz/internal/store"
)

// mailboxWithCampaigns gives the workspace a mailbox and two campaigns
// sending from it (one active); it returns the mailbox.
func mailboxWithCampaigns(t *testing.T, scope store.Scope, in store.Mailbox) store.Mailbox {
	t.Helper()
	ctx := context.Background()
	if in.DailyCap == 0 {
		in.DailyCap, in.RampStart, in.RampIncrement, in.MinGapSeconds = 30, 5, 2, 600
	}
	if in.Timezone == "" {
		in.Timezone = "UTC"
	}
	if err := scope.CreateMailbox(ctx, &in); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"Spring founders", "Autumn CFOs"} {
		c := store.Campaign{Name: name, Timezone: "UTC", SendDays: []int{1, 2, 3, 4, 5}, SendStartMinute: 540,
			SendEndMinute: 1020, StopOnReply: true, MailboxIDs: []string{in.ID}}
		if err := scope.CreateCampaign(ctx, &c); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := scope.SetCampaignStatus(ctx, c.ID, store.CampaignActive, "", time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	return in
}

func TestMailboxSettingsIdentityLimitsPauseDelete(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	scope := srv.Store.InWorkspace(a.WorkspaceID)
	mb := mailboxWithCampaigns(t, scope, store.Mailbox{Provider: store.ProviderSandbox, Email: "ann@try.example"})
	page := "/mailboxes/" + mb.ID

	list := text(doc(t, get(t, a.Client, "/mailboxes", 200).Body))
	for _, want := range []string{"ann@try.example", "Connected", "0 / 5", "Day 1 of 14", "Good", "2 campaigns", "Autumn CFOs, Spring founders"} {
		if !strings.Contains(list, want) {
			t.Errorf("mailboxes list lacks %q: %s", want, list)
		}
	}

	d := text(doc(t, get(t, a.Client, page, 200).Body))
	for _, want := range []string{"Default 30, the limit Instantly recommends", "Default 10, Smartlead's advice", "Default 5.", "Default +2 a day", "Now on day 1 of 14"} {
		if !strings.Contains(d, want) {
			t.Errorf("settings page lacks %q", want)
		}
	}

	// Identity: the signature is saved and previewed as a lead gets it.
	page2 := follow(t, a.Client, postForm(t, a.Client, page+"/identity", url.Values{"displayName": {"Ann from Northwind"},
		"signature": {"Ann Lee\nNorthwind · northwind.example\n\n"}}))
	dd := doc(t, page2.Body)
	if got := text(dd); !strings.Contains(got, "Saved the sender name and signature.") || !strings.Contains(got, "sends as Ann from Northwind") {
		t.Errorf("after saving identity: %.400s", got)
	}
	var preview string
	walk(dd, func(n *html.Node) {
		if _, ok := attr(n, "data-signature-preview"); ok {
			preview = text(n)
		}
	})
	if !strings.HasSuffix(preview, "next week? Ann Lee Northwind · northwind.example") {
		t.Errorf("signature preview %q", preview)
	}

	// Limits: bad values come back next to their fields, the rest kept.
	r := postForm(t, a.Client, page+"/limits", url.Values{"dailyCap": {"lots"}, "minGapMinutes": {"-3"}, "rampStart": {"5"},
		"rampIncrement": {"2"}, "timezone": {"UTC"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad limits: %d", r.Status)
	}
	bad := doc(t, r.Body)
	for id, want := range map[string]string{"f-dailyCap-error": "Daily cap must be a whole number",
		"f-minGapMinutes-error": "must be a number of minutes"} {
		if n := byID(bad, id); n == nil || !strings.Contains(text(n), want) {
			t.Errorf("no %q next to its field", want)
		}
	}
	if n := byID(bad, "f-displayName"); n == nil {
		t.Error("the identity form is gone after a limits error")
	} else if v, _ := attr(n, "value"); v != "Ann from Northwind" {
		t.Errorf("identity form shows %q after a limits error", v)
	}
	r = postForm(t, a.Client, page+"/limits", url.Values{"dailyCap": {"9000"}, "minGapMinutes": {"1.5"}, "rampStart": {"0"},
		"rampIncrement": {"0"}, "timezone": {"Europe/Paris"}})
	if n := byID(doc(t, r.Body), "f-dailyCap-error"); r.Status != http.StatusUnprocessableEntity || n == nil || !strings.Contains(text(n), "must be 0 to 5000") {
		t.Errorf("a cap over the maximum: %d", r.Status)
	}
	follow(t, a.Client, postForm(t, a.Client, page+"/limits", url.Values{"dailyCap": {"40"}, "minGapMinutes": {"1.5"}, "rampStart": {"0"},
		"rampIncrement": {"0"}, "timezone": {"Europe/Paris"}}))
	got, err := scope.Mailbox(context.Background(), mb.ID)
	if err != nil || got.DailyCap != 40 || got.MinGapSeconds != 90 || got.RampStart != 0 || got.Timezone != "Europe/Paris" {
		t.Fatalf("saved limits %+v, %v", got, err)
	}

	// Pause and resume are one button that says what happens.
	if got := text(doc(t, follow(t, a.Client, postForm(t, a.Client, page+"/pause", nil)).Body)); !strings.Contains(got, "Paused: this mailbox sends nothing") {
		t.Errorf("after pause: %.300s", got)
	}
	if s, _ := scope.Mailbox(context.Background(), mb.ID); s.Status != store.MailboxPaused {
		t.Fatalf("status after pause: %s", s.Status)
	}
	follow(t, a.Client, postForm(t, a.Client, page+"/resume", nil))
	if s, _ := scope.Mailbox(context.Background(), mb.ID); s.Status != store.MailboxActive {
		t.Fatalf("status after resume: %s", s.Status)
	}

	// Delete: a confirm page naming the consequence, then the mailbox is gone.
	del := get(t, a.Client, page+"/delete", 200)
	checkPage(t, "/mailboxes/{id}/delete", del)
	confirm := text(doc(t, del.Body))
	if !strings.Contains(confirm, "2 campaigns use it; their leads move to other mailboxes or wait.") || !strings.Contains(confirm, "Spring founders") {
		t.Errorf("confirm page: %.400s", confirm)
	}
	done := text(doc(t, follow(t, a.Client, postForm(t, a.Client, page+"/delete", nil)).Body))
	if !strings.Contains(done, "Deleted ann@try.example. Its leads in 2 campaigns moved") {
		t.Errorf("after delete: %.300s", done)
	}
	get(t, a.Client, page, http.StatusNotFound)
}

func TestBrokenMailboxesSayWhyAndReconnect(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	scope := srv.Store.InWorkspace(a.WorkspaceID)
	ctx := context.Background()
	gmail := mailboxWithCampaigns(t, scope, store.Mailbox{Provider: store.ProviderGmail, Email: "ann@gmail.example"})
	if err := scope.SetMailboxStatus(ctx, gmail.ID, store.MailboxDisconnected, "Google refused the mailbox's credentials (invalid_grant: Token has been revoked). Reconnect it to resume its campaigns."); err != nil {
		t.Fatal(err)
	}
	list := text(doc(t, get(t, a.Client, "/mailboxes", 200).Body))
	for _, want := range []string{"Auth expired", "Token has been revoked", "Reconnect", "Critical",
		"Not set up on this server", "GOOGLE_CLIENT_ID", "/api/oauth/google/callback"} {
		if !strings.Contains(list, want) {
			t.Errorf("mailboxes list lacks %q", want)
		}
	}
	page := text(doc(t, get(t, a.Client, "/mailboxes/"+gmail.ID, 200).Body))
	if !strings.Contains(page, "This mailbox cannot send") || !strings.Contains(page, "1 running campaign holds its emails meanwhile") ||
		!strings.Contains(page, "To reconnect it, set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET") {
		t.Errorf("broken mailbox page: %s", page)
	}
	// Without an OAuth app, Reconnect says what to configure.
	r := a.Do("GET", "/mailboxes/"+gmail.ID+"/reconnect", nil)
	if got := text(doc(t, follow(t, a.Client, r).Body)); !strings.Contains(got, "To reconnect this mailbox, set GOOGLE_CLIENT_ID") {
		t.Errorf("reconnect without an OAuth app: %.300s", got)
	}

	// The OAuth callback's answer becomes a flash naming the held campaigns.
	r = a.Do("GET", "/mailboxes?connected="+gmail.ID+"&reconnected=1&released=4", nil)
	if loc := r.Header.Get("Location"); r.Status != http.StatusSeeOther || loc != "/mailboxes/"+gmail.ID {
		t.Fatalf("callback landing: %d to %q", r.Status, loc)
	}
	if got := text(doc(t, get(t, a.Client, "/mailboxes/"+gmail.ID, 200).Body)); !strings.Contains(got,
		"Reconnected ann@gmail.example. 1 campaign held its emails while it was down: Spring founders. They resume now: 4 emails went back to the queue.") {
		t.Errorf("flash after reconnect: %.400s", got)
	}
	// An error code gets our own words, never the query's.
	r = a.Do("GET", "/mailboxes?oauth_error=access_denied&message="+url.QueryEscape("Call +1 555 0100 to unlock your account"), nil)
	got := text(doc(t, follow(t, a.Client, r).Body))
	if !strings.Contains(got, "access was not granted") || strings.Contains(got, "555 0100") {
		t.Errorf("flash after a refused consent: %.300s", got)
	}
	// Another workspace's mailbox id in the callback says nothing.
	other := srv.SignUp(t, "Sid")
	if got := text(doc(t, follow(t, other.Client, other.Do("GET", "/mailboxes?connected="+gmail.ID, nil)).Body)); strings.Contains(got, "ann@gmail.example") {
		t.Errorf("another workspace learns the mailbox: %.300s", got)
	}
}

func TestOAuthButtonsGoThroughTheConnectService(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, map[string]string{"GOOGLE_CLIENT_ID": "client-id.apps.example", "GOOGLE_CLIENT_SECRET": "s3cret"})
	a := srv.SignUp(t, "Ann")
	body := string(get(t, a.Client, "/mailboxes", 200).Body)
	if !strings.Contains(body, `href="/api/oauth/google/start"`) {
		t.Error("no Connect with Google link to the start URL")
	}
	if !strings.Contains(body, "MICROSOFT_CLIENT_ID") {
		t.Error("Microsoft is not configured, but the page does not say what to set")
	}
	r := a.Do("GET", "/api/oauth/google/start", nil)
	if r.Status != http.StatusFound || !strings.Contains(r.Header.Get("Location"), "client_id=client-id.apps.example") {
		t.Errorf("start: %d %q", r.Status, r.Header.Get("Location"))
	}
}

func TestSMTPMailboxConnectAndReconnect(t *testing.T) {
	t.Parallel()
	smtpSrv, err := smtpimapfake.StartSMTP(smtpimapfake.SMTPOptions{Username: "sales@fake.example", Password: "right-password"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smtpSrv.Close() })
	imapSrv, err := smtpimapfake.StartIMAP(smtpimapfake.IMAPOptions{Username: "sales@fake.example", Password: "right-password"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { imapSrv.Close() })
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	form := func(password string) url.Values {
		return url.Values{"email": {"sales@fake.example"}, "displayName": {"Sam"}, "timezone": {"UTC"},
			"smtp.host": {smtpSrv.Host}, "smtp.port": {strconv.Itoa(smtpSrv.Port)}, "smtp.security": {"none"},
			"smtp.username": {"sales@fake.example"}, "smtp.password": {password},
			"imap.host": {imapSrv.Host}, "imap.port": {strconv.Itoa(imapSrv.Port)}, "imap.security": {"none"}}
	}
	get(t, a.Client, "/mailboxes/connect/smtp", 200)
	bad := form("right-password")
	bad.Set("smtp.port", "five-eight-seven")
	bad.Set("smtp.host", "")
	r := postForm(t, a.Client, "/mailboxes/connect/smtp", bad)
	d := doc(t, r.Body)
	if r.Status != http.StatusUnprocessableEntity || byID(d, "f-smtp.port-error") == nil || byID(d, "f-smtp.host-error") != nil {
		t.Errorf("a port that is not a number: %d", r.Status)
	}
	bad.Set("smtp.port", "")
	if d := doc(t, postForm(t, a.Client, "/mailboxes/connect/smtp", bad).Body); byID(d, "f-smtp.host-error") == nil {
		t.Error("no error next to the empty host")
	}

	r = postForm(t, a.Client, "/mailboxes/connect/smtp", form("right-password"))
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/mailboxes/") {
		t.Fatalf("connect: %d %q %.400s", r.Status, loc, text(doc(t, r.Body)))
	}
	page := text(doc(t, get(t, a.Client, loc, 200).Body))
	if !strings.Contains(page, "Both servers accepted the login. Connected sales@fake.example.") {
		t.Errorf("after connecting: %.300s", page)
	}
	id := strings.TrimPrefix(loc, "/mailboxes/")

	// Broken, it reconnects with the form filled in (no password shown).
	if err := srv.Store.InWorkspace(a.WorkspaceID).SetMailboxStatus(context.Background(), id, store.MailboxDisconnected, "The mail server refused the mailbox's credentials (535 5.7.8 Authentication failed)."); err != nil {
		t.Fatal(err)
	}
	re := get(t, a.Client, "/mailboxes/"+id+"/reconnect", 200)
	checkPage(t, "/mailboxes/{id}/reconnect", re)
	rd := doc(t, re.Body)
	if n := byID(rd, "f-smtp.host"); n == nil {
		t.Fatal("no SMTP host field on the reconnect form")
	} else if v, _ := attr(n, "value"); v != smtpSrv.Host {
		t.Errorf("reconnect form host %q", v)
	}
	if strings.Contains(string(re.Body), "right-password") {
		t.Error("the reconnect form shows the password")
	}
	r = postForm(t, a.Client, "/mailboxes/"+id+"/reconnect", form("right-password"))
	if got := text(doc(t, follow(t, a.Client, r).Body)); !strings.Contains(got, "Reconnected sales@fake.example. No running campaign was waiting on it.") {
		t.Errorf("after reconnecting: %.300s", got)
	}
	if s, _ := srv.Store.InWorkspace(a.WorkspaceID).Mailbox(context.Background(), id); s.Status != store.MailboxActive {
		t.Errorf("status after reconnect: %s", s.Status)
	}
}
