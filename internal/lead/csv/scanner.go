package csv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Problems that reject one row. The rest of the file is still imported.
var (
	// ErrUnbalancedQuote: a cell opens with " and never closes. The lines
	// that followed are read again as rows of their own, so one stray quote
	// costs one row, not the rest of the file.
	ErrUnbalancedQuote = errors.New(`unbalanced quotes: a cell starts with " but never ends; check the quotes on this row`)
	// ErrRowTooLong: the row is longer than Options.MaxRowBytes.
	ErrRowTooLong = errors.New("row is too long")
	// ErrNULByte: the row holds a NUL byte, which no text column can store.
	ErrNULByte = errors.New("row contains a NUL byte (not text)")
	// ErrTooManyCells: the row has non-empty cells beyond the header's
	// columns, which almost always means a value with an unquoted
	// delimiter shifted the row. See Options.KeepExtraCells.
	ErrTooManyCells = errors.New("row has more cells than the header")
)

// errLineTooLong is internal: readLine consumed and dropped an overlong line.
var errLineTooLong = errors.New("line too long")

// scanner splits a stream into records (spreadsheet rows) of cells, RFC 4180
// style, with the leniency real exports need:
//   - CRLF, LF, or (old Mac Excel) CR line ends;
//   - spaces before an opening quote and after a closing one are ignored;
//   - a quote inside an unquoted cell is a literal character (5'11");
//   - on the line where a quoted cell starts, a quote not followed by the
//     delimiter or the line end is literal ("Ada "the Countess" King"),
//     unless no quote follows on the line: then it closes the cell and the
//     text up to the delimiter is appended ("Bob" Smith → Bob Smith);
//   - a quoted cell may span lines, but if it then meets such a stray quote,
//     runs past MaxRowBytes or the end of the file, or ends with more cells
//     than the header, the opening quote is taken to be a typo: the row is
//     rejected with ErrUnbalancedQuote and the lines after its first are
//     read again, each on its own (a quoted cell cannot span lines there,
//     which keeps the work linear in the file size).
//
// Every line it reads is checked to be UTF-8. It holds at most one row (at
// most maxRow bytes) besides bufio's buffer.
type scanner struct {
	br     *bufio.Reader
	delim  byte
	eol    byte // '\n' (CRLF and LF files) or '\r' (CR-only files)
	maxRow int
	expect int // number of header cells; 0 until the header is read

	pending []byte // lines to read again after a broken multi-line row
	pendBuf []byte
	row     int // spreadsheet row number of the last record

	long   []byte // a line longer than br's buffer
	rec    []byte // unquoted bytes of the current record's cells
	ends   []int  // end offset in rec of each cell
	raw    []byte // raw continuation lines of the current record
	cells  []string
	sawNUL bool
}

// record is one spreadsheet row. cells are valid until the next call.
type record struct {
	cells []string
	row   int
	err   error // per-row problem
	empty bool  // no cell has anything but spaces
}

func newScanner(br *bufio.Reader, delim, eol byte, maxRow int) *scanner {
	return &scanner{br: br, delim: delim, eol: eol, maxRow: maxRow}
}

// next returns the next record, io.EOF at the end, or an error that ends
// the file: *EncodingError or a read error.
func (s *scanner) next() (record, error) {
	s.rec, s.ends, s.raw, s.sawNUL = s.rec[:0], s.ends[:0], s.raw[:0], false
	line, single, err := s.readLine()
	if err == io.EOF {
		return record{}, io.EOF
	}
	s.row++
	r := record{row: s.row}
	switch {
	case err == errLineTooLong:
		r.err = s.tooLong()
		return r, nil
	case err != nil:
		return r, s.fatal(err)
	}
	multi := false
	pos := 0
	for { // one cell per iteration
		q := pos
		for q < len(line) && line[q] == ' ' {
			q++
		}
		if q >= len(line) || line[q] != '"' {
			i := bytes.IndexByte(line[pos:], s.delim)
			if i < 0 {
				s.rec = append(s.rec, s.trimEOL(line[pos:])...)
				s.ends = append(s.ends, len(s.rec))
				break
			}
			s.rec = append(s.rec, line[pos:pos+i]...)
			s.ends = append(s.ends, len(s.rec))
			pos += i + 1
			continue
		}
		pos = q + 1
		for closed := false; !closed; {
			i := bytes.IndexByte(line[pos:], '"')
			if i < 0 { // the cell goes on on the next line
				if single || len(line) == 0 || line[len(line)-1] != s.eol {
					return s.broken(r, ErrUnbalancedQuote)
				}
				s.rec = append(s.rec, s.trimEOL(line[pos:])...)
				s.rec = append(s.rec, '\n')
				next, _, err := s.readLine()
				switch {
				case err == io.EOF:
					return s.broken(r, ErrUnbalancedQuote)
				case err == errLineTooLong:
					r.err = s.tooLong()
					return r, nil
				case err != nil:
					return r, s.fatal(err)
				}
				s.raw = append(s.raw, next...)
				if len(s.raw) > s.maxRow {
					return s.broken(r, ErrUnbalancedQuote)
				}
				line, pos, multi = next, 0, true
				continue
			}
			s.rec = append(s.rec, line[pos:pos+i]...)
			pos += i + 1
			if pos < len(line) && line[pos] == '"' { // "" is one quote
				s.rec = append(s.rec, '"')
				pos++
				continue
			}
			k := pos
			for k < len(line) && line[k] == ' ' {
				k++
			}
			if k == len(line) || line[k] == s.delim || s.isEOL(line, k) {
				pos, closed = k, true
				continue
			}
			if multi {
				return s.broken(r, ErrUnbalancedQuote)
			}
			if bytes.IndexByte(line[pos:], '"') < 0 {
				// `"Bob" Smith,`: no quote left on the line, so this one
				// closed the cell and the text after it belongs to the
				// cell too (as spreadsheets read it), rather than opening
				// a cell that runs into the next lines.
				rest := s.trimEOL(line[pos:])
				if i := bytes.IndexByte(rest, s.delim); i >= 0 {
					rest = rest[:i]
				}
				s.rec = append(s.rec, rest...)
				pos += len(rest)
				closed = true
				continue
			}
			s.rec = append(s.rec, '"') // a stray quote with more to come
		}
		s.ends = append(s.ends, len(s.rec))
		if pos < len(line) && line[pos] == s.delim {
			pos++
			continue
		}
		break
	}
	if s.sawNUL {
		r.err = ErrNULByte
		return r, nil
	}
	if multi && s.expect > 0 && s.usedCells() > s.expect {
		return s.broken(r, ErrUnbalancedQuote)
	}
	if isBlank(s.rec) {
		r.empty = true
		return r, nil
	}
	str := string(s.rec)
	s.cells = s.cells[:0]
	start := 0
	for _, end := range s.ends {
		s.cells = append(s.cells, str[start:end])
		start = end
	}
	r.cells = s.cells
	return r, nil
}

