package importer

import (
	"context"
	stdcsv "encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/lead/csv"
	"github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Status is GET /api/leads/imports/{id}: progress while it runs, the
// outcome when it ends, and a page of the rows it did not import (or
// imported with warnings), in file order.
type Status struct {
	ID          string            `json:"id"`
	Status      string            `json:"status"`
	Source      string            `json:"source"`
	FileName    string            `json:"fileName"`
	OnDuplicate field.OnDuplicate `json:"onDuplicate"`
	Mapping     csv.Mapping       `json:"mapping"`
	RowsTotal   int               `json:"rowsTotal"`
	store.ImportCounts
	// FailureReason says why a failed import stopped.
	FailureReason string     `json:"failureReason,omitempty"`
	CreatedAt     time.Time  `json:"createdAt"`
	FinishedAt    *time.Time `json:"finishedAt"`
	// Errors lists rows not imported (code invalid, duplicate, suppressed,
	// existing) and rows imported without some values (code warning).
	Errors []store.RowError `json:"errors"`
	// ErrorsNextCursor, when not null, is the ?errorsCursor= of the next
	// page of Errors.
	ErrorsNextCursor *string `json:"errorsNextCursor"`
}

// Status returns an import and the page of its row errors after row
// errorsAfter (limit rows at most).
func (im *Importer) Status(ctx context.Context, p account.Principal, id string, errorsAfter, limit int) (Status, error) {
	sc := im.store.InWorkspace(p.WorkspaceID)
	src, err := sc.LeadSource(ctx, id)
	if err != nil {
		return Status{}, err
	}
	if src.Kind != store.SourceImport {
		return Status{}, store.ErrNotFound
	}
	var opts Options
	if err := json.Unmarshal([]byte(src.Options), &opts); err != nil {
		return Status{}, err
	}
	errs, err := sc.ImportRowErrors(ctx, id, errorsAfter, limit)
	if err != nil {
		return Status{}, err
	}
	st := Status{ID: src.ID, Status: src.Status, Source: src.Name, FileName: src.FileName, OnDuplicate: opts.OnDuplicate,
		Mapping: opts.Effective, RowsTotal: src.RowsTotal, ImportCounts: src.ImportCounts, FailureReason: src.Error,
		CreatedAt: src.CreatedAt, FinishedAt: src.FinishedAt, Errors: errs}
	if st.Errors == nil {
		st.Errors = []store.RowError{}
	}
	if len(errs) > limit {
		st.Errors = errs[:limit]
		next := strconv.Itoa(errs[limit-1].Row)
		st.ErrorsNextCursor = &next
	}
	return st, nil
}

// WriteErrorsCSV writes every row an import did not import (or imported
// with warnings) as CSV — row, code, reason — for the report's download. It
// reads the errors a page at a time.
func (im *Importer) WriteErrorsCSV(ctx context.Context, p account.Principal, id string, w io.Writer) error {
	sc := im.store.InWorkspace(p.WorkspaceID)
	src, err := sc.LeadSource(ctx, id)
	if err != nil {
		return err
	}
	if src.Kind != store.SourceImport {
		return store.ErrNotFound
	}
	cw := stdcsv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{"row", "code", "reason"}); err != nil {
		return err
	}
	after := 0
	for {
		page, err := sc.ImportRowErrors(ctx, id, after, 1000)
		if err != nil {
			return err
		}
		for i, e := range page {
			if i == 1000 {
				break
			}
			if err := cw.Write([]string{strconv.Itoa(e.Row), e.Code, csv.NeutralizeCell(e.Reason)}); err != nil {
				return err
			}
			after = e.Row
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if len(page) <= 1000 {
			return nil
		}
	}
}

// PreviewColumn is one column of a file as the mapping step shows it.
type PreviewColumn struct {
	Name    string   `json:"name"`
	Field   string   `json:"field"` // "" when ignored
	Samples []string `json:"samples"`
}

// PreviewRow is one data row as the import would read it.
type PreviewRow struct {
	Row      int          `json:"row"`
	Fields   field.Fields `json:"fields"`
	Error    string       `json:"error,omitempty"`
	Warnings []string     `json:"warnings,omitempty"`
}

// Preview is what an import would do with the start of a file.
type Preview struct {
	Delimiter    string          `json:"delimiter"`
	Columns      []PreviewColumn `json:"columns"`
	MappingError string          `json:"mappingError,omitempty"`
	Rows         []PreviewRow    `json:"rows"`
}

// PreviewRows is how many rows a preview reads.
const PreviewRows = 10

// PreviewFile reads the header and first rows of r for the mapping step: each
// column with its detected (or given) field and up to three sample values,
// and the rows as they would be imported.
func PreviewFile(r io.Reader, mapping csv.Mapping) (Preview, error) {
	res, err := csv.Preview(r, PreviewRows, csv.Options{Mapping: mapping})
	if err != nil {
		return Preview{}, fileProblem(err)
	}
	pv := Preview{Delimiter: string(res.Delimiter), Rows: []PreviewRow{}}
	if res.MappingErr != nil {
		pv.MappingError = sentence(res.MappingErr.Error())
	}
	for i, name := range res.Header {
		col := PreviewColumn{Name: name, Field: res.Mapping[name], Samples: []string{}}
		for _, row := range res.Rows {
			if len(col.Samples) == 3 {
				break
			}
			if i < len(row.Cells) && row.Cells[i] != "" {
				col.Samples = append(col.Samples, row.Cells[i])
			}
		}
		pv.Columns = append(pv.Columns, col)
	}
	for _, row := range res.Rows {
		pr := PreviewRow{Row: row.Number, Fields: row.Fields}
		if row.Err != nil {
			pr.Error = row.Err.Error()
		}
		for _, w := range row.Warnings {
			pr.Warnings = append(pr.Warnings, w.Error())
		}
		pv.Rows = append(pv.Rows, pr)
	}
	return pv, nil
}
