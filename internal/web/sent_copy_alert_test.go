package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// TestFailingSentCopiesAlert: a mailbox whose copies to Sent fail (as
// internal/connect records it) shows in the alert strip of owners and
// admins, not of members, and in GET /api/inboxes; a stored copy clears
// the alert and keeps when it last failed.
func TestFailingSentCopiesAlert(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Olga")
	member := joinWorkspace(t, srv, owner, "Mia", "member")
	id := owner.Must(201, "POST", "/api/inboxes/sandbox", map[string]string{"email": "sales@sender.test"}).Map(t)["id"].(string)
	scope := srv.Store.InWorkspace(owner.WorkspaceID)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if err := scope.SetSentCopyError(ctx, id, "1 of 3 copies to Sent not stored: NO mailbox is over quota", at); err != nil {
		t.Fatal(err)
	}
	const msg = "Copies to Sent fail for sales@sender.test: 1 of 3 copies to Sent not stored: NO mailbox is over quota"
	if body := string(get(t, owner.Client, "/", 200).Body); !strings.Contains(body, msg) || !strings.Contains(body, `"/mailboxes/`+id+`#sent-copy"`) {
		t.Error("the owner sees no alert for the failing copies")
	}
	if body := string(get(t, member, "/", 200).Body); strings.Contains(body, "Copies to Sent fail") {
		t.Error("a member sees the alert")
	}
	m := owner.Must(200, "GET", "/api/inboxes/"+id, nil).Map(t)
	if !strings.Contains(m["sentCopyError"].(string), "over quota") || m["sentCopyFailedAt"] != "2026-03-02T09:00:00Z" {
		t.Errorf("the API's mailbox: %v %v", m["sentCopyError"], m["sentCopyFailedAt"])
	}

	if err := scope.SetSentCopyError(ctx, id, "", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if body := string(get(t, owner.Client, "/", 200).Body); strings.Contains(body, "Copies to Sent fail") {
		t.Error("the alert stays once copies are stored again")
	}
	m = owner.Must(200, "GET", "/api/inboxes/"+id, nil).Map(t)
	if _, ok := m["sentCopyError"]; ok || m["sentCopyFailedAt"] != "2026-03-02T09:00:00Z" {
		t.Errorf("after a stored copy, the API's mailbox: %v %v", m["sentCopyError"], m["sentCopyFailedAt"])
	}
}
