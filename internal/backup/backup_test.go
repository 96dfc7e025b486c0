package backup_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/backup"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}

// source is a running server with an account, a lead and a mailbox whose
// credentials are encrypted with the server's key.
type source struct {
	srv       *apptest.Server
	owner     *apptest.Account
	mailboxID string
	secret    string
}

func newSource(t *testing.T) source {
	t.Helper()
	srv := apptest.Start(t, nil)
	owner := srv.SignUp(t, "Owner")
	owner.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "anna@acme.example", "firstName": "Anna"})
	mailboxID := owner.Must(http.StatusCreated, "POST", "/api/inboxes/sandbox", map[string]string{"email": "sales@sender.test"}).Map(t)["id"].(string)
	secret := `{"password":"hunter2-` + apptest.Unique() + `"}`
	ct, err := srv.Keys.Encrypt([]byte(secret), store.CredentialsAD(mailboxID))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Store.InWorkspace(owner.WorkspaceID).SetMailboxCredentials(context.Background(), mailboxID, ct, "{}"); err != nil {
		t.Fatal(err)
	}
	return source{srv: srv, owner: owner, mailboxID: mailboxID, secret: secret}
}

func (s source) backup(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	m, err := backup.Create(context.Background(), backup.Source{Store: s.srv.Store, DataDir: s.srv.Config.DataDir,
		SecretKey: s.srv.Config.SecretKey, TempDir: t.TempDir()}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if m.Dialect != storetest.Dialect() || m.SchemaVersion == 0 || !m.KeyFile || len(m.KeyIDs) != 1 {
		t.Fatalf("manifest %+v", m)
	}
	if rows := tableRows(m, "users"); rows != 1 {
		t.Fatalf("manifest counts %d users, want 1", rows)
	}
	for _, tb := range m.Tables {
		if strings.HasPrefix(tb.Name, "river_") {
			t.Fatalf("manifest lists River's table %s", tb.Name)
		}
	}
	return buf.Bytes()
}

func tableRows(m backup.Manifest, name string) int64 {
	for _, t := range m.Tables {
		if t.Name == name {
			return t.Rows
		}
	}
	return -1
}

func TestRoundTrip(t *testing.T) {
	src := newSource(t)
	archive := src.backup(t)

	// A new machine: an empty database and an empty data directory.
	target := backup.Target{DatabaseURL: storetest.URL(t), DataDir: t.TempDir()}
	res, err := backup.Restore(context.Background(), bytes.NewReader(archive), target)
	if err != nil {
		t.Fatal(err)
	}
	if res.Credentials != 1 || res.KeyID != src.srv.Keys.CurrentKeyID() {
		t.Fatalf("restore checked %d credentials with key %s", res.Credentials, res.KeyID)
	}
	info, err := os.Stat(filepath.Join(target.DataDir, secrets.KeyFileName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("restored key file: %v %v", info, err)
	}

	restored := apptest.Start(t, map[string]string{"DATABASE_URL": target.DatabaseURL, "LEADBITZ_DATA_DIR": target.DataDir})
	// The session cookie from before the backup still signs in.
	c := restored.Client(t)
	c.Headers["Cookie"] = httpserver.SessionCookie + "=" + src.owner.Cookie(httpserver.SessionCookie)
	me := c.Must(http.StatusOK, "GET", "/api/me", nil).Map(t)
	if me["user"].(map[string]any)["id"] != src.owner.UserID {
		t.Fatalf("restored session is %v", me)
	}
	leads := c.Must(http.StatusOK, "GET", "/api/leads", nil).Map(t)["items"].([]any)
	if len(leads) != 1 || leads[0].(map[string]any)["email"] != "anna@acme.example" {
		t.Fatalf("restored leads %v", leads)
	}
	// The mailbox's credentials decrypt with the key the restored server loaded.
	ct, err := restored.Store.InWorkspace(src.owner.WorkspaceID).MailboxCredentials(context.Background(), src.mailboxID)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := restored.Keys.Decrypt(ct, store.CredentialsAD(src.mailboxID))
	if err != nil || string(plain) != src.secret {
		t.Fatalf("restored credentials: %q, %v", plain, err)
	}
	restored.Close()

	// Restoring again over a database with accounts needs --force.
	_, err = backup.Restore(context.Background(), bytes.NewReader(archive), target)
	if !errors.Is(err, backup.ErrNotEmpty) {
		t.Fatalf("restore over accounts: %v, want ErrNotEmpty", err)
	}
	target.Force = true
	if _, err := backup.Restore(context.Background(), bytes.NewReader(archive), target); err != nil {
		t.Fatalf("forced restore: %v", err)
	}
}

// A key that cannot open the backup's credentials stops the restore before
// it writes anything, and a different key file in the target is not
// overwritten without --force.
func TestRestoreRefusesWrongKeys(t *testing.T) {
	src := newSource(t)
	archive := src.backup(t)

	otherKey := secrets.GenerateKey()
	target := backup.Target{DatabaseURL: storetest.URL(t), DataDir: t.TempDir(), SecretKey: otherKey}
	_, err := backup.Restore(context.Background(), bytes.NewReader(archive), target)
	if err == nil || !strings.Contains(err.Error(), "lacks key id "+src.srv.Keys.CurrentKeyID()) {
		t.Fatalf("restore with another LEADBITZ_SECRET_KEY: %v", err)
	}
	if strings.Contains(err.Error(), otherKey) {
		t.Fatal("the error quotes the key")
	}

	target.SecretKey = ""
	keyPath := filepath.Join(target.DataDir, secrets.KeyFileName)
	if err := os.WriteFile(keyPath, []byte(otherKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = backup.Restore(context.Background(), bytes.NewReader(archive), target)
	if err == nil || !strings.Contains(err.Error(), "different key") {
		t.Fatalf("restore over another key file: %v", err)
	}
	target.Force = true
	if _, err := backup.Restore(context.Background(), bytes.NewReader(archive), target); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(keyPath + ".replaced-*")
	if len(old) != 1 {
		t.Fatalf("the replaced key file was not kept: %v", old)
	}
}

func TestRestoreRefusesOtherDialectAndDamage(t *testing.T) {
	src := newSource(t)
	archive := src.backup(t)
	other := "sqlite://" + filepath.Join(t.TempDir(), "x.db")
	if storetest.Dialect() == "sqlite" {
		other = "postgres://nobody@127.0.0.1:1/none"
	}
	_, err := backup.Restore(context.Background(), bytes.NewReader(archive), backup.Target{DatabaseURL: other, DataDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "the backup is of a "+storetest.Dialect()) {
		t.Fatalf("cross-dialect restore: %v", err)
	}
	_, err = backup.Restore(context.Background(), bytes.NewReader(archive[:len(archive)/2]), backup.Target{DatabaseURL: storetest.URL(t), DataDir: t.TempDir()})
	if err == nil {
		t.Fatal("a truncated backup restored")
	}
}
