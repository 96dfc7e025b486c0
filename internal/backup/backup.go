// Package backup writes and reads Leadbitz backups: one tar.gz archive with
// a manifest, the key file and the database (`leadbitz backup FILE`,
// `leadbitz restore FILE`; docs/backup.md).
//
// The archive holds, in this order:
//
//	manifest.json        Manifest: versions, dialect, time, key ids, tables and row counts
//	keys/secret.key      the data directory's key file (absent when the keys come from LEADBITZ_SECRET_KEY)
//	database.sqlite      SQLite: an online copy of the database (VACUUM INTO)
//	tables/NNNN_name.copy Postgres: each table as COPY text, parents before children
//
// The order lets a restore stream the archive once, front to back.
package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/leadbitz/leadbitz/internal/buildinfo"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Format is the archive layout's version; a restore refuses others.
const Format = 1

const (
	manifestName = "manifest.json"
	keyName      = "keys/" + secrets.KeyFileName
	sqliteName   = "database.sqlite"
	tableDir     = "tables/"
	maxSmallFile = 1 << 20 // the manifest and the key file are read whole
)

// Manifest describes a backup.
type Manifest struct {
	Format        int       `json:"format"`
	Version       string    `json:"version"` // of the leadbitz that wrote it
	SchemaVersion int       `json:"schemaVersion"`
	Dialect       string    `json:"dialect"` // sqlite or postgres
	CreatedAt     time.Time `json:"createdAt"`
	// KeyIDs are the ids (not the keys) of the ring the server used, current
	// first; KeyFile says whether the archive holds the key file or the keys
	// came from LEADBITZ_SECRET_KEY and must be supplied again at restore.
	KeyIDs  []string          `json:"keyIds"`
	KeyFile bool              `json:"keyFile"`
	Tables  []store.DumpTable `json:"tables"`
}

// Rows is the total row count of the backup's tables.
func (m Manifest) Rows() int64 {
	var n int64
	for _, t := range m.Tables {
		n += t.Rows
	}
	return n
}

// Source is what a backup copies.
type Source struct {
	Store   *store.Store
	DataDir string // holds secret.key unless SecretKey is set
	// SecretKey is LEADBITZ_SECRET_KEY: when set, the keys are not in the
	// data directory and are not written to the archive.
	SecretKey string
	// TempDir holds the database copy while the archive is written (the
	// directory of the output file is a good choice: same disk).
	TempDir string
	Now     func() time.Time
}

