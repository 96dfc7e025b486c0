package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/store"
)

// The System page shows the workspace's failing mailboxes, not another
// workspace's, and the server's facts.
func TestSystemPage(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	other := srv.SignUp(t, "Otto")
	for _, a := range []*apptest.Account{owner, other} {
		email := strings.ToLower(a.Email[:4]) + "@sender.test"
		id := a.Must(http.StatusCreated, "POST", "/api/inboxes/sandbox", map[string]string{"email": email}).Map(t)["id"].(string)
		if err := srv.Store.InWorkspace(a.WorkspaceID).SetMailboxStatus(context.Background(), id, store.MailboxDisconnected, "token revoked"); err != nil {
			t.Fatal(err)
		}
	}
	body := string(get(t, owner.Client, "/settings/system", http.StatusOK).Body)
	for _, want := range []string{"olga@sender.test", "Needs reconnecting", "Last send tick", "leadbitz backup FILE"} {
		if !strings.Contains(body, want) {
			t.Errorf("system page lacks %q", want)
		}
	}
	if strings.Contains(body, "otto@sender.test") {
		t.Error("system page shows another workspace's mailbox")
	}
}

// The System page and its tab are for administrators of the instance: the
// owner of another workspace gets 403 and no tab.
func TestSystemPageIsForInstanceAdmins(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	first := srv.SignUp(t, "Olga")
	owner := srv.SignUp(t, "Otto")
	if body := string(get(t, first.Client, "/settings/api-keys", http.StatusOK).Body); !strings.Contains(body, `href="/settings/system"`) {
		t.Error("the instance admin has no System tab")
	}
	if body := string(get(t, owner.Client, "/settings/api-keys", http.StatusOK).Body); strings.Contains(body, `href="/settings/system"`) {
		t.Error("a workspace owner who is not an instance admin has the System tab")
	}
	get(t, owner.Client, "/settings/system", http.StatusForbidden)
}
