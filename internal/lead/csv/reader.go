package csv

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/lead/field"
)

// DefaultMaxRowBytes is the default Options.MaxRowBytes.
const DefaultMaxRowBytes = 1 << 20

// readBufSize is bufio's buffer, and the most of the file sniffed for the
// encoding and the delimiter.
const readBufSize = 64 << 10

// Errors about the file as a whole. They end the import (with
// *EncodingError and read errors); no row is read after them.
var (
	// ErrEmptyFile: the file has no header row.
	ErrEmptyFile = errors.New("file is empty: it needs a header row and at least one lead")
	// ErrNoHeader: the first row holds an email address, so it is data and
	// the file has no header row.
	ErrNoHeader = errors.New(`the first row looks like data (it holds an email address), not a header: add a header row such as "email,firstName,lastName"`)
	// ErrBadHeader wraps a row error (ErrUnbalancedQuote, ErrRowTooLong…)
	// found in the header row.
	ErrBadHeader = errors.New("the header row cannot be read")
	// ErrBadDelimiter: Options.Delimiter is not a usable delimiter.
	ErrBadDelimiter = errors.New("delimiter must be one ASCII punctuation character or tab")
)

// Options configure NewReader, CountRows and Preview. The zero
// value detects everything.
type Options struct {
	// Mapping, when not nil, names the target of columns; columns it does
	// not name are detected as DetectMapping would (map a column to "" to
	// ignore it). Every column it names must exist and every target must
	// be valid, or NewReader fails with ErrBadMapping.
	Mapping Mapping
	// Delimiter, when not 0, is used instead of sniffing. A first line
	// "sep=;" (Excel's hint) is honoured and skipped either way.
	Delimiter rune
	// KeepExtraCells keeps non-empty cells beyond the header's columns as
	// custom fields "col_N" (N the column number counting from 1) instead
	// of rejecting the row with ErrTooManyCells.
	KeepExtraCells bool
	// MaxRowBytes bounds one row (ErrRowTooLong beyond it), and with it
	// the memory a row can take. Default DefaultMaxRowBytes.
	MaxRowBytes int
}

// Row is one data row of the file.
type Row struct {
	// Number is the row as a spreadsheet shows it: the header is row 1
	// (counting empty rows and a multi-line cell's row once), so the user
	// finds the row at this number when they open the file.
	Number int
	// field.Fields are the row's values, normalised (see field.Normalize). When Err
	// is not nil they are what could be read, with Email empty.
	Fields field.Fields
	// Err, when not nil, rejects the row: a *field.Error for the email
	// (missing, invalid), or ErrUnbalancedQuote, ErrRowTooLong,
	// ErrNULByte, ErrTooManyCells, wrapped with details. Its message is
	// written for the user and is what an import reports for the row.
	Err error
	// Warnings are optional values that were invalid and dropped (a
	// website that is not a URL, an unknown time zone); the row is
	// imported without them.
	Warnings []*field.Error
}

// Reader reads leads from a CSV stream, one row at a time, holding at
// most one row besides a 64 KiB buffer. Create it with NewReader and
// call Next until io.EOF.
//
// A malformed row never stops the import: Next returns it with Row.Err and
// goes on. Only a read error or an *EncodingError ends it, and then Next
// returns that error from then on. Because an encoding error can sit on
// the last row, call CountRows on the same file first: it reads it all and
// fails the same way before anything is written.
type Reader struct {
	sc        *scanner
	header    []string
	plan      []field.Field
	mapping   Mapping
	delim     byte
	keepExtra bool
	nCustom   int
	err       error

	keepCells bool     // Preview wants the raw cells
	cells     []string // raw cells of the last row, when keepCells
}

// NewReader reads the start of r: it checks the encoding (a UTF-8 byte
// order mark is skipped; UTF-16, Windows-1252, Excel workbooks and other
// binaries fail with *EncodingError), picks the delimiter, reads the header
// row (leading empty rows are skipped) and resolves the mapping. It reads
// no data row.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	ir, err := newReader(r, opts, true)
	if err != nil {
		return nil, err
	}
	return ir, nil
}

