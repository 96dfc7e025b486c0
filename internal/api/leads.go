package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/lead/csv"
	"github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/lead/importer"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

func (a *API) createLead(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in field.Fields
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	l, err := a.Leads.Create(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func leadQuery(r *http.Request) lead.Query {
	q := r.URL.Query()
	return lead.Query{Search: q.Get("q"), Status: q.Get("status"), SourceID: q.Get("source"), CampaignID: q.Get("campaign"),
		Verification: q.Get("verification")}
}

func (a *API) verifyLeads(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in lead.VerifyRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	res, err := a.Leads.Verify(r.Context(), p, meta(r), in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Running {
		status = http.StatusAccepted
	}
	writeJSON(w, status, res)
	return nil
}

func (a *API) listLeads(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	limit, err := listLimit(r)
	if err != nil {
		return err
	}
	list, err := a.Leads.List(r.Context(), p, leadQuery(r), r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(list, limit, func(l store.Lead) string { return l.ID }))
	return nil
}

func (a *API) getLead(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	d, err := a.Leads.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (a *API) patchLead(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in lead.Patch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	l, err := a.Leads.Patch(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (a *API) eraseLead(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Leads.Erase(r.Context(), p, meta(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// exportLeads streams the CSV; once the first byte is out, a failure can
// only cut the download short (and is logged).
func (a *API) exportLeads(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="leads-%s.csv"`, a.Env.Now().Format("20060102")))
	w.Header().Set("Cache-Control", "no-store")
	tw := &trackingWriter{w: w}
	err := a.Leads.Export(r.Context(), p, meta(r), leadQuery(r), tw)
	if err != nil && tw.wrote {
		a.Env.Log().ErrorContext(r.Context(), "lead export cut short", "err", err)
		return nil
	}
	return err
}

// importErrorsCSV downloads an import's unimported rows with their reasons.
func (a *API) importErrorsCSV(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	id := r.PathValue("importId")
	if _, err := a.Imports.Status(r.Context(), p, id, 0, 1); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="import-`+id+`-rejected-rows.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	tw := &trackingWriter{w: w}
	err := a.Imports.WriteErrorsCSV(r.Context(), p, id, tw)
	if err != nil && tw.wrote {
		a.Env.Log().ErrorContext(r.Context(), "import errors download cut short", "err", err)
		return nil
	}
	return err
}

// trackingWriter notes whether the response has started.
type trackingWriter struct {
	w     http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.w.Write(b)
}

// importMaxBody lets an upload of ImportMaxBytes through with room for the
// multipart envelope and the small fields; the file itself is held to
// ImportMaxBytes exactly.
func (a *API) importMaxBody() int64 { return a.Config.ImportMaxBytes + 1<<20 }

// maxFormField bounds the multipart fields besides the file.
const maxFormField = 256 << 10

// readImportForm reads a multipart upload: receive gets the part "file" as
// it arrives; the other parts are small fields, stored in fields by name as
// they come (so receive sees those sent before the file), with the file's
// name as "fileName".
func (a *API) readImportForm(r *http.Request, fields map[string]string, receive func(io.Reader) error) error {
	if r.ContentLength > a.importMaxBody() {
		return tooLarge(a.Config.ImportMaxBytes)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return problem.New(problem.Malformed, "not_multipart", "Send the file as multipart/form-data with a part named \"file\".")
	}
	gotFile := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return multipartErr(err)
		}
		name := part.FormName()
		if name == "file" && !gotFile {
			gotFile = true
			fields["fileName"] = part.FileName()
			if err := receive(part); err != nil {
				return err
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
		if err != nil {
			return multipartErr(err)
		}
		if len(b) > maxFormField {
			return problem.InvalidField(name, "is too long")
		}
		fields[name] = string(b)
	}
	if !gotFile {
		return problem.Fields{"file": "attach the CSV file as the part \"file\""}.Err()
	}
	return nil
}

// limitedReader fails with errFileTooLarge past its limit, where
// io.LimitReader would end the file silently.
type limitedReader struct {
	r    io.Reader
	left int64
}

var errFileTooLarge = errors.New("file too large")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, errFileTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, errFileTooLarge
	}
	return n, err
}

func multipartErr(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	return problem.New(problem.Malformed, "malformed_multipart", "The multipart body cannot be read: %v.", err)
}

func tooLarge(limit int64) error {
	return problem.New(problem.TooLarge, "file_too_large", "The file is larger than the import limit of %s.", sizeText(limit))
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// parseMapping reads the optional mapping field: {"CSV column": "field"}.
func parseMapping(s string) (csv.Mapping, error) {
	if s == "" {
		return nil, nil
	}
	var m csv.Mapping
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, problem.InvalidField("mapping", `must be a JSON object of CSV column → field, e.g. {"E-mail": "email", "Org": "company"}`)
	}
	return m, nil
}

func (a *API) importLeads(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var up *importer.Upload
	defer func() { up.Discard() }()
	fields := map[string]string{}
	err := a.readImportForm(r, fields, func(file io.Reader) error {
		var err error
		// The file is smaller than the request: reserve no more disk than that.
		limit := a.Config.ImportMaxBytes
		if r.ContentLength > 0 {
			limit = min(limit, r.ContentLength)
		}
		up, err = a.Imports.Receive(file, limit)
		if errors.Is(err, importer.ErrTooLarge) {
			return tooLarge(a.Config.ImportMaxBytes)
		}
		return err
	})
	if err != nil {
		return err
	}
	mapping, err := parseMapping(fields["mapping"])
	if err != nil {
		return err
	}
	src, err := a.Imports.Submit(r.Context(), p, meta(r), up, importer.Request{FileName: fields["fileName"],
		Source: fields["source"], OnDuplicate: fields["onDuplicate"], Mapping: mapping})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/leads/imports/"+src.ID)
	writeJSON(w, http.StatusAccepted, map[string]string{"importId": src.ID, "status": src.Status})
	return nil
}

// previewImport reads the start of a file (up to 1 MB of it, in memory) and
// shows what an import would do with it, for the mapping step.
func (a *API) previewImport(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var head []byte
	fields := map[string]string{}
	err := a.readImportForm(r, fields, func(file io.Reader) error {
		var err error
		head, err = io.ReadAll(io.LimitReader(file, 1<<20))
		if err != nil {
			return multipartErr(err)
		}
		if _, err := io.Copy(io.Discard, file); err != nil {
			return multipartErr(err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	mapping, err := parseMapping(fields["mapping"])
	if err != nil {
		return err
	}
	pv, err := importer.PreviewFile(bytes.NewReader(head), mapping)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pv)
	return nil
}

func (a *API) importStatus(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	after := 0
	if c := r.URL.Query().Get("errorsCursor"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 {
			return problem.InvalidField("errorsCursor", "must be a row number from a previous errorsNextCursor")
		}
		after = n
	}
	limit := 100
	if v := r.URL.Query().Get("errorsLimit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return problem.InvalidField("errorsLimit", "must be a whole number from 1 to 1000")
		}
		limit = n
	}
	st, err := a.Imports.Status(r.Context(), p, r.PathValue("importId"), after, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
