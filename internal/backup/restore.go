package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Target is where a backup is restored: the settings of the server that
// will run on it. The server must be stopped.
type Target struct {
	DatabaseURL string
	DataDir     string
	SecretKey   string // LEADBITZ_SECRET_KEY; when set, the archive's key file is not installed
	// Force replaces a database that has accounts, and a different key
	// file (kept beside it as secret.key.replaced-<unix time>).
	Force bool
	Now   func() time.Time
}

// Result is what a restore did.
type Result struct {
	Manifest Manifest
	// Credentials is how many stored mailbox credentials the key decrypted
	// (all of them, or the restore fails).
	Credentials int
	KeyID       string // the current key's id
}

// ErrNotEmpty is returned when the target database has accounts and Force
// is not set.
var ErrNotEmpty = errors.New("the database already has accounts; a restore replaces everything in it: add --force to do so")

// Restore reads the archive from r into t, migrates the restored schema to
// this binary's, and proves the key decrypts every stored mailbox
// credential before it returns.
func Restore(ctx context.Context, r io.Reader, t Target) (Result, error) {
	var res Result
	a, err := openArchive(r)
	if err != nil {
		return res, err
	}
	m, err := a.manifest()
	if err != nil {
		return res, err
	}
	res.Manifest = m
	sqlitePath, isSQLite := store.SQLitePath(t.DatabaseURL)
	if dialect := map[bool]string{true: "sqlite", false: "postgres"}[isSQLite]; dialect != m.Dialect {
		return res, fmt.Errorf("the backup is of a %s database and DATABASE_URL names a %s one", m.Dialect, dialect)
	}
	var keyFile []byte
	if m.KeyFile {
		if keyFile, err = a.small(keyName); err != nil {
			return res, err
		}
	}
	ring, installKey, err := t.keys(m, keyFile)
	if err != nil {
		return res, err
	}
	res.KeyID = ring.CurrentKeyID()
	if err := t.checkEmpty(ctx, sqlitePath, isSQLite); err != nil {
		return res, err
	}

	if isSQLite {
		err = restoreSQLite(ctx, a, m, sqlitePath)
	} else {
		err = restorePostgres(ctx, a, m, t.DatabaseURL)
	}
	if err != nil {
		return res, err
	}
	if installKey {
		if err := t.installKeyFile(keyFile); err != nil {
			return res, err
		}
	}
	res.Credentials, err = verify(ctx, t, ring)
	return res, err
}