func newReader(r io.Reader, opts Options, requireEmail bool) (*Reader, error) {
	sc, header, err := open(r, opts)
	if err != nil {
		return nil, err
	}
	plan, m, err := resolve(header, opts.Mapping, requireEmail)
	ir := &Reader{
		sc:        sc,
		header:    header,
		plan:      plan,
		mapping:   m,
		delim:     sc.delim,
		keepExtra: opts.KeepExtraCells,
	}
	for _, t := range plan {
		if t.IsCustom() {
			ir.nCustom++
		}
	}
	return ir, err
}

// open checks the encoding, sniffs the delimiter and reads the header. It
// is shared by NewReader and CountRows so both read the same rows.
func open(r io.Reader, opts Options) (*scanner, []string, error) {
	sc, err := openScanner(r, opts)
	if err != nil {
		return nil, nil, err
	}
	for {
		rec, err := sc.next()
		switch {
		case err == io.EOF:
			return nil, nil, ErrEmptyFile
		case err != nil:
			return nil, nil, err
		case rec.empty:
			continue
		case rec.err != nil:
			return nil, nil, fmt.Errorf("%w: %w", ErrBadHeader, rec.err)
		}
		for _, c := range rec.cells {
			if strings.Contains(c, "@") {
				if _, err := field.NormalizeEmail(c); err == nil {
					return nil, nil, ErrNoHeader
				}
			}
		}
		header := headerNames(rec.cells)
		sc.expect = len(header)
		return sc, header, nil
	}
}

// openScanner checks the encoding (skipping a UTF-8 byte order mark),
// honours and skips a "sep=" line, and sniffs the line ends and the
// delimiter: everything before the first row. Records and Reader share it.
func openScanner(r io.Reader, opts Options) (*scanner, error) {
	maxRow := opts.MaxRowBytes
	if maxRow <= 0 {
		maxRow = DefaultMaxRowBytes
	}
	var delim byte
	if d := opts.Delimiter; d != 0 {
		if !usableDelimiter(d) {
			return nil, fmt.Errorf("%w, not %q", ErrBadDelimiter, d)
		}
		delim = byte(d)
	}
	br := bufio.NewReaderSize(r, readBufSize)
	head, err := br.Peek(readBufSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("reading file: %w", err)
	}
	if len(head) == 0 {
		return nil, ErrEmptyFile
	}
	skip, err := sniffEncoding(head)
	if err != nil {
		return nil, err
	}
	if _, err := br.Discard(skip); err != nil {
		return nil, fmt.Errorf("reading file: %w", err)
	}
	head, err = br.Peek(readBufSize)
	if d, n := sepLine(head); n > 0 {
		if _, err := br.Discard(n); err != nil {
			return nil, fmt.Errorf("reading file: %w", err)
		}
		if delim == 0 {
			delim = d
		}
		head, err = br.Peek(readBufSize)
	}
	atEOF := err != nil // the sample is the whole file
	eol := sniffEOL(head)
	if delim == 0 {
		delim = sniffDelimiter(head, atEOF, eol)
	}
	return newScanner(br, delim, eol, maxRow), nil
}

// sepLine recognises Excel's "sep=X" first line and returns X and the
// line's length, or 0, 0.
func sepLine(head []byte) (byte, int) {
	if len(head) < 5 || !strings.EqualFold(string(head[:4]), "sep=") {
		return 0, 0
	}
	d := head[4]
	n := 5
	if n < len(head) && head[n] == '\r' {
		n++
	}
	if n < len(head) && head[n] == '\n' {
		n++
	}
	if n == 5 && len(head) > 5 || !usableDelimiter(rune(d)) {
		return 0, 0
	}
	return d, n
}

// usableDelimiter accepts tab and ASCII punctuation other than quotes.
func usableDelimiter(d rune) bool {
	if d == '\t' {
		return true
	}
	return d < utf8.RuneSelf && d > ' ' && d != '"' && d != '\'' && d != 0x7f &&
		!('a' <= d && d <= 'z' || 'A' <= d && d <= 'Z' || '0' <= d && d <= '9')
}