// readLine returns the next line with its terminator. fromPending says the
// line was pushed back by broken. Lines are checked for NUL bytes, and
// lines read from the file to be UTF-8.
func (s *scanner) readLine() (line []byte, fromPending bool, err error) {
	if len(s.pending) > 0 {
		if i := bytes.IndexByte(s.pending, s.eol); i >= 0 {
			line, s.pending = s.pending[:i+1], s.pending[i+1:]
		} else {
			line, s.pending = s.pending, nil
		}
		if bytes.IndexByte(line, 0) >= 0 {
			s.sawNUL = true // it was seen before, but for another row
		}
		return line, true, nil
	}
	line, err = s.br.ReadSlice(s.eol)
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = s.br.ReadSlice(s.eol)
			if len(s.long)+len(line) > s.maxRow {
				for err == bufio.ErrBufferFull {
					_, err = s.br.ReadSlice(s.eol)
				}
				if err != nil && err != io.EOF {
					return nil, false, fmt.Errorf("reading file: %w", err)
				}
				return nil, false, errLineTooLong
			}
			s.long = append(s.long, line...)
		}
		line = s.long
	}
	switch {
	case err == io.EOF && len(line) == 0:
		return nil, false, io.EOF
	case err != nil && err != io.EOF:
		return nil, false, fmt.Errorf("reading file: %w", err)
	}
	if len(line) > s.maxRow {
		return nil, false, errLineTooLong
	}
	if !utf8.Valid(line) {
		return nil, false, &EncodingError{Encoding: guessLegacy(line)}
	}
	if bytes.IndexByte(line, 0) >= 0 {
		s.sawNUL = true
	}
	return line, false, nil
}

// broken rejects the current record with err and pushes its continuation
// lines back to be read again as rows of their own.
func (s *scanner) broken(r record, err error) (record, error) {
	if len(s.raw) > 0 {
		// pending is empty here: a record read from pending never spans
		// lines, so pendBuf is free to reuse.
		s.pendBuf = append(s.pendBuf[:0], s.raw...)
		s.pending = s.pendBuf
	}
	r.err = err
	return r, nil
}

func (s *scanner) tooLong() error {
	return fmt.Errorf("%w (over %d bytes)", ErrRowTooLong, s.maxRow)
}

// fatal completes an error that ends the import.
func (s *scanner) fatal(err error) error {
	var ee *EncodingError
	if errors.As(err, &ee) {
		ee.Row = s.row
	}
	return err
}

// trimEOL removes the line terminator from the end of b.
func (s *scanner) trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// isEOL reports whether line[k:] is just the line terminator.
func (s *scanner) isEOL(line []byte, k int) bool {
	rest := line[k:]
	switch len(rest) {
	case 1:
		return rest[0] == '\n' || rest[0] == '\r'
	case 2:
		return rest[0] == '\r' && rest[1] == '\n'
	}
	return false
}

// usedCells counts the record's cells up to its last non-blank one.
func (s *scanner) usedCells() int {
	n := len(s.ends)
	for n > 0 {
		start := 0
		if n > 1 {
			start = s.ends[n-2]
		}
		if !isBlank(s.rec[start:s.ends[n-1]]) {
			break
		}
		n--
	}
	return n
}

// isBlank reports whether b holds only spaces, tabs and line breaks.
func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}