// keys returns the ring the restored server will use and whether the
// archive's key file is to be installed; it refuses, before anything is
// written, a setup whose keys cannot open the backup's secrets.
func (t Target) keys(m Manifest, keyFile []byte) (*secrets.KeyRing, bool, error) {
	var ring *secrets.KeyRing
	var err error
	switch {
	case t.SecretKey != "":
		if ring, err = secrets.LoadKeyRing(t.SecretKey, ""); err != nil {
			return nil, false, err
		}
	case keyFile == nil:
		return nil, false, fmt.Errorf("the backed-up server took its keys from LEADBITZ_SECRET_KEY (key ids %s), so the backup holds none: set LEADBITZ_SECRET_KEY to those keys and run restore again",
			strings.Join(m.KeyIDs, ", "))
	default:
		if ring, err = keyFileRing(keyFile); err != nil {
			return nil, false, err
		}
	}
	have := map[string]bool{}
	for _, id := range ring.KeyIDs() {
		have[id] = true
	}
	for _, id := range m.KeyIDs {
		if !have[id] {
			return nil, false, fmt.Errorf("LEADBITZ_SECRET_KEY lacks key id %s, which the backup's secrets may be encrypted with (it has %s)",
				id, strings.Join(ring.KeyIDs(), ", "))
		}
	}
	if t.SecretKey != "" {
		return ring, false, nil
	}
	existing, err := os.ReadFile(filepath.Join(t.DataDir, secrets.KeyFileName))
	if err == nil && !bytes.Equal(existing, keyFile) && !t.Force {
		return nil, false, fmt.Errorf("%s already holds a different key; add --force to replace it (the old file is kept beside it)",
			filepath.Join(t.DataDir, secrets.KeyFileName))
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	return ring, !bytes.Equal(existing, keyFile), nil
}

func (t Target) checkEmpty(ctx context.Context, sqlitePath string, isSQLite bool) error {
	if t.Force {
		return nil
	}
	if isSQLite {
		if info, err := os.Stat(sqlitePath); errors.Is(err, fs.ErrNotExist) || (err == nil && info.Size() == 0) {
			return nil
		}
	}
	st, err := store.Open(ctx, t.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	has, err := st.HasAccounts(ctx)
	if err != nil {
		return err
	}
	if has {
		return ErrNotEmpty
	}
	return nil
}

func restoreSQLite(ctx context.Context, a *archive, m Manifest, path string) error {
	name, r, err := a.take()
	if err != nil {
		return err
	}
	if name != sqliteName {
		return fmt.Errorf("the backup holds %q where %q belongs", name, sqliteName)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".restoring"
	if err := writeNew(tmp, r); err != nil {
		return err
	}
	defer os.Remove(tmp) // gone once renamed
	version, tables, err := store.CheckSQLiteFile(ctx, tmp)
	if err != nil {
		return err
	}
	if version != m.SchemaVersion || !sameCounts(tables, m.Tables) {
		return errors.New("the database in the backup does not match its manifest")
	}
	// The old database's journal files belong to it, not to the restored one.
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return migrate(ctx, "sqlite://"+path)
}

func writeNew(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func sameCounts(got, want []store.DumpTable) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i].Name != want[i].Name || got[i].Rows != want[i].Rows {
			return false
		}
	}
	return true
}

func restorePostgres(ctx context.Context, a *archive, m Manifest, url string) error {
	st, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	i := 0
	err = st.PostgresRestore(ctx, m.SchemaVersion, m.Tables, func() (string, io.Reader, error) {
		name, r, err := a.take()
		if err != nil {
			return "", nil, err
		}
		i++
		want := fmt.Sprintf("%s%04d_", tableDir, i)
		table, ok := strings.CutPrefix(name, want)
		if !ok || !strings.HasSuffix(table, ".copy") {
			return "", nil, fmt.Errorf("the backup holds %q where table %d belongs", name, i)
		}
		return strings.TrimSuffix(table, ".copy"), r, nil
	})
	if err != nil {
		return err
	}
	return migrate(ctx, url)
}

// migrate brings a restored database to this binary's schema.
func migrate(ctx context.Context, url string) error {
	st, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate the restored database: %w", err)
	}
	return st.CheckSchema(ctx)
}

func (t Target) installKeyFile(data []byte) error {
	if err := os.MkdirAll(t.DataDir, 0o700); err != nil {
		return err
	}
	path := filepath.Join(t.DataDir, secrets.KeyFileName)
	if _, err := os.Stat(path); err == nil {
		now := time.Now
		if t.Now != nil {
			now = t.Now
		}
		if err := os.Rename(path, path+".replaced-"+strconv.FormatInt(now().Unix(), 10)); err != nil {
			return err
		}
	}
	tmp := path + ".restoring"
	if err := writeNew(tmp, bytes.NewReader(data)); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// verify loads the keys as the server will and decrypts every stored
// mailbox credential with them.
func verify(ctx context.Context, t Target, want *secrets.KeyRing) (int, error) {
	ring, err := secrets.LoadKeyRing(t.SecretKey, t.DataDir)
	if err != nil {
		return 0, err
	}
	if ring.CurrentKeyID() != want.CurrentKeyID() {
		return 0, fmt.Errorf("the server would load key %s, not the backup's %s", ring.CurrentKeyID(), want.CurrentKeyID())
	}
	st, err := store.Open(ctx, t.DatabaseURL)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	creds, err := st.EncryptedCredentials(ctx)
	if err != nil {
		return 0, err
	}
	for _, c := range creds {
		plain, err := ring.Decrypt(c.Ciphertext, store.CredentialsAD(c.MailboxID))
		if err != nil {
			return 0, fmt.Errorf("restored, but the key does not decrypt the credentials of mailbox %s: %w", c.MailboxID, err)
		}
		clear(plain)
	}
	return len(creds), nil
}
