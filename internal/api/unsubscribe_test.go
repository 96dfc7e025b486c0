package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/store"
)

// launchTo launches a one-step campaign to the leads and sends it.
func launchTo(t *testing.T, srv *apptest.Server, owner *apptest.Account, mailboxID, name string, leadIDs ...string) string {
	t.Helper()
	id := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": name, "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Hi", "body": "One"}, {"delayDays": 1, "body": "Two"}}})
	owner.Must(200, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": leadIDs})
	owner.Must(200, "POST", "/api/campaigns/"+id+"/launch", nil)
	if res := cronTick(t, srv); int(res["sent"].(float64)) != len(leadIDs) {
		t.Fatalf("launch tick: %v", res)
	}
	return id
}

// oneClick posts the link as a mail provider does (RFC 8058): no login,
// from its own origin.
func oneClick(t *testing.T, srv *apptest.Server, link *url.URL) apptest.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+link.Path, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://mail.google.com")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	return srv.Client(t).Send(req)
}

// An unsubscribe link keeps working whatever happened since the message
// was sent: its campaign deleted, its mailbox deleted, its lead erased
// (DELETE /api/leads/{id}, the API's only way to delete a lead). Its POST
// always suppresses the person, who then cannot be added, imported or
// enrolled again.
func TestUnsubscribeLinkOutlivesWhatItWasSentFor(t *testing.T) {
	deleteCampaign := func(t *testing.T, owner *apptest.Account, campaignID string) {
		owner.Must(200, "POST", "/api/campaigns/"+campaignID+"/pause", nil)
		owner.Must(204, "DELETE", "/api/campaigns/"+campaignID, nil)
	}
	for _, tc := range []struct {
		name   string
		remove func(t *testing.T, owner *apptest.Account, campaignID, leadID, mailboxID string)
		erased bool
	}{
		{name: "campaign deleted", remove: func(t *testing.T, owner *apptest.Account, campaignID, _, _ string) {
			deleteCampaign(t, owner, campaignID)
		}},
		{name: "mailbox and campaign deleted", remove: func(t *testing.T, owner *apptest.Account, campaignID, _, mailboxID string) {
			owner.Must(204, "DELETE", "/api/inboxes/"+mailboxID, nil)
			deleteCampaign(t, owner, campaignID)
		}},
		{name: "lead erased", erased: true, remove: func(t *testing.T, owner *apptest.Account, _, leadID, _ string) {
			owner.Must(204, "DELETE", "/api/leads/"+leadID, nil)
		}},
		{name: "lead erased, then its campaign deleted", erased: true, remove: func(t *testing.T, owner *apptest.Account, campaignID, leadID, _ string) {
			owner.Must(204, "DELETE", "/api/leads/"+leadID, nil)
			owner.Must(204, "DELETE", "/api/campaigns/"+campaignID, nil) // completed: its only lead stopped
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, owner, mailboxID := sendingServer(t)
			ann := createLead(t, owner, "ann@acme.test", "Ann")
			campaignID := launchTo(t, srv, owner, mailboxID, "First", ann)
			link := sentOptOutLink(t, owner, mailboxID, "ann@acme.test")
			tc.remove(t, owner, campaignID, ann, mailboxID)

			page := srv.Client(t).Must(200, "GET", link.Path, nil)
			if !strings.Contains(string(page.Body), `<form method="post">`) {
				t.Fatalf("unsubscribe page: %s", page.Body)
			}
			if r := oneClick(t, srv, link); r.Status != 200 || !strings.Contains(string(r.Body), "You are unsubscribed") {
				t.Fatalf("one-click POST: %d %s", r.Status, r.Body)
			}
			if r := oneClick(t, srv, link); r.Status != 200 {
				t.Fatalf("second one-click POST: %d %s", r.Status, r.Body)
			}

			sups := owner.Must(200, "GET", "/api/suppressions", nil).Map(t)["items"].([]any)
			kinds := map[string]string{}
			for _, s := range sups {
				s := s.(map[string]any)
				kinds[s["kind"].(string)+" "+s["reason"].(string)] = s["value"].(string)
			}
			if tc.erased {
				// Only the hash: no address, and no "erased:…" placeholder.
				if len(sups) != 1 || kinds["email_hash erasure"] != store.EmailHash("ann@acme.test") {
					t.Fatalf("suppressions after erasure and one-click: %v", sups)
				}
				if l, err := srv.Store.InWorkspace(owner.WorkspaceID).Lead(context.Background(), ann); err != nil || l.Status != store.LeadErased {
					t.Fatalf("the erased lead became %q (%v)", l.Status, err)
				}
			} else {
				if kinds["email unsubscribe"] != "ann@acme.test" {
					t.Fatalf("no unsubscribe suppression: %v", sups)
				}
				if l := owner.Must(200, "GET", "/api/leads/"+ann, nil).Map(t); l["status"] != "unsubscribed" {
					t.Fatalf("the lead is %v", l["status"])
				}
			}

			// Kept out everywhere: a new lead, an import, a new campaign.
			if r := owner.Do("POST", "/api/leads", map[string]string{"email": "Ann@Acme.test"}); r.Status != 409 {
				t.Fatalf("adding the address again: %d %s", r.Status, r.Body)
			}
			if st := importFile(t, owner, "again.csv", "email,first name\nann@acme.test,Ann\n", nil); st.Created != 0 {
				t.Fatalf("import of the address: %+v", st)
			}
			if !tc.erased {
				// The lead still exists, unsubscribed: no campaign takes it.
				bob := createLead(t, owner, "bob@acme.test", "Bob")
				c := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Second", "timezone": "UTC"}).Map(t)["id"].(string)
				added := owner.Must(200, "POST", "/api/campaigns/"+c+"/leads", map[string]any{"leadIds": []string{ann, bob}}).Map(t)
				if added["added"].(float64) != 1 {
					t.Fatalf("adding the unsubscribed lead to a campaign: %v", added)
				}
			}
		})
	}
}
