package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/leadbitz/leadbitz/internal/app"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// The data directory holds the encryption key, the SQLite database and
// uploads: the app creates it 0700, tightens one that is open to others,
// and keeps secret.key 0600.
func TestDataDirIsPrivate(t *testing.T) {
	for name, prepare := range map[string]func(dir string) error{
		"new":      func(string) error { return nil },
		"existing": func(dir string) error { return os.Mkdir(dir, 0o755) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if err := prepare(dir); err != nil {
				t.Fatal(err)
			}
			vars := map[string]string{"DATABASE_URL": storetest.URL(t), "LEADBITZ_DATA_DIR": dir}
			cfg, err := config.FromEnv(func(k string) string { return vars[k] })
			if err != nil {
				t.Fatal(err)
			}
			a, err := app.New(context.Background(), cfg, env.New(nil, nil), app.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "secret.key"): 0o600} {
				info, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if got := info.Mode().Perm(); got != want {
					t.Errorf("%s mode %o, want %o", filepath.Base(path), got, want)
				}
			}
		})
	}
}
