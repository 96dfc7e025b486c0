package csv

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/lead/field"
)

// WriterOptions configure NewWriter.
type WriterOptions struct {
	// CustomKeys get one column each, headed "custom.<key>", after the
	// standard fields, in this order. A lead's custom keys not listed are
	// not written.
	CustomKeys []string
	// ExtraColumns are the caller's own columns ("status", "createdAt"),
	// written after the custom ones; Write takes their values.
	ExtraColumns []string
	// OmitBOM leaves out the UTF-8 byte order mark. It is written by default
	// because Excel reads a CSV without it in the local legacy encoding and
	// shows "Müller" as "MÃ¼ller".
	OmitBOM bool
}

// Writer writes leads as CSV that is safe to open in a spreadsheet:
// every cell that a spreadsheet would run as a formula is neutralised (see
// NeutralizeCell). The header uses the field names ("email", "firstName",
// "custom.icebreaker"), so NewReader reads an export back into the
// same fields and keys, apostrophes removed. Rows end with CRLF (RFC 4180).
type Writer struct {
	cw      *csv.Writer
	w       io.Writer
	opts    WriterOptions
	started bool
	record  []string
}

// NewWriter returns a writer of leads to w. Nothing is written until
// the first Write or Flush, which writes the byte order mark and the header.
func NewWriter(w io.Writer, opts WriterOptions) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &Writer{cw: cw, w: w, opts: opts}
}

// Header returns the columns the writer writes.
func (ew *Writer) Header() []string {
	h := field.StandardFields()
	for _, k := range ew.opts.CustomKeys {
		h = append(h, field.CustomPrefix+k)
	}
	return append(h, ew.opts.ExtraColumns...)
}

func (ew *Writer) start() error {
	if ew.started {
		return nil
	}
	ew.started = true
	if !ew.opts.OmitBOM {
		if _, err := ew.w.Write(utf8BOM); err != nil {
			return fmt.Errorf("writing export: %w", err)
		}
	}
	return ew.writeRecord(ew.Header())
}

// Write writes one lead; extra holds the values of ExtraColumns, in order.
func (ew *Writer) Write(f field.Fields, extra ...string) error {
	if len(extra) != len(ew.opts.ExtraColumns) {
		return fmt.Errorf("export: %d extra values for %d extra columns", len(extra), len(ew.opts.ExtraColumns))
	}
	if err := ew.start(); err != nil {
		return err
	}
	rec := ew.record[:0]
	for _, fd := range standardFields {
		rec = append(rec, fd.Get(f))
	}
	for _, k := range ew.opts.CustomKeys {
		rec = append(rec, f.Custom[k])
	}
	rec = append(rec, extra...)
	ew.record = rec
	return ew.writeRecord(rec)
}

// standardFields are the export's first columns, in field.StandardFields order.
var standardFields = func() []field.Field {
	names := field.StandardFields()
	fds := make([]field.Field, len(names))
	for i, n := range names {
		fds[i] = mustField(n)
	}
	return fds
}()

func (ew *Writer) writeRecord(rec []string) error {
	for i, v := range rec {
		rec[i] = NeutralizeCell(v)
	}
	if err := ew.cw.Write(rec); err != nil {
		return fmt.Errorf("writing export: %w", err)
	}
	return nil
}

// Flush writes buffered rows (and the header, for an export with no lead)
// to the underlying writer.
func (ew *Writer) Flush() error {
	if err := ew.start(); err != nil {
		return err
	}
	ew.cw.Flush()
	if err := ew.cw.Error(); err != nil {
		return fmt.Errorf("writing export: %w", err)
	}
	return nil
}

// NeutralizeCell makes a value safe from CSV injection, following OWASP's
// guidance: a value starting with = + - @, tab or carriage return (or the
// full-width ＝ ＋ － ＠, which some spreadsheets also evaluate) is
// prefixed with an apostrophe, so the spreadsheet shows it as text instead
// of running it as a formula (=HYPERLINK(…), =cmd|…). Quoting of
// delimiters and quotes is left to the CSV writer. The import reader drops
// the apostrophe again.
func NeutralizeCell(s string) string {
	if isFormulaStart(s) {
		return "'" + s
	}
	return s
}

// isFormulaStart reports whether a spreadsheet could read s as a formula.
func isFormulaStart(s string) bool {
	if s == "" {
		return false
	}
	if strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '＝', '＋', '－', '＠':
		return true
	}
	return false
}
