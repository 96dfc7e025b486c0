package csv

import (
	"errors"
	"io"
	"slices"
)

// PreviewResult is what an import would do with the start of a file.
type PreviewResult struct {
	Header    []string
	Delimiter rune
	// Mapping is the effective mapping: opts.Mapping where it is valid,
	// detected for the other columns.
	Mapping Mapping
	// MappingErr is ErrBadMapping, ErrNoEmailColumn or ErrTooManyColumns
	// (wrapped) when the import could not start with this mapping. The
	// rows are still read, with the detected mapping for ErrBadMapping, so
	// the user can see what to change.
	MappingErr error
	Rows       []PreviewRow
}

// PreviewRow is a Row with the raw cells it was read from.
type PreviewRow struct {
	Row
	Cells []string
}

// Preview reads the header and at most n data rows of r, as an import with
// opts would, for a UI to show before the user starts the import. It fails
// only for what would end the import: encoding, empty file, no header, or
// a read error.
func Preview(r io.Reader, n int, opts Options) (*PreviewResult, error) {
	ir, err := newReader(r, opts, true)
	var mapErr error
	switch {
	case errors.Is(err, ErrBadMapping):
		mapErr = err
		plan, m, _ := resolve(ir.header, nil, false)
		ir.plan, ir.mapping = plan, m
	case errors.Is(err, ErrNoEmailColumn), errors.Is(err, ErrTooManyColumns):
		mapErr = err
	case err != nil:
		return nil, err
	}
	ir.keepCells = true
	res := &PreviewResult{Header: ir.Header(), Delimiter: ir.Delimiter(), Mapping: ir.Mapping(), MappingErr: mapErr}
	for len(res.Rows) < n {
		row, err := ir.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, PreviewRow{Row: row, Cells: slices.Clone(ir.cells)})
	}
	return res, nil
}

// CountRows reads the whole of r as an import with opts would and returns
// the number of rows Next would return (empty rows not counted, rejected
// rows counted): the rowsTotal of an import's progress, with rowsDone the
// number of rows taken from Next so far. It parses rows but does not map
// or normalise them, so it is several times faster than the import itself.
//
// It fails like NewReader and Next do, so running it on the stored
// upload before the import finds an encoding error on the last row before
// any lead is written.
func CountRows(r io.Reader, opts Options) (int, error) {
	sc, _, err := open(r, opts)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		rec, err := sc.next()
		switch {
		case err == io.EOF:
			return n, nil
		case err != nil:
			return n, err
		case !rec.empty:
			n++
		}
	}
}
