package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/ops"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// GET /api/system reports the server and the caller's workspace's failing
// mailboxes only; the cron runs of the tick and the upkeep tasks show up in
// it.
func TestSystemReport(t *testing.T) {
	srv := apptest.Start(t, map[string]string{"CRON_SECRET": "cron-secret"})
	owner := srv.SignUp(t, "Owner")
	stranger := srv.SignUp(t, "Stranger")
	ctx := context.Background()
	failing := func(a *apptest.Account, email, status string) string {
		id := a.Must(http.StatusCreated, "POST", "/api/inboxes/sandbox", map[string]string{"email": email}).Map(t)["id"].(string)
		if err := srv.Store.InWorkspace(a.WorkspaceID).SetMailboxStatus(ctx, id, status, "invalid_grant: token revoked"); err != nil {
			t.Fatal(err)
		}
		return id
	}
	mine := failing(owner, "mine@sender.test", store.MailboxDisconnected)
	owner.Must(http.StatusCreated, "POST", "/api/inboxes/sandbox", map[string]string{"email": "fine@sender.test"})
	failing(stranger, "theirs@other.test", store.MailboxError)

	var rep ops.Report
	owner.Must(http.StatusOK, "GET", "/api/system", nil).JSON(t, &rep)
	if rep.Version == "" || rep.Schema.Current == 0 || rep.Schema.Current != rep.Schema.Latest ||
		rep.Database.Dialect != storetest.Dialect() || rep.Database.SizeBytes <= 0 || rep.DataDir.UsedBytes <= 0 {
		t.Fatalf("report %+v", rep)
	}
	if len(rep.FailingMailboxes) != 1 || rep.FailingMailboxes[0].ID != mine || rep.FailingMailboxes[0].Status != "disconnected" {
		t.Fatalf("failing mailboxes %+v, want only mine", rep.FailingMailboxes)
	}
	if rep.LastTick != nil || rep.LastSync != nil || len(rep.Tasks) != 0 {
		t.Fatalf("tasks ran before anything ran them: %+v", rep)
	}

	cron := srv.Client(t)
	if r := cron.Do("POST", "/api/cron/account-upkeep", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("upkeep without the cron secret: %d", r.Status)
	}
	cron.Headers["Authorization"] = "Bearer cron-secret"
	cron.Must(http.StatusOK, "POST", "/api/cron/tick", nil)
	for _, path := range []string{"/api/cron/bounce-guard", "/api/cron/account-upkeep"} {
		if got := cron.Must(http.StatusOK, "POST", path, nil).Map(t)["status"]; got != "done" {
			t.Fatalf("%s: %v", path, got)
		}
	}
	owner.Must(http.StatusOK, "GET", "/api/system", nil).JSON(t, &rep)
	if rep.LastTick == nil || rep.LastSync != nil {
		t.Fatalf("last tick %v, last sync %v after one cron tick", rep.LastTick, rep.LastSync)
	}
	ran := map[string]bool{}
	for _, task := range rep.Tasks {
		ran[task.Name] = task.OK && task.Runs == 1
	}
	for _, name := range []string{ops.TaskSendTick, ops.TaskBounceGuard, ops.TaskAccountUpkeep} {
		if !ran[name] {
			t.Errorf("task %s: %+v", name, rep.Tasks)
		}
	}
}

// GET /api/system shows server-wide facts: only to administrators of the
// instance, not to the owner of another workspace, until made one.
func TestSystemReportIsForInstanceAdmins(t *testing.T) {
	srv := apptest.Start(t, nil)
	first := srv.SignUp(t, "First")
	owner := srv.SignUp(t, "Owner")
	first.Must(http.StatusOK, "GET", "/api/system", nil)
	r := owner.Do("GET", "/api/system", nil)
	if r.Status != http.StatusForbidden || r.ErrorCode() != "forbidden" {
		t.Fatalf("an owner who is not an instance admin: %d %s", r.Status, r.Body)
	}
	if _, err := srv.Accounts.MakeAdmin(context.Background(), owner.Email); err != nil {
		t.Fatal(err)
	}
	owner.Must(http.StatusOK, "GET", "/api/system", nil)
}
