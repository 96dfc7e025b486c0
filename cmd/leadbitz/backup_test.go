package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// docs/backup.md's procedure through the command line: `leadbitz backup`
// beside a server, the data directory (with the key and, on SQLite, the
// database) and the database wiped, `leadbitz restore`, and the server
// started again serves the same accounts, sessions, leads and mailbox
// credentials.
func TestBackupWipeRestoreThroughTheCommandLine(t *testing.T) {
	ctx := context.Background()
	dataDir := filepath.Join(t.TempDir(), "data")
	settings := map[string]string{"LEADBITZ_DATA_DIR": dataDir, "DATABASE_URL": storetest.URL(t)}
	if storetest.Dialect() == "sqlite" {
		settings["DATABASE_URL"] = "sqlite://" + filepath.Join(dataDir, "leadbitz.db")
	}
	getenv := func(k string) string { return settings[k] }
	cli := func(args ...string) string {
		t.Helper()
		var out, errs bytes.Buffer
		if err := run(ctx, args, getenv, &out, &errs); err != nil {
			t.Fatalf("leadbitz %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errs.String())
		}
		return out.String()
	}

	srv := apptest.Start(t, settings)
	owner := srv.SignUp(t, "Owner")
	owner.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "anna@acme.example"})
	mailboxID := owner.Must(http.StatusCreated, "POST", "/api/inboxes/sandbox", map[string]string{"email": "sales@sender.test"}).Map(t)["id"].(string)
	secret := `{"password":"hunter2"}`
	ct, err := srv.Keys.Encrypt([]byte(secret), store.CredentialsAD(mailboxID))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.InWorkspace(owner.WorkspaceID).SetMailboxCredentials(ctx, mailboxID, ct, "{}"); err != nil {
		t.Fatal(err)
	}
	cookie := owner.Cookie(httpserver.SessionCookie)

	// While the server runs, as the docs say.
	archive := filepath.Join(t.TempDir(), "leadbitz.tar.gz")
	cli("backup", archive)
	srv.Close()

	// The machine is lost: the data directory (key, SQLite file) and the
	// database are gone.
	if err := os.RemoveAll(dataDir); err != nil {
		t.Fatal(err)
	}
	if storetest.Dialect() != "sqlite" {
		settings["DATABASE_URL"] = storetest.EmptyURL(t)
	}
	if out := cli("restore", archive); !strings.Contains(out, "decrypts all 1 stored mailbox credentials; done") {
		t.Fatalf("restore said:\n%s", out)
	}

	restored := apptest.Start(t, settings)
	c := restored.Client(t)
	c.Headers["Cookie"] = httpserver.SessionCookie + "=" + cookie
	if me := c.Must(http.StatusOK, "GET", "/api/me", nil).Map(t); me["user"].(map[string]any)["id"] != owner.UserID {
		t.Fatalf("the session after restore is %v", me)
	}
	leads := c.Must(http.StatusOK, "GET", "/api/leads", nil).Map(t)["items"].([]any)
	if len(leads) != 1 || leads[0].(map[string]any)["email"] != "anna@acme.example" {
		t.Fatalf("leads after restore: %v", leads)
	}
	ct, err = restored.Store.InWorkspace(owner.WorkspaceID).MailboxCredentials(ctx, mailboxID)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := restored.Keys.Decrypt(ct, store.CredentialsAD(mailboxID)); err != nil || string(plain) != secret {
		t.Fatalf("credentials after restore: %q %v", plain, err)
	}
}
