package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake"
	"github.com/leadbitz/leadbitz/internal/store"
)

func gmailServer(t *testing.T) (*apptest.Server, *gmailfake.Server) {
	t.Helper()
	gf := gmailfake.New(gmailfake.Options{})
	t.Cleanup(gf.Close)
	srv := apptest.Start(t, map[string]string{"CRON_SECRET": "cron-secret", "LEADBITZ_SCHEDULER": "off",
		"GOOGLE_CLIENT_ID": "test-client", "GOOGLE_CLIENT_SECRET": "test-secret",
		"GOOGLE_OAUTH_BASE_URL": gf.URL, "GMAIL_API_BASE_URL": gf.URL})
	return srv, gf
}

// gmailSent is the Message-ID and subject of what the mailbox sent to addr.
func gmailSent(t *testing.T, gf *gmailfake.Server, addr string) (string, string) {
	t.Helper()
	for _, m := range gf.Messages(addr, "INBOX") {
		if strings.Contains(string(m.Raw), "Quick question") {
			return m.MessageID, "Quick question"
		}
	}
	t.Fatalf("%s received nothing", addr)
	return "", ""
}

func TestGmailMailboxOverHTTP(t *testing.T) {
	srv, gf := gmailServer(t)
	const sales = "sales@gmail.test"
	for _, u := range []string{sales, "ann@gmail.test", "bob@gmail.test", "cat@gmail.test", "dan@gmail.test"} {
		gf.AddUser(u)
	}
	gf.SetConsentUser(sales)
	owner := srv.SignUp(t, "Owner")

	// Connect by OAuth: start → consent at Google → callback → mailboxes page.
	q := oauthConnect(t, owner, "google", "")
	id := q.Get("connected")
	if id == "" || q.Get("oauth_error") != "" {
		t.Fatalf("connect: %v", q)
	}
	v := mailboxView(t, owner, id)
	if v["provider"] != "gmail" || v["email"] != sales || v["status"] != "active" {
		t.Fatalf("mailbox %v", v)
	}
	if _, ok := v["lastSyncAt"]; !ok {
		t.Fatalf("no health fields in %v", v)
	}

	cid, leads := providerCampaign(t, owner, id, "ann@gmail.test", "bob@gmail.test", "cat@gmail.test")
	if res := cronTick(t, srv); res["sent"].(float64) != 3 {
		t.Fatalf("tick: %v", res)
	}
	if n := len(gf.Messages(sales, "SENT")); n != 3 {
		t.Fatalf("%d messages in Gmail's SENT", n)
	}

	// Ann replies, Bob's address bounces, Cat is away.
	annID, subject := gmailSent(t, gf, "ann@gmail.test")
	bobID, _ := gmailSent(t, gf, "bob@gmail.test")
	catID, _ := gmailSent(t, gf, "cat@gmail.test")
	back := time.Now().UTC().AddDate(0, 0, 10)
	for _, raw := range [][]byte{
		replyRaw(t, "ann@gmail.test", sales, subject, annID, "Sounds interesting, tell me more."),
		bounceRaw("mailer-daemon@googlemail.com", sales, "bob@gmail.test", bobID),
		outOfOfficeRaw(t, "cat@gmail.test", sales, subject, catID, back),
	} {
		if _, err := gf.Deliver(sales, raw); err != nil {
			t.Fatal(err)
		}
	}
	// The first access token expired meanwhile: the sync refreshes it.
	gf.ExpireAccessTokens()
	tokens := gf.Calls("token")
	if res := syncMailboxes(t, srv); res.Messages < 3 {
		t.Fatalf("sync: %v", res)
	}
	if gf.Calls("token") <= tokens {
		t.Fatal("the sync did not refresh the expired token")
	}
	assertActedOn(t, owner, cid, leads["ann@gmail.test"], leads["bob@gmail.test"], leads["cat@gmail.test"], "bob@gmail.test")
	if v := mailboxView(t, owner, id); v["lastSyncAt"] == nil || v["consecutiveFailures"].(float64) != 0 {
		t.Fatalf("health after a good sync: %v", v)
	}

	// Google revokes the grant: the next sync fails for good, the mailbox is
	// disconnected with the reason, and new work for it is held.
	gf.RevokeGrants(sales)
	gf.ExpireAccessTokens()
	syncMailboxes(t, srv)
	v = mailboxView(t, owner, id)
	if v["status"] != "disconnected" || !strings.Contains(v["statusReason"].(string), "invalid_grant") {
		t.Fatalf("after revocation: %v", v)
	}
	if v["consecutiveFailures"].(float64) < 1 || v["lastError"] == "" {
		t.Fatalf("health after a failed sync: %v", v)
	}
	dan := createLead(t, owner, "dan@gmail.test", "Dan")
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/leads", map[string]any{"leadIds": []string{dan}})
	if res := cronTick(t, srv); res["sent"].(float64) != 0 {
		t.Fatalf("a disconnected mailbox sent: %v", res)
	}
	if x := leadStatus(t, owner, cid, dan); x["jobStatus"] != "held" {
		t.Fatalf("dan's step with the mailbox disconnected: %v", x)
	}

	// Reconnecting (OAuth again for this mailbox) resumes the held work.
	q = oauthConnect(t, owner, "google", "?inboxId="+id)
	if q.Get("connected") != id || q.Get("reconnected") != "1" {
		t.Fatalf("reconnect: %v", q)
	}
	if v := mailboxView(t, owner, id); v["status"] != "active" || v["statusReason"] != "" {
		t.Fatalf("after reconnect: %v", v)
	}
	if res := cronTick(t, srv); res["sent"].(float64) != 1 {
		t.Fatalf("tick after reconnect: %v (%v); dan: %v", res, q, leadStatus(t, owner, cid, dan))
	}
	if n := len(gf.Messages("dan@gmail.test", "INBOX")); n != 1 {
		t.Fatalf("dan received %d messages", n)
	}
	events := map[string]int{}
	for _, e := range owner.Must(200, "GET", "/api/audit-events", nil).Map(t)["items"].([]any) {
		events[e.(map[string]any)["action"].(string)]++
	}
	if events["inbox.created"] != 1 || events["inbox.disconnected"] < 1 || events["inbox.reconnected"] != 1 {
		t.Fatalf("audit events %v", events)
	}
	// The stored token is encrypted, and no token reached the logs.
	tok := storedToken(t, srv, owner.WorkspaceID, id)
	logs := srv.Logs.String()
	if tok.RefreshToken == "" || strings.Contains(logs, tok.RefreshToken) || strings.Contains(logs, tok.AccessToken) {
		t.Fatal("a token appears in the logs (or none is stored)")
	}
}

