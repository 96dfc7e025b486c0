package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/leadbitz/leadbitz/internal/lead/csv"
	leadfield "github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/lead/importer"
	"github.com/leadbitz/leadbitz/internal/store"
)

// importMapData is the mapping step of an import (docs/ui.md §7): one row per
// CSV column with three sample values and the field it goes to, guessed by
// csv.DetectMapping; the first rows as they would be imported; and what to
// do with rows whose email is already a lead.
type importMapData struct {
	Upload       string // staged upload token
	FileName     string
	Action       string // where the form posts
	Cancel       string // where "Cancel" goes
	Columns      []importColumn
	Rows         []importer.PreviewRow
	MappingError string
	Wizard       *wizardPage // set inside the campaign wizard
}

type importColumn struct {
	Index   int
	Name    string
	Field   string
	Samples []string
	Options []option
}

// importTargets are the fields a column can go to, in the dropdown's order.
var importTargets = []option{
	{"", "Ignore this column"},
	{leadfield.Email, "Email (required)"},
	{leadfield.FirstName, "First name"},
	{leadfield.LastName, "Last name"},
	{leadfield.FullName, "Full name (split into first and last)"},
	{leadfield.Company, "Company"},
	{leadfield.Title, "Job title"},
	{leadfield.Website, "Website"},
	{leadfield.LinkedinURL, "LinkedIn URL"},
	{leadfield.Phone, "Phone"},
	{leadfield.Timezone, "Time zone"},
	{leadfield.Country, "Country"},
}

var notKeyChars = regexp.MustCompile(`[^a-z0-9]+`)

// customTarget is the custom field a column becomes when the user picks
// "custom field": its name in snake case, as DetectMapping keys unknown
// columns. "" when the name gives no valid key.
func customTarget(column string) string {
	key := strings.Trim(notKeyChars.ReplaceAllString(strings.ToLower(column), "_"), "_")
	if key == "" || len(key) > leadfield.MaxCustomKeyLen {
		return ""
	}
	if _, err := leadfield.ByName(leadfield.CustomPrefix + key); err != nil {
		return ""
	}
	return leadfield.CustomPrefix + key
}

// loadImportMap previews the staged file with mapping (nil: detected) and
// fills the form with its choices.
func (w *Web) loadImportMap(v *view, token, fileName string, mapping csv.Mapping, data importMapData) error {
	f, err := w.openStaged(v.P, token)
	if err != nil {
		return err
	}
	defer f.Close()
	pv, err := importer.PreviewFile(f, mapping)
	if err != nil {
		return err
	}
	data.Upload, data.FileName, data.Rows, data.MappingError = token, fileName, pv.Rows, pv.MappingError
	if v.Form == nil {
		v.Form = emptyForm(nil)
	}
	if v.Form.Values["onDuplicate"] == "" {
		v.Form.Values["onDuplicate"] = string(leadfield.DuplicateSkip)
	}
	if v.Form.Values["source"] == "" {
		v.Form.Values["source"] = fileName
	}
	for i, c := range pv.Columns {
		col := importColumn{Index: i, Name: c.Name, Field: c.Field, Samples: c.Samples, Options: importTargets}
		custom := customTarget(c.Name)
		if strings.HasPrefix(c.Field, leadfield.CustomPrefix) {
			custom = c.Field
		}
		if custom != "" {
			col.Options = append(append([]option{}, importTargets...), option{custom,
				"Custom field “" + strings.TrimPrefix(custom, leadfield.CustomPrefix) + "” ({{" + custom + "}})"})
		}
		data.Columns = append(data.Columns, col)
	}
	v.Data = data
	return nil
}

// mappingFrom reads the columns' targets from the mapping form: col.N is a
// column's name, map.N its target.
func mappingFrom(r *http.Request) csv.Mapping {
	m := csv.Mapping{}
	for i := 0; ; i++ {
		n := strconv.Itoa(i)
		name, ok := r.PostForm["col."+n]
		if !ok || len(name) == 0 {
			break
		}
		m[name[0]] = r.PostForm.Get("map." + n)
	}
	return m
}

// startImport hands the staged file to the importer with the user's
// mapping and options. keep leaves the staged copy in place (the wizard
// reads it again when the import ends).
func (w *Web) startImport(r *http.Request, v *view, token string, keep bool) (store.LeadSource, error) {
	f, err := w.openStaged(v.P, token)
	if err != nil {
		return store.LeadSource{}, err
	}
	defer f.Close()
	limit := w.Config.ImportMaxBytes
	if info, err := f.Stat(); err == nil {
		limit = min(limit, info.Size()) // reserve no more disk than the file needs
	}
	up, err := w.Imports.Receive(f, limit)
	if err != nil {
		return store.LeadSource{}, uploadErr(err, w.Config.ImportMaxBytes)
	}
	src, err := w.Imports.Submit(r.Context(), v.P, meta(r), up, importer.Request{FileName: v.Form.Get("fileName"),
		Source: v.Form.Get("source"), OnDuplicate: v.Form.Get("onDuplicate"), Mapping: mappingFrom(r)})
	if err != nil {
		return src, err
	}
	if keep {
		// Without the copy the wizard adds the leads the import created.
		if err := w.keepStaged(v.P, token); err != nil {
			w.Env.Log().WarnContext(r.Context(), "keep the wizard's staged upload", "import_id", src.ID, "err", err)
		}
		return src, nil
	}
	w.removeStaged(v.P, token)
	return src, nil
}

// mapURL is the mapping step's address for a staged upload under base.
func mapURL(base, token, fileName string) string {
	return base + "/" + token + "?" + url.Values{"file": {fileName}}.Encode()
}
