package lead

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

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
// without one a domain. It streams the file, writing 1,000 entries per
// transaction, each with its audit event.
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
	br := bufio.NewReaderSize(r, 64<<10)
	peeked, _ := br.Peek(4096)
	head := bytes.Clone(peeked)
	if bom := []byte("\xef\xbb\xbf"); bytes.HasPrefix(head, bom) {
		_, _ = br.Discard(len(bom))
		head = head[len(bom):]
	}
	if !utf8.Valid(trimPartialRune(head)) {
		return out, problem.New(problem.Invalid, "not_utf8",
			"The file is not UTF-8 text. Save it as \"CSV UTF-8\" in your spreadsheet and upload it again.")
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffDelimiter(head)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true

	col, row := 0, 0
	var batch []store.Suppression
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.store.InTx(ctx, func(tx *store.Tx) error {
			added, err := tx.InWorkspace(p.WorkspaceID).AddSuppressions(ctx, batch)
			if err != nil {
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
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		row++
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) {
			reject("cannot read this row: " + parseErr.Err.Error())
			continue
		}
		if err != nil {
			return out, err
		}
		if row == 1 {
			if c, ok := headerColumn(rec); ok {
				col = c
				continue
			}
		}
		value := ""
		if col < len(rec) {
			value = strings.TrimSpace(rec[col])
		}
		if value == "" {
			if strings.TrimSpace(strings.Join(rec, "")) != "" {
				reject("no value in the email/domain column")
			}
			continue
		}
		if !utf8.ValidString(value) {
			reject("the value is not UTF-8 text")
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

// sniffDelimiter picks the delimiter the first line uses most.
func sniffDelimiter(head []byte) rune {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	best, bestN := ',', 0
	for _, d := range []rune{',', ';', '\t', '|'} {
		if n := bytes.Count(line, []byte(string(d))); n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of a peeked
// buffer, so a rune cut in two is not taken for bad encoding.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && i < len(b); i++ {
		if utf8.RuneStart(b[len(b)-1-i]) {
			if !utf8.FullRune(b[len(b)-1-i:]) {
				return b[:len(b)-1-i]
			}
			break
		}
	}
	return b
}