// storedToken decrypts a mailbox's stored OAuth token.
func storedToken(t *testing.T, srv *apptest.Server, ws, mailboxID string) oauth2.Token {
	t.Helper()
	cipher, err := srv.Store.InWorkspace(ws).MailboxCredentials(context.Background(), mailboxID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cipher, "fake-refresh") {
		t.Fatal("the token is stored in clear")
	}
	plain, err := srv.Keys.Decrypt(cipher, store.CredentialsAD(mailboxID))
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ Token oauth2.Token }
	if err := json.Unmarshal(plain, &c); err != nil {
		t.Fatal(err)
	}
	return c.Token
}

// assertActedOn checks the reply stopped ann's sequence, the hard bounce
// stopped bob's and suppressed his address, and the out-of-office paused
// cat's.
func assertActedOn(t *testing.T, owner *apptest.Account, cid, ann, bob, cat, bobAddr string) {
	t.Helper()
	if x := leadStatus(t, owner, cid, ann); x["leadStatus"] != "replied" {
		t.Errorf("ann after her reply: %v", x)
	}
	if x := leadStatus(t, owner, cid, bob); x["leadStatus"] != "bounced" {
		t.Errorf("bob after the bounce: %v", x)
	}
	sup := owner.Must(200, "GET", "/api/suppressions", nil).Map(t)["items"].([]any)
	found := false
	for _, s := range sup {
		if s.(map[string]any)["value"] == bobAddr {
			found = true
		}
	}
	if !found {
		t.Errorf("bob is not suppressed: %v", sup)
	}
	x := leadStatus(t, owner, cid, cat)
	if x["leadStatus"] != "active" {
		t.Errorf("cat after her out-of-office: %v", x)
	}
	if na, _ := x["notBefore"].(string); na == "" {
		t.Errorf("cat's next step is not pushed past her return: %v", x)
	} else if at, err := time.Parse(time.RFC3339, na); err != nil || at.Before(time.Now().AddDate(0, 0, 5)) {
		t.Errorf("cat's next step at %s, want after her return date", na)
	}
}
