package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/leadbitz/leadbitz/internal/leadimport"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// A CSV import in the browser takes two requests: the upload, then the
// mapping (which column is which field) the user checks against a preview.
// The web app keeps the file in between as a staged upload: a file in
// <data dir>/web-uploads/<workspace id>/<token>.csv, named by a random
// token, so one workspace can never open another's. When the user starts the
// import the staged file is handed to the importer (leadimport.Receive and
// Submit, as the API does with its single request). The wizard keeps its
// staged copy until the import ends and reads it once more, to add every
// lead of the file to the campaign. Staged files older than a day are
// removed at the next upload of the workspace.
//
// Like the importer's own directory, staged files live on the replica that
// received them; a deployment with several replicas needs the data
// directory shared or sticky sessions for imports (docs/architecture.md).

// stagedTTL is how long an abandoned staged upload is kept.
const stagedTTL = 24 * time.Hour

var stagedToken = regexp.MustCompile(`^[0-9a-f]{32}$`)

func (w *Web) stagedDir(ws string) string {
	return filepath.Join(w.Config.DataDir, "web-uploads", ws)
}

// stagedPath is where a token's file is; ErrNotFound for a token that is
// not one we make, so a crafted one cannot leave the directory.
func (w *Web) stagedPath(ws, token string) (string, error) {
	if !stagedToken.MatchString(token) {
		return "", store.ErrNotFound
	}
	return filepath.Join(w.stagedDir(ws), token+".csv"), nil
}

// openStaged opens a staged upload; ErrNotFound when it is gone.
func (w *Web) openStaged(ws, token string) (*os.File, error) {
	p, err := w.stagedPath(ws, token)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, store.ErrNotFound
	}
	return f, err
}

func (w *Web) removeStaged(ws, token string) {
	if p, err := w.stagedPath(ws, token); err == nil {
		_ = os.Remove(p)
	}
}

// stageUpload reads a multipart upload (a part "file", and small fields
// before it) into a staged file. It returns the token and the file's name
// as the browser sent it.
func (w *Web) stageUpload(r *http.Request, ws string) (token, name string, err error) {
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
		token, err := w.writeStaged(ws, part)
		if err != nil {
			return "", "", uploadErr(err, w.Config.ImportMaxBytes)
		}
		return token, filepath.Base(filepath.ToSlash(part.FileName())), nil
	}
}

var errFileTooLarge = errors.New("file too large")

func (w *Web) writeStaged(ws string, r io.Reader) (string, error) {
	dir := w.stagedDir(ws)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	sweepStaged(dir, time.Now())
	var rnd [16]byte
	_, _ = rand.Read(rnd[:])
	token := hex.EncodeToString(rnd[:])
	path := filepath.Join(dir, token+".csv")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	limit := w.Config.ImportMaxBytes
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
	if err != nil {
		_ = os.Remove(path)
		return "", err
	}
	return token, nil
}

// sweepStaged removes staged uploads older than stagedTTL.
func sweepStaged(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > stagedTTL {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// uploadErr says what went wrong with an upload in words.
func uploadErr(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, errFileTooLarge), errors.As(err, &tooBig), errors.Is(err, leadimport.ErrTooLarge):
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
