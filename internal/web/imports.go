package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/lead/importer"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Lead imports in the browser (docs/ui.md §7): upload → map → import with a live
// progress bar → report with the rejected rows and their CSV. The wizard's
// leads step runs the same pages' code under the campaign.

const (
	importsPageSize   = 25
	importErrorsShown = 50
)

type importsData struct {
	Imports []store.LeadSource
	Newest  string
	Next    string
	First   bool
}

// leadImports lists the workspace's imports, newest first.
func (w *Web) leadImports(rw http.ResponseWriter, r *http.Request, v *view) error {
	cursor := r.URL.Query().Get("cursor")
	list, err := w.Store.InWorkspace(v.P.WorkspaceID).LeadSources(r.Context(), cursor, importsPageSize)
	if err != nil {
		return err
	}
	data := importsData{First: cursor == "", Newest: "/leads/imports"}
	if len(list) > importsPageSize {
		list = list[:importsPageSize]
		data.Next = pageURL("/leads/imports", nil, list[importsPageSize-1].ID)
	}
	data.Imports = list
	v.Title, v.Nav, v.Tab, v.Data = "Imports", "leads", "imports", data
	return v.render(rw, http.StatusOK)
}

// newImportForm is the upload step.
func (w *Web) newImportForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav, v.Tab, v.Form = "Import leads", "leads", "imports", emptyForm(nil)
	v.Data = map[string]any{"MaxSize": sizeText(w.Config.ImportMaxBytes)}
	return v.render(rw, http.StatusOK)
}

// uploadImport stages the file and opens the mapping step.
func (w *Web) uploadImport(rw http.ResponseWriter, r *http.Request, v *view) error {
	token, name, err := w.stageUpload(r, v.P)
	if err != nil {
		v.Title, v.Nav, v.Tab, v.Form = "Import leads", "leads", "imports", emptyForm(nil)
		v.Data = map[string]any{"MaxSize": sizeText(w.Config.ImportMaxBytes)}
		return v.formFailed(rw, err)
	}
	http.Redirect(rw, r, mapURL("/leads/import/map", token, name), http.StatusSeeOther)
	return nil
}

// importMap shows the mapping step of a staged upload.
func (w *Web) importMap(rw http.ResponseWriter, r *http.Request, v *view) error {
	token := r.PathValue("upload")
	v.Title, v.Nav, v.Tab = "Map the columns", "leads", "imports"
	if err := w.loadImportMap(v, token, r.URL.Query().Get("file"), nil, importMapData{Action: "/leads/import/map/" + token, Cancel: "/leads/import"}); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

// startLeadImport starts the import and shows its progress.
func (w *Web) startLeadImport(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	token := r.PathValue("upload")
	src, err := w.startImport(r, v, token, false)
	if err != nil {
		v.Title, v.Nav, v.Tab = "Map the columns", "leads", "imports"
		if lerr := w.loadImportMap(v, token, v.Form.Get("fileName"), mappingFrom(r), importMapData{Action: "/leads/import/map/" + token, Cancel: "/leads/import"}); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	return v.redirect(rw, "/leads/imports/"+src.ID, "Import started. You can leave this page: it goes on in the background.")
}

// importData is an import's page: progress while it runs, the report when
// it ends.
type importData struct {
	importer.Status
	State       string // running, done or failed (Status is the embedded struct in templates)
	Percent     int
	Running     bool
	ProgressURL string // JSON polled by app.js every 2 s
	ErrorsURL   string // the rejected rows as CSV
	NextErrors  string // the next page of rejected rows
	Wizard      *wizardPage
}

func (w *Web) importData(r *http.Request, v *view, id string, after int) (importData, error) {
	st, err := w.Imports.Status(r.Context(), v.P, id, after, importErrorsShown)
	if err != nil {
		return importData{}, err
	}
	d := importData{Status: st, State: st.Status, Running: st.Status == store.ImportRunning, Percent: progressPercent(st),
		ProgressURL: "/leads/imports/" + id + "/progress", ErrorsURL: "/leads/imports/" + id + "/rejected.csv"}
	if st.ErrorsNextCursor != nil {
		d.NextErrors = "/leads/imports/" + id + "?" + url.Values{"after": {*st.ErrorsNextCursor}}.Encode()
	}
	return d, nil
}

func progressPercent(st importer.Status) int {
	switch {
	case st.Status != store.ImportRunning:
		return 100
	case st.RowsTotal <= 0:
		return 0
	default:
		return min(100, st.RowsDone*100/st.RowsTotal)
	}
}

// leadImport is one import's page.
func (w *Web) leadImport(rw http.ResponseWriter, r *http.Request, v *view) error {
	after, _ := strconv.Atoi(r.URL.Query().Get("after"))
	d, err := w.importData(r, v, r.PathValue("id"), max(after, 0))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Tab, v.Data = "Import of "+displayFile(d.Status), "leads", "imports", d
	return v.render(rw, http.StatusOK)
}

func displayFile(st importer.Status) string {
	if st.FileName != "" {
		return st.FileName
	}
	if st.Source != "" {
		return st.Source
	}
	return "a CSV file"
}

// importProgress is what the progress bar's script polls.
type importProgress struct {
	Status    string `json:"status"`
	Percent   int    `json:"percent"`
	RowsTotal int    `json:"rowsTotal"`
	store.ImportCounts
}

// leadImportProgress answers the progress bar's poll with JSON.
func (w *Web) leadImportProgress(rw http.ResponseWriter, r *http.Request, v *view) error {
	st, err := w.Imports.Status(r.Context(), v.P, r.PathValue("id"), 0, 1)
	if err != nil {
		return err
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(rw).Encode(importProgress{Status: st.Status, Percent: progressPercent(st), RowsTotal: st.RowsTotal, ImportCounts: st.ImportCounts})
}

// leadImportErrorsCSV downloads the rows an import did not import, with
// the reason for each.
func (w *Web) leadImportErrorsCSV(rw http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	if _, err := w.Imports.Status(r.Context(), v.P, id, 0, 1); err != nil {
		return err
	}
	rw.Header().Set("Content-Type", "text/csv; charset=utf-8")
	rw.Header().Set("Content-Disposition", `attachment; filename="import-`+id+`-rejected-rows.csv"`)
	rw.Header().Set("Cache-Control", "no-store")
	tw := &trackingWriter{w: rw}
	if err := w.Imports.WriteErrorsCSV(r.Context(), v.P, id, tw); err != nil {
		if tw.wrote {
			w.Env.Log().ErrorContext(r.Context(), "rejected rows download cut short", "err", err)
			return nil
		}
		return err
	}
	return nil
}

// trackingWriter notes whether a download has started: after its first
// byte a failure can only cut it short.
type trackingWriter struct {
	w     http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.w.Write(b)
}
