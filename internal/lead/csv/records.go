package csv

import "io"

// Records reads a file's rows as raw cells, with the checks and rules of
// Reader (encoding and byte order mark, Excel's "sep=" line, line ends, the
// sniffed delimiter, quoting, the row size bound) but no header, mapping or
// normalisation: for files that are a plain list of values, such as the
// suppression list's bulk add, whose first row may be data.
type Records struct {
	sc  *scanner
	err error
}

// Record is one non-empty row of a file.
type Record struct {
	// Row is the row as a spreadsheet shows it (see Row.Number).
	Row int
	// Cells are the row's cells as written, quotes removed. They are valid
	// until the next call to Next.
	Cells []string
	// Err, when not nil, rejects the row: ErrUnbalancedQuote,
	// ErrRowTooLong or ErrNULByte, wrapped with details.
	Err error
}

// NewRecords reads the start of r as NewReader does, without reading a
// row. Only opts.Delimiter and opts.MaxRowBytes apply. An empty file gives
// ErrEmptyFile; a file that is not UTF-8 text, an *EncodingError.
func NewRecords(r io.Reader, opts Options) (*Records, error) {
	sc, err := openScanner(r, opts)
	if err != nil {
		return nil, err
	}
	return &Records{sc: sc}, nil
}

// Delimiter returns the delimiter in use.
func (rs *Records) Delimiter() rune { return rune(rs.sc.delim) }

// Next returns the next non-empty row, io.EOF after the last one, and a
// read error or *EncodingError when the file cannot be read further (and
// again on every later call).
func (rs *Records) Next() (Record, error) {
	if rs.err != nil {
		return Record{}, rs.err
	}
	for {
		rec, err := rs.sc.next()
		if err != nil {
			rs.err = err
			return Record{}, err
		}
		if !rec.empty {
			return Record{Row: rec.row, Cells: rec.cells, Err: rec.err}, nil
		}
	}
}
