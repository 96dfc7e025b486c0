package api_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// A campaign cannot launch until the workspace has a sender postal address
// (409 launch_blocked, check postal_address_missing); once it has one, every
// message shows it with an opt-out line holding the lead's own link, on
// this plain-http test server too (where List-Unsubscribe offers only
// mailto).
func TestLaunchNeedsAPostalAddressAndMailCarriesTheOptOut(t *testing.T) {
	srv := apptest.Start(t, map[string]string{"CRON_SECRET": "cron-secret", "LEADBITZ_SCHEDULER": "off"})
	owner := srv.SignUp(t, "Owner")
	mailboxID := owner.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "sales@sender.test"}).Map(t)["id"].(string)
	owner.Must(200, "PATCH", "/api/inboxes/"+mailboxID, map[string]any{"dailyCap": 10, "rampStart": 0, "minGapSeconds": 0})
	ann := createLead(t, owner, "ann@acme.test", "Ann")
	id := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "P", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+id+"/sequence", map[string]any{"steps": []map[string]any{{"subject": "Hi", "body": "One"}}})
	owner.Must(200, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{ann}})

	r := owner.Do("POST", "/api/campaigns/"+id+"/launch", nil)
	if r.Status != 409 || r.ErrorCode() != "launch_blocked" || !strings.Contains(string(r.Body), `"code":"postal_address_missing"`) {
		t.Fatalf("launch without a postal address: %d %s", r.Status, r.Body)
	}
	// Blank lines are no address.
	owner.Must(200, "PATCH", "/api/workspaces/"+owner.WorkspaceID, map[string]string{"postalAddress": " \r\n "})
	if r := owner.Do("POST", "/api/campaigns/"+id+"/launch", nil); r.Status != 409 {
		t.Fatalf("launch with a blank postal address: %d %s", r.Status, r.Body)
	}

	// postalAddress is another name of footerAddress: both are shown, and
	// giving the two different values is refused.
	if r := owner.Do("PATCH", "/api/workspaces/"+owner.WorkspaceID, map[string]string{"postalAddress": "A", "footerAddress": "B"}); r.Status != 422 ||
		!strings.Contains(string(r.Body), `"postalAddress"`) {
		t.Fatalf("two different addresses: %d %s", r.Status, r.Body)
	}
	if r := owner.Do("PATCH", "/api/workspaces/"+owner.WorkspaceID, map[string]string{"postalAddress": strings.Repeat("x", 301)}); r.Status != 422 ||
		!strings.Contains(string(r.Body), `"postalAddress"`) {
		t.Fatalf("a long address: %d %s", r.Status, r.Body)
	}
	ws := owner.Must(200, "PATCH", "/api/workspaces/"+owner.WorkspaceID, map[string]string{"postalAddress": " " + apptest.TestPostalAddress + " "}).Map(t)
	if ws["postalAddress"] != apptest.TestPostalAddress || ws["footerAddress"] != apptest.TestPostalAddress {
		t.Fatalf("PATCH answer: %v", ws)
	}
	me := owner.Must(200, "GET", "/api/me", nil).Map(t)["workspace"].(map[string]any)
	if me["postalAddress"] != apptest.TestPostalAddress {
		t.Fatalf("GET /api/me workspace: %v", me)
	}

	owner.Must(200, "POST", "/api/campaigns/"+id+"/launch", nil)
	if res := cronTick(t, srv); res["sent"].(float64) != 1 {
		t.Fatalf("tick: %v", res)
	}
	// No footer text and no signature: the footer still has the address
	// and the opt-out line, whose link is this lead's.
	link := sentOptOutLink(t, owner, mailboxID, "ann@acme.test")
	if !strings.HasPrefix(srv.URL, "http://") || link.String() != srv.URL+link.Path {
		t.Fatalf("opt-out link %s on server %s", link, srv.URL)
	}
	x := owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+ann+"/explain", nil).Map(t)
	if want := srv.Sending.Unsubscribe.URL(x["campaignLeadId"].(string)); link.String() != want {
		t.Fatalf("opt-out link %s, want the lead's %s", link, want)
	}
}

var optOutLine = regexp.MustCompile(`(?m)^Unsubscribe: (\S+)$`)

// sentOptOutLink is the unsubscribe link in the footer of the newest message
// the sandbox mailbox sent to addr, which must also show the postal address.
func sentOptOutLink(t *testing.T, owner *apptest.Account, mailboxID, addr string) *url.URL {
	t.Helper()
	for _, m := range owner.Must(200, "GET", "/api/inboxes/"+mailboxID+"/sandbox/messages", nil).Map(t)["items"].([]any) {
		m := m.(map[string]any)
		if m["to"] != addr {
			continue
		}
		body := m["body"].(string)
		if !strings.Contains(body, apptest.TestPostalAddress) {
			t.Fatalf("the message to %s has no postal address:\n%s", addr, body)
		}
		found := optOutLine.FindStringSubmatch(body)
		if found == nil {
			t.Fatalf("the message to %s has no opt-out line:\n%s", addr, body)
		}
		u, err := url.Parse(found[1])
		if err != nil || !strings.HasPrefix(u.Path, "/u/") {
			t.Fatalf("opt-out link %q: %v", found[1], err)
		}
		return u
	}
	t.Fatalf("no message was sent to %s", addr)
	return nil
}