// Header returns the column names (see Mapping for how they are named).
func (ir *Reader) Header() []string { return ir.header }

// Mapping returns the effective mapping, one entry per column name: what
// the import does with each column, for the record of the import.
func (ir *Reader) Mapping() Mapping { return ir.mapping }

// Delimiter returns the delimiter in use.
func (ir *Reader) Delimiter() rune { return rune(ir.delim) }

// Next returns the next data row, skipping empty rows. It returns io.EOF
// after the last row, and a read error or *EncodingError when the file
// cannot be read further (and again on every later call).
func (ir *Reader) Next() (Row, error) {
	if ir.err != nil {
		return Row{}, ir.err
	}
	for {
		rec, err := ir.sc.next()
		if err != nil {
			ir.err = err
			return Row{}, err
		}
		if rec.empty {
			continue
		}
		if ir.keepCells {
			ir.cells = append(ir.cells[:0], rec.cells...)
		}
		row := Row{Number: rec.row, Err: rec.err}
		if rec.err == nil {
			ir.fill(&row, rec.cells)
		}
		return row, nil
	}
}

// fill maps a row's cells to fields and normalises them.
func (ir *Reader) fill(row *Row, cells []string) {
	var f field.Fields
	var full string
	lastExtra := 0
	for i, cell := range cells {
		v := unescapeCell(cell)
		if i >= len(ir.plan) {
			if strings.TrimSpace(v) == "" {
				continue
			}
			lastExtra = i + 1
			if ir.keepExtra {
				if f.Custom == nil {
					f.Custom = make(map[string]string, ir.nCustom+1)
				}
				k := "col_" + strconv.Itoa(i+1)
				if _, ok := f.Custom[k]; !ok {
					f.Custom[k] = v
				}
			}
			continue
		}
		t := ir.plan[i]
		if t == ignore || strings.TrimSpace(v) == "" {
			continue
		}
		switch {
		case t.IsCustom():
			if f.Custom == nil {
				f.Custom = make(map[string]string, ir.nCustom)
			}
			if _, ok := f.Custom[t.CustomKey()]; !ok {
				f.Custom[t.CustomKey()] = v
			}
		case t == fullName:
			if full == "" {
				full = v
			}
		case t.Get(f) == "":
			t.Set(&f, v)
		}
	}
	if full != "" && f.FirstName == "" && f.LastName == "" {
		f.FirstName, f.LastName = field.SplitFullName(full)
	}
	rawEmail := f.Email
	f, err := field.Normalize(f)
	errs, _ := err.(field.Errors) // Normalize returns its Errors unwrapped
	row.Fields = f
	for _, e := range errs {
		if e.Field == field.Email {
			row.Err = emailRowError(e, rawEmail)
		} else {
			row.Warnings = append(row.Warnings, e)
		}
	}
	if lastExtra > 0 && !ir.keepExtra {
		row.Err = fmt.Errorf("%w: it has %d cells but the header has %d; a value probably contains an unquoted %s",
			ErrTooManyCells, lastExtra, len(ir.plan), delimiterName(ir.delim))
	}
}

// emailRowError adds the offending value to an email error, so the user
// sees which cell to fix.
func emailRowError(fe *field.Error, raw string) error {
	raw = field.TrimSpace(raw)
	if raw == "" || strings.Contains(fe.Message, strconv.Quote(raw)) {
		return fe
	}
	return fmt.Errorf("%w (value %q)", fe, field.Truncate(raw, 80))
}

// delimiterName names a delimiter in a message.
func delimiterName(d byte) string {
	switch d {
	case '\t':
		return "tab"
	case ',':
		return `comma ","`
	case ';':
		return `semicolon ";"`
	}
	return strconv.QuoteRune(rune(d))
}

// unescapeCell removes the apostrophe that spreadsheet exports (Apollo,
// and our own Writer) put before a value starting with = + - @ so
// that it is not run as a formula: "'+1 415…" is "+1 415…". A cell read
// from a file is data and is never evaluated here.
func unescapeCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && isFormulaStart(s[1:]) {
		return s[1:]
	}
	return s
}