// Create writes a backup of src to w and returns its manifest.
func Create(ctx context.Context, src Source, w io.Writer) (Manifest, error) {
	now := time.Now
	if src.Now != nil {
		now = src.Now
	}
	m := Manifest{Format: Format, Version: buildinfo.Get().String(), Dialect: src.Store.Dialect().String(), CreatedAt: now().UTC()}
	keyFile, ring, err := readKeys(src)
	if err != nil {
		return m, err
	}
	m.KeyIDs, m.KeyFile = ring.KeyIDs(), keyFile != nil

	tmp, err := os.MkdirTemp(src.TempDir, ".leadbitz-backup-")
	if err != nil {
		return m, err
	}
	defer os.RemoveAll(tmp)
	var files []archiveFile
	if src.Store.Dialect() == store.SQLite {
		path := filepath.Join(tmp, sqliteName)
		if m.SchemaVersion, m.Tables, err = src.Store.SQLiteSnapshot(ctx, path); err != nil {
			return m, err
		}
		files = append(files, archiveFile{name: sqliteName, path: path})
	} else {
		m.SchemaVersion, m.Tables, err = src.Store.PostgresDump(ctx, func(table string) (io.WriteCloser, error) {
			f := archiveFile{name: fmt.Sprintf("%s%04d_%s.copy", tableDir, len(files)+1, table), path: filepath.Join(tmp, table+".copy")}
			files = append(files, f)
			return os.OpenFile(f.path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		})
		if err != nil {
			return m, err
		}
	}

	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	if err := writeBytes(tw, manifestName, manifest, m.CreatedAt); err != nil {
		return m, err
	}
	if keyFile != nil {
		if err := writeBytes(tw, keyName, keyFile, m.CreatedAt); err != nil {
			return m, err
		}
	}
	for _, f := range files {
		if err := writeFile(tw, f, m.CreatedAt); err != nil {
			return m, err
		}
	}
	if err := tw.Close(); err != nil {
		return m, err
	}
	return m, gz.Close()
}

// readKeys returns the key file's bytes (nil when the keys come from the
// environment) and the ring they make.
func readKeys(src Source) ([]byte, *secrets.KeyRing, error) {
	if src.SecretKey != "" {
		ring, err := secrets.LoadKeyRing(src.SecretKey, "")
		return nil, ring, err
	}
	path := filepath.Join(src.DataDir, secrets.KeyFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("no key file at %s and LEADBITZ_SECRET_KEY is not set: is LEADBITZ_DATA_DIR the server's?", path)
	}
	if err != nil {
		return nil, nil, err
	}
	ring, err := keyFileRing(data)
	return data, ring, err
}

// keyFileRing parses a key file's content without naming any of it.
func keyFileRing(data []byte) (*secrets.KeyRing, error) {
	ring, err := secrets.LoadKeyRing(string(data), "")
	if err != nil {
		return nil, errors.New("the key file does not hold valid keys")
	}
	return ring, nil
}

type archiveFile struct{ name, path string }

func writeBytes(tw *tar.Writer, name string, data []byte, at time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(data)), ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}

func writeFile(tw *tar.Writer, f archiveFile, at time.Time) error {
	in, err := os.Open(f.path)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o600, Size: info.Size(), ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err = io.Copy(tw, in)
	return err
}

// ReadManifest reads the manifest at the front of an archive.
func ReadManifest(r io.Reader) (Manifest, error) {
	a, err := openArchive(r)
	if err != nil {
		return Manifest{}, err
	}
	return a.manifest()
}

// archive reads an archive front to back.
type archive struct {
	gz  *gzip.Reader
	tr  *tar.Reader
	hdr *tar.Header // the entry read but not yet taken, if any
}

func openArchive(r io.Reader) (*archive, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, errors.New("not a Leadbitz backup (not gzip)")
	}
	return &archive{gz: gz, tr: tar.NewReader(gz)}, nil
}

// peek returns the next entry's name ("" at the end) without taking it.
func (a *archive) peek() (string, error) {
	if a.hdr == nil {
		h, err := a.tr.Next()
		if errors.Is(err, io.EOF) {
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("read backup: %w", err)
		}
		a.hdr = h
	}
	return a.hdr.Name, nil
}

// take returns the next entry's reader.
func (a *archive) take() (string, io.Reader, error) {
	name, err := a.peek()
	if err != nil || name == "" {
		return "", nil, errors.Join(err, errors.New("the backup ends early"))
	}
	a.hdr = nil
	return name, a.tr, nil
}

func (a *archive) small(want string) ([]byte, error) {
	name, r, err := a.take()
	if err != nil {
		return nil, err
	}
	if name != want {
		return nil, fmt.Errorf("the backup holds %q where %q belongs", name, want)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxSmallFile+1))
	if err != nil {
		return nil, fmt.Errorf("read backup: %w", err)
	}
	if len(data) > maxSmallFile {
		return nil, fmt.Errorf("the backup's %s is too large", want)
	}
	return data, nil
}

func (a *archive) manifest() (Manifest, error) {
	var m Manifest
	data, err := a.small(manifestName)
	if err != nil {
		return m, fmt.Errorf("not a Leadbitz backup: %w", err)
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&m); err != nil {
		return m, fmt.Errorf("the backup's manifest is not valid: %w", err)
	}
	if m.Format != Format {
		return m, fmt.Errorf("backup format %d is not one this leadbitz reads (%d)", m.Format, Format)
	}
	return m, nil
}
