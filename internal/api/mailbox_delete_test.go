package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/provider/microsoft/graphfake"
)

// TestMicrosoftTenantAndDeleteClosesTheConnection: MICROSOFT_TENANT picks the sign-in
// tenant, and deleting a mailbox closes its open provider client at once instead of at
// the next minute's clean-up.
func TestMicrosoftTenantAndDeleteClosesTheConnection(t *testing.T) {
	mf := graphfake.New(graphfake.Options{})
	t.Cleanup(mf.Close)
	srv := apptest.Start(t, map[string]string{"LEADBITZ_SCHEDULER": "off",
		"MICROSOFT_CLIENT_ID": "test-client", "MICROSOFT_CLIENT_SECRET": "test-secret", "MICROSOFT_TENANT": "contoso.test",
		"MICROSOFT_LOGIN_BASE_URL": mf.URL, "GRAPH_API_BASE_URL": mf.URL})
	mf.AddUser("sales@contoso.test")
	mf.SetConsentUser("sales@contoso.test")
	owner := srv.SignUp(t, "Owner")

	r := owner.Do("GET", "/api/oauth/microsoft/start", nil)
	if r.Status != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), mf.URL+"/contoso.test/oauth2/v2.0/authorize?") {
		t.Fatalf("start: %d, location %q", r.Status, r.Header.Get("Location"))
	}
	id := oauthConnect(t, owner, "microsoft", "").Get("connected")
	syncMailboxes(t, srv) // opens the mailbox's client through the registry
	if n := srv.Connect.OpenCount(); n != 1 {
		t.Fatalf("%d clients open after a sync, want 1", n)
	}
	owner.Must(http.StatusNoContent, "DELETE", "/api/inboxes/"+id, nil)
	if n := srv.Connect.OpenCount(); n != 0 {
		t.Fatalf("%d clients still open after the mailbox was deleted", n)
	}
}
