package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/leadbitz/leadbitz/internal/store"
)

// The SQLite database and its -wal and -shm files are readable by their
// owner only, whatever the umask; so is a directory created for them. A
// database file left 0644 by an older version is tightened at open.
func TestSQLiteFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "leadbitz.db")
	open := func() {
		t.Helper()
		st, err := store.Open(context.Background(), "sqlite://"+path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(context.Background()); err != nil { // writes: the WAL and its index exist
			t.Fatal(err)
		}
	}
	mode := func(p string) os.FileMode {
		t.Helper()
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return info.Mode().Perm()
	}
	open()
	if m := mode(dir); m != 0o700 {
		t.Errorf("database directory mode %o, want 700", m)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if m := mode(p); m != 0o600 {
			t.Errorf("%s mode %o, want 600", filepath.Base(p), m)
		}
	}

	loose := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(loose, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	path = loose
	open()
	if m := mode(loose); m != 0o600 {
		t.Errorf("an existing 0644 database file is %o after open, want 600", m)
	}
}
