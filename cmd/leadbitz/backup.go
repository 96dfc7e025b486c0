package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/leadbitz/leadbitz/internal/backup"
	"github.com/leadbitz/leadbitz/internal/config"
	"github.com/leadbitz/leadbitz/internal/store"
)

// backupCmd is `leadbitz backup FILE`: one archive with the database, the
// key file and a manifest (internal/backup, docs/backup.md). It runs while
// the server serves.
func backupCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: leadbitz backup FILE (a .tar.gz archive)")
	}
	path := fs.Arg(0)
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	// The archive holds the key: it is created readable by its owner only,
	// and appears under its name only once complete.
	tmp := path + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	m, err := backup.Create(ctx, backup.Source{Store: st, DataDir: cfg.DataDir, SecretKey: cfg.SecretKey,
		TempDir: filepath.Dir(path)}, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s database (schema %d): %d tables, %d rows, to %s\n",
		m.Dialect, m.SchemaVersion, len(m.Tables), m.Rows(), path)
	if !m.KeyFile {
		fmt.Fprintf(stdout, "the keys come from LEADBITZ_SECRET_KEY and are NOT in the archive: keep them (key ids %v) with it\n", m.KeyIDs)
	}
	return nil
}

// restoreCmd is `leadbitz restore [--force] FILE`, with the server stopped.
func restoreCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	force := fs.Bool("force", false, "replace a database that has accounts, and a different key file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: leadbitz restore [--force] FILE")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := backup.Restore(ctx, f, backup.Target{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir,
		SecretKey: cfg.SecretKey, Force: *force})
	if err != nil {
		return err
	}
	m := res.Manifest
	fmt.Fprintf(stdout, "restored the backup of %s (leadbitz %s, schema %d): %d tables, %d rows\n",
		m.CreatedAt.Format("2006-01-02 15:04:05 UTC"), m.Version, m.SchemaVersion, len(m.Tables), m.Rows())
	if res.Credentials == 0 {
		fmt.Fprintf(stdout, "key %s installed; no mailbox credentials are stored yet to check it on; done\n", res.KeyID)
	} else {
		fmt.Fprintf(stdout, "key %s decrypts all %d stored mailbox credentials; done\n", res.KeyID, res.Credentials)
	}
	return nil
}
