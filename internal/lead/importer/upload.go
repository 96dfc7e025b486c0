package importer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/lead/csv"
	"github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// ErrTooLarge is returned by Receive for a file over the size limit.
var ErrTooLarge = errors.New("the file is larger than the import limit")

// Upload is a received file waiting to be submitted. Discard it when the
// request fails before Submit.
type Upload struct {
	path    string
	Size    int64
	release func() // its room in the budget
}

// Discard removes the file (after a successful Submit it is already gone)
// and gives its room in the budget back.
func (u *Upload) Discard() {
	if u == nil {
		return
	}
	if u.path != "" {
		_ = os.Remove(u.path)
	}
	if u.release != nil {
		u.release()
	}
}

// Receive streams r to a file in the import directory, refusing more than
// limit bytes. Memory use does not depend on the file's size. The file
// counts against the disk budget (Config.Budget) from now until its import
// ends: room for limit bytes is reserved first, so pass the smallest limit
// known (the request's length).
func (im *Importer) Receive(r io.Reader, limit int64) (*Upload, error) {
	release, err := im.cfg.Budget.Reserve("", limit)
	if err != nil {
		return nil, err
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	u := &Upload{path: filepath.Join(im.cfg.Dir, receivingPrefix+hex.EncodeToString(rnd[:])+partSuffix), release: release}
	f, err := os.OpenFile(u.path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		release()
		return nil, fmt.Errorf("store upload: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	u.Size = n
	if err == nil && n > limit {
		err = ErrTooLarge
	}
	if err != nil {
		u.Discard()
		return nil, err
	}
	return u, nil
}

// receivingPrefix names a received file until Submit gives it its import's id.
const receivingPrefix = "upload-"

// SweepUploads removes received files never submitted (a crash between
// Receive and Submit) once older than StagedTTL. Files of imports are
// removed when their import ends.
func (im *Importer) SweepUploads(now time.Time) int {
	return RemoveOlder(im.cfg.Dir, now.Add(-StagedTTL), func(path string) bool {
		name := filepath.Base(path)
		return !strings.HasPrefix(name, receivingPrefix) || !strings.HasSuffix(name, partSuffix)
	})
}

// Budget is the disk budget the importer's files count against (nil: none).
func (im *Importer) Budget() *Budget {
	if im == nil {
		return nil
	}
	return im.cfg.Budget
}

// Options are what the user chose for an import, stored with it.
type Options struct {
	FileName    string            `json:"fileName"`
	Source      string            `json:"source"`
	OnDuplicate field.OnDuplicate `json:"onDuplicate"`
	// Mapping is what the user sent in the request; Effective is the
	// mapping the import applies (detected columns included), so a resumed
	// import reads the file exactly as the first run did.
	Mapping   csv.Mapping `json:"mapping,omitempty"`
	Effective csv.Mapping `json:"effective"`
}

// Request is what POST /api/leads/import asks for, besides the file.
type Request struct {
	FileName    string
	Source      string
	OnDuplicate string
	Mapping     csv.Mapping
}

func (rq Request) options() (Options, error) {
	var fields problem.Fields = map[string]string{}
	mode, err := field.ParseOnDuplicate(rq.OnDuplicate)
	if err != nil {
		fields.Add("onDuplicate", "must be skip, update or fill")
	}
	name := filepath.Base(strings.ReplaceAll(strings.TrimSpace(rq.FileName), `\`, "/"))
	if name == "." || name == "/" {
		name = ""
	}
	name = truncate(name, 255)
	source := strings.TrimSpace(rq.Source)
	if len(source) > lead.MaxSourceLen {
		fields.Add("source", "must be at most 200 characters")
	}
	if source == "" {
		source = name
	}
	return Options{FileName: name, Source: source, OnDuplicate: mode, Mapping: rq.Mapping}, fields.Err()
}

// Submit checks a received file (encoding all the way down, header,
// mapping) and starts its import: 202-style, it returns the new import while
// its rows are written in the background.
func (im *Importer) Submit(ctx context.Context, p account.Principal, m account.Meta, u *Upload, rq Request) (store.LeadSource, error) {
	defer u.Discard()
	if !im.running() {
		return store.LeadSource{}, ErrNotStarted
	}
	opts, err := rq.options()
	if err != nil {
		return store.LeadSource{}, err
	}
	f, err := os.Open(u.path)
	if err != nil {
		return store.LeadSource{}, err
	}
	defer f.Close()
	ir, err := csv.NewReader(f, csv.Options{Mapping: opts.Mapping})
	if err != nil {
		return store.LeadSource{}, fileProblem(err)
	}
	opts.Effective = ir.Mapping()
	// Reading the whole file once, several times faster than importing it,
	// refuses a file that is not UTF-8 all the way down (a Latin-1 name on
	// the last row) before anything is written, and gives rowsTotal.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return store.LeadSource{}, err
	}
	total, err := csv.CountRows(f, csv.Options{Mapping: opts.Effective})
	if err != nil {
		return store.LeadSource{}, fileProblem(err)
	}
	raw, err := json.Marshal(opts)
	if err != nil {
		return store.LeadSource{}, err
	}
	if len(im.queue) == cap(im.queue) {
		return store.LeadSource{}, busy()
	}
	src := store.LeadSource{ID: store.NewID(), Kind: store.SourceImport, Name: opts.Source, FileName: opts.FileName,
		Status: store.ImportRunning, Options: string(raw), RowsTotal: total, CreatedBy: p.User.ID}
	if err := f.Close(); err != nil {
		return store.LeadSource{}, err
	}
	if err := os.Rename(u.path, im.path(src.ID)); err != nil {
		return store.LeadSource{}, fmt.Errorf("keep upload: %w", err)
	}
	err = im.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InWorkspace(p.WorkspaceID).CreateLeadSource(ctx, &src); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, lead.Audit(p, m, "lead.import_started", "import", src.ID, map[string]any{
			"bytes": u.Size, "onDuplicate": string(opts.OnDuplicate)}))
	})
	if err != nil {
		_ = os.Remove(im.path(src.ID))
		return store.LeadSource{}, err
	}
	if !im.enqueue(job{p.WorkspaceID, src.ID}) {
		im.fail(ctx, src, "Too many imports were waiting; import the file again in a few minutes.")
		return store.LeadSource{}, busy()
	}
	return src, nil
}

func busy() error {
	return problem.New(problem.Unavailable, "imports_busy", "Too many imports are waiting; try again in a few minutes.")
}

// fileProblem turns what the reader says about a whole file into a 422 the
// user can act on.
func fileProblem(err error) error {
	var enc *csv.EncodingError
	switch {
	case errors.As(err, &enc):
		return &problem.Error{Kind: problem.Invalid, Code: "file_encoding", Message: enc.Error(),
			Details: map[string]any{"encoding": enc.Encoding, "row": enc.Row}}
	case errors.Is(err, csv.ErrBadMapping), errors.Is(err, csv.ErrNoEmailColumn), errors.Is(err, csv.ErrTooManyColumns):
		return &problem.Error{Kind: problem.Invalid, Code: "bad_mapping", Message: sentence(err.Error()),
			Fields: map[string]string{"mapping": err.Error()}}
	case errors.Is(err, csv.ErrEmptyFile), errors.Is(err, csv.ErrNoHeader), errors.Is(err, csv.ErrBadHeader),
		errors.Is(err, csv.ErrBadDelimiter):
		return &problem.Error{Kind: problem.Invalid, Code: "bad_file", Message: sentence(err.Error())}
	}
	return err
}

// sentence capitalises a message and ends it with a period.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func truncate(s string, n int) string {
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
