package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
)

// graphSent is the Message-ID of what the mailbox sent to addr.
func graphSent(t *testing.T, mf *graphfake.Server, addr string) string {
	t.Helper()
	for _, m := range mf.Messages(addr, "") {
		if strings.Contains(m.Subject, "Quick question") {
			return m.InternetMessageID
		}
	}
	t.Fatalf("%s received nothing", addr)
	return ""
}

func TestMicrosoftMailboxOverHTTP(t *testing.T) {
	mf := graphfake.New(graphfake.Options{})
	t.Cleanup(mf.Close)
	srv := apptest.Start(t, map[string]string{"CRON_SECRET": "cron-secret", "LEADBITZ_SCHEDULER": "off",
		"MICROSOFT_CLIENT_ID": "test-client", "MICROSOFT_CLIENT_SECRET": "test-secret",
		"MICROSOFT_LOGIN_BASE_URL": mf.URL, "GRAPH_API_BASE_URL": mf.URL})
	const sales = "sales@contoso.test"
	for _, u := range []string{sales, "ann@fabrikam.test", "bob@fabrikam.test", "cat@fabrikam.test"} {
		mf.AddUser(u)
	}
	mf.SetConsentUser(sales)
	owner := srv.SignUp(t, "Owner")

	q := oauthConnect(t, owner, "microsoft", "")
	id := q.Get("connected")
	if v := mailboxView(t, owner, id); v["provider"] != "microsoft" || v["email"] != sales || v["status"] != "active" {
		t.Fatalf("mailbox %v (%v)", v, q)
	}
	cid, leads := providerCampaign(t, owner, id, "ann@fabrikam.test", "bob@fabrikam.test", "cat@fabrikam.test")
	if res := cronTick(t, srv); res["sent"].(float64) != 3 {
		t.Fatalf("tick: %v", res)
	}
	// A first sync reads the (empty) inbox and keeps its delta link.
	syncMailboxes(t, srv)

	annID, bobID, catID := graphSent(t, mf, "ann@fabrikam.test"), graphSent(t, mf, "bob@fabrikam.test"),
		graphSent(t, mf, "cat@fabrikam.test")
	for _, raw := range [][]byte{
		replyRaw(t, "ann@fabrikam.test", sales, "Quick question, Ann", annID, "Yes, let's talk on Tuesday."),
		bounceRaw("postmaster@contoso.test", sales, "bob@fabrikam.test", bobID),
		outOfOfficeRaw(t, "cat@fabrikam.test", sales, "Quick question, Cat", catID, time.Now().UTC().AddDate(0, 0, 12)),
	} {
		if _, err := mf.Deliver(sales, raw); err != nil {
			t.Fatal(err)
		}
	}
	// Graph throttles once and its delta state expires: the sync honours
	// Retry-After and restarts the delta round.
	mf.FailNext(1, graphfake.Fault{Status: 429, Code: "ApplicationThrottled", Message: "Slow down", RetryAfter: time.Second, Endpoint: "delta"})
	mf.ExpireDeltaTokens()
	if res := syncMailboxes(t, srv); res.Messages != 3 {
		t.Fatalf("sync: %v", res)
	}
	assertActedOn(t, owner, cid, leads["ann@fabrikam.test"], leads["bob@fabrikam.test"], leads["cat@fabrikam.test"], "bob@fabrikam.test")
	// A second pass finds nothing new and duplicates nothing.
	if res := syncMailboxes(t, srv); res.Messages != 0 {
		t.Fatalf("second sync stored %d messages", res.Messages)
	}

	mf.RevokeGrants(sales, graphfake.AADSTSInactive)
	mf.ExpireAccessTokens()
	syncMailboxes(t, srv)
	if v := mailboxView(t, owner, id); v["status"] != "disconnected" || !strings.Contains(v["statusReason"].(string), "AADSTS700082") {
		t.Fatalf("after the grant expired: %v", v)
	}
}
