package lead

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/lead/csv"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// MaxSuppressionErrors caps the rejected rows a suppression import lists
// (all are counted).
const MaxSuppressionErrors = 1000

// SuppressionImport is the outcome of a bulk add.
type SuppressionImport struct {
	Rows     int              `json:"rows"`
	Added    int              `json:"added"`
	Existing int              `json:"existing"`
	Invalid  int              `json:"invalid"`
	Errors   []store.RowError `json:"errors"`
}

// ImportSuppressions adds the addresses and domains of a CSV file: one
// value per row, in the column named like "email" or "domain" (or the first
// column, or a file without a header); a value with "@" is an address,
// without one a domain. It reads the file with the lead import's reader
// (csv.Records: encoding checks, byte order mark, "sep=" line, sniffed
// delimiter, quoting, rows numbered as a spreadsheet shows them) and
// streams it, writing 1,000 entries per transaction, each with its audit
// event. A file that is not UTF-8 text is refused with not_utf8; when the
// first bad byte is further on, the rows before it are added.
func (s *Service) ImportSuppressions(ctx context.Context, p account.Principal, m account.Meta, r io.Reader, reason, source string) (SuppressionImport, error) {
	out := SuppressionImport{Errors: []store.RowError{}}
	reason, err := checkReason(reason)
	if err != nil {
		return out, err
	}
	source = strings.TrimSpace(source)
	if source == "" {
		source = "csv import"
	}
	if len(source) > MaxSourceLen {
		return out, problem.InvalidField("source", "must be at most 200 characters")
	}
	rs, err := csv.NewRecords(r, csv.Options{})
	if errors.Is(err, csv.ErrEmptyFile) {
		return out, nil
	}
	if err != nil {
		return out, fileProblem(err)
	}

	col, row := 0, 0
	var batch []store.Suppression
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.store.InTx(ctx, func(tx *store.Tx) error {
			list, err := tx.InWorkspace(p.WorkspaceID).AddNewSuppressions(ctx, batch)
			if err != nil {
				return err
			}
			added := len(list)
			if err := event.Record(ctx, tx.Queries, p.WorkspaceID, event.SuppressionsAdded(list)...); err != nil {
				return err
			}
			out.Added += added
			out.Existing += len(batch) - added
			if added == 0 {
				return nil
			}
			return tx.InsertAudit(ctx, Audit(p, m, "suppression.added", "", "",
				map[string]any{"count": added, "reason": reason, "via": "csv"}))
		})
		batch = batch[:0]
		return err
	}
	reject := func(msg string) {
		out.Invalid++
		if len(out.Errors) < MaxSuppressionErrors {
			out.Errors = append(out.Errors, store.RowError{Row: row, Code: store.RowInvalid, Reason: msg})
		}
	}
	for first := true; ; first = false {
		rec, err := rs.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, fileProblem(err)
		}
		row = rec.Row
		if rec.Err != nil {
			reject("cannot read this row: " + rec.Err.Error())
			continue
		}
		if first {
			if c, ok := headerColumn(rec.Cells); ok {
				col = c
				continue
			}
		}
		value := ""
		if col < len(rec.Cells) {
			value = strings.TrimSpace(rec.Cells[col])
		}
		if value == "" {
			reject("no value in the email/domain column")
			continue
		}
		out.Rows++
		in := SuppressionInput{Domain: value, Reason: reason, Source: source}
		if strings.Contains(value, "@") {
			in = SuppressionInput{Email: value, Reason: reason, Source: source}
		}
		sup, err := suppressionOf(in)
		if err != nil {
			reject(problemText(err))
			continue
		}
		batch = append(batch, sup)
		if len(batch) == 1000 {
			if err := flush(); err != nil {
				return out, err
			}
		}
	}
	if err := flush(); err != nil {
		return out, err
	}
	out.Rows += out.Invalid
	return out, nil
}

// fileProblem turns what the CSV reader says about the whole file into a
// 422: an *csv.EncodingError (the file is not UTF-8 text, from its start or
// from the row it names on; the rows before that row are added) keeps the
// code not_utf8 this endpoint has always answered with.
func fileProblem(err error) error {
	var enc *csv.EncodingError
	if errors.As(err, &enc) {
		msg := enc.Error()
		return &problem.Error{Kind: problem.Invalid, Code: "not_utf8", Message: strings.ToUpper(msg[:1]) + msg[1:] + ".",
			Details: map[string]any{"encoding": enc.Encoding, "row": enc.Row}}
	}
	return err
}

// problemText is a field problem as one sentence: "email: missing @".
func problemText(err error) string {
	if p, ok := problem.As(err); ok {
		for f, msg := range p.Fields {
			return fmt.Sprintf("%s: %s", f, msg)
		}
		return p.Message
	}
	return err.Error()
}

// headerColumn finds the column of values in a header row, or reports that
// the row is data.
func headerColumn(rec []string) (int, bool) {
	for i, h := range rec {
		switch strings.ToLower(strings.Trim(strings.TrimSpace(h), `"`)) {
		case "email", "e-mail", "email address", "e-mail address", "mail", "address", "domain", "value", "entry":
			return i, true
		}
	}
	if len(rec) > 0 && !strings.Contains(rec[0], "@") && !strings.Contains(rec[0], ".") {
		return 0, true // a header we do not know, over the first column
	}
	return 0, false
}
