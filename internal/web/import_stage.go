package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/lead/importer"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// A CSV import in the browser takes two requests: the upload, then the
// mapping (which column is which field) the user checks against a preview.
// The web app keeps the file in between as a staged upload, named by a
// random token, so one workspace can never open another's:
//
//   - <data dir>/web-uploads/<workspace>/<user>/<token>.csv while it waits
//     for its mapping. Each person has one: a new upload replaces the old.
//   - <data dir>/web-uploads/<workspace>/<token>.csv once the wizard has
//     started its import: the wizard keeps this copy until the import ends
//     and reads it once more, to add every lead of the file to the campaign.
//
// When the user starts the import the staged file is handed to the importer
// (importer.Receive and Submit, as the API does with its single request).
// Staged files count against the disk budget (importer.Budget): per
// workspace, and with the importer's files in total. SweepStaged, run every
// minute by internal/app, removes a waiting upload an hour
// (importer.StagedTTL) after it arrived, and a wizard's copy an hour after
// its import ended (or, without a wizard, an hour after it was kept).
//
// Like the importer's own directory, staged files live on the replica that
// received them; a deployment with several replicas needs the data
// directory shared or sticky sessions for imports (docs/architecture.md).

var stagedToken = regexp.MustCompile(`^[0-9a-f]{32}$`)

// StagedRoot is the directory of the web app's staged uploads.
func StagedRoot(dataDir string) string { return filepath.Join(dataDir, "web-uploads") }

func (w *Web) stagedDir(ws string) string { return filepath.Join(StagedRoot(w.Config.DataDir), ws) }

// pendingDir holds a user's upload waiting for its mapping.
func (w *Web) pendingDir(p account.Principal) string {
	return filepath.Join(w.stagedDir(p.WorkspaceID), p.User.ID)
}

// stagedPaths are where a token's file may be: the user's waiting upload,
// then the workspace's kept copies. ErrNotFound for a token that is not one
// we make, so a crafted one cannot leave the directory.
func (w *Web) stagedPaths(p account.Principal, token string) (pending, kept string, err error) {
	if !stagedToken.MatchString(token) {
		return "", "", store.ErrNotFound
	}
	return filepath.Join(w.pendingDir(p), token+".csv"), filepath.Join(w.stagedDir(p.WorkspaceID), token+".csv"), nil
}

// openStaged opens a staged upload; ErrNotFound when it is gone.
func (w *Web) openStaged(p account.Principal, token string) (*os.File, error) {
	pending, kept, err := w.stagedPaths(p, token)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(pending)
	if errors.Is(err, os.ErrNotExist) {
		f, err = os.Open(kept)
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil, store.ErrNotFound
	}
	return f, err
}

// keepStaged moves a user's upload to the workspace's kept copies (the
// wizard's import has started), its hour counted from now.
func (w *Web) keepStaged(p account.Principal, token string) error {
	pending, kept, err := w.stagedPaths(p, token)
	if err != nil {
		return err
	}
	if err := os.Rename(pending, kept); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	now := w.Env.Now()
	return os.Chtimes(kept, now, now)
}

// removeStaged removes a staged upload, waiting or kept.
func (w *Web) removeStaged(p account.Principal, token string) {
	if pending, kept, err := w.stagedPaths(p, token); err == nil {
		_ = os.Remove(pending)
		_ = os.Remove(kept)
	}
}

// stageUpload reads a multipart upload (a part "file", and small fields
// before it) into a staged file. It returns the token and the file's name
// as the browser sent it.
func (w *Web) stageUpload(r *http.Request, p account.Principal) (token, name string, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", problem.Fields{"file": "is missing: choose a CSV file"}.Err()
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", "", problem.Fields{"file": "is missing: choose a CSV file"}.Err()
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return "", "", uploadErr(err, w.Config.ImportMaxBytes)
			}
			return "", "", problem.Fields{"file": "could not be read: upload it again"}.Err()
		}
		if part.FormName() != "file" {
			continue
		}
		if part.FileName() == "" {
			return "", "", problem.Fields{"file": "is missing: choose a CSV file"}.Err()
		}
		token, err := w.writeStaged(p, part, r.ContentLength)
		if err != nil {
			return "", "", uploadErr(err, w.Config.ImportMaxBytes)
		}
		return token, filepath.Base(filepath.ToSlash(part.FileName())), nil
	}
}

var errFileTooLarge = errors.New("file too large")

// writeStaged replaces the user's waiting upload with r. Room for the file
// (no more than the request's length) is reserved in the disk budget while
// it is written as a .part file.
func (w *Web) writeStaged(p account.Principal, r io.Reader, requestLength int64) (string, error) {
	dir := w.pendingDir(p)
	// One waiting upload per person: the new one replaces the old, whose
	// room is free before the budget is checked.
	_ = os.RemoveAll(dir)
	limit := w.Config.ImportMaxBytes
	if requestLength > 0 {
		limit = min(limit, requestLength)
	}
	release, err := w.Imports.Budget().Reserve(w.stagedDir(p.WorkspaceID), limit)
	if err != nil {
		return "", err
	}
	defer release()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	var rnd [16]byte
	_, _ = rand.Read(rnd[:])
	token := hex.EncodeToString(rnd[:])
	path := filepath.Join(dir, token+".csv")
	f, err := os.OpenFile(path+".part", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > limit {
		err = errFileTooLarge
	}
	if err == nil && n == 0 {
		err = problem.Fields{"file": "is empty"}.Err()
	}
	if err == nil {
		err = os.Rename(path+".part", path)
	}
	if err != nil {
		_ = os.Remove(path + ".part")
		return "", err
	}
	return token, nil
}

// SweepStaged removes the staged uploads whose time is up at now: waiting
// uploads (and leftovers of interrupted writes) older than
// importer.StagedTTL; a wizard's copy once its import has ended that long
// ago, never while the import runs.
func (w *Web) SweepStaged(ctx context.Context, now time.Time) error {
	cutoff := now.Add(-importer.StagedTTL)
	root := StagedRoot(w.Config.DataDir)
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		inUse, err := w.Store.InWorkspace(e.Name()).WizardUploadsInUse(ctx, cutoff)
		if err != nil {
			return err
		}
		importer.RemoveOlder(filepath.Join(root, e.Name()), cutoff, func(path string) bool {
			return inUse[strings.TrimSuffix(filepath.Base(path), ".csv")]
		})
	}
	return nil
}

// uploadErr says what went wrong with an upload in words.
func uploadErr(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, errFileTooLarge), errors.As(err, &tooBig), errors.Is(err, importer.ErrTooLarge):
		return problem.Fields{"file": fmt.Sprintf("is larger than the import limit of %s", sizeText(limit))}.Err()
	}
	if _, ok := problem.As(err); ok {
		return err
	}
	return fmt.Errorf("stage upload: %w", err)
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", max(n>>10, 1))
}

// uploadMaxBody lets a file of the import limit through with room for the
// multipart envelope.
func (w *Web) uploadMaxBody() int64 { return w.Config.ImportMaxBytes + 1<<20 }
