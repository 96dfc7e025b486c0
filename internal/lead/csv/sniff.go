package csv

import (
	"bufio"
	"bytes"
	"io"
)

// delimiters are the candidates sniffDelimiter chooses from, in order of
// preference on a tie.
var delimiters = []byte{',', ';', '\t', '|'}

// sniffRecords is how many rows of the sample sniffDelimiter looks at.
const sniffRecords = 100

// sniffEOL picks the line terminator: '\n' (which also covers CRLF) unless
// the sample has carriage returns and no line feed at all, as files from
// old Mac Excel do.
func sniffEOL(sample []byte) byte {
	if bytes.IndexByte(sample, '\n') < 0 && bytes.IndexByte(sample, '\r') >= 0 {
		return '\r'
	}
	return '\n'
}

// sniffDelimiter chooses the delimiter that splits the header into the
// most consistent table: each candidate parses the sample with full quote
// handling (so a quoted "Acme; Inc" in a comma file does not count for the
// semicolon), must give the header at least two cells, and scores by the
// share of rows with as many cells as the header; ties go to the candidate
// with more header cells, then to the order of delimiters. A file of one
// column (just emails) gets a comma. atEOF says the sample is the whole
// file, so its last row is complete.
func sniffDelimiter(sample []byte, atEOF bool, eol byte) byte {
	best, bestHeader := byte(','), 0
	bestScore := -1.0
	for _, d := range delimiters {
		counts := sampleCellCounts(sample, atEOF, d, eol)
		if len(counts) == 0 || counts[0] < 2 {
			continue
		}
		same := 0
		for _, c := range counts {
			if c == counts[0] {
				same++
			}
		}
		score := float64(same) / float64(len(counts))
		if score > bestScore || score == bestScore && counts[0] > bestHeader {
			best, bestHeader, bestScore = d, counts[0], score
		}
	}
	return best
}

// sampleCellCounts parses sample with delimiter d and returns the number of
// cells of each non-empty row, the header first. Rows that cannot be parsed are left out, and so is the last row
// when the sample was cut.
func sampleCellCounts(sample []byte, atEOF bool, d, eol byte) []int {
	sc := newScanner(bufio.NewReaderSize(bytes.NewReader(sample), 4096), d, eol, len(sample)+1)
	var counts []int
	for len(counts) < sniffRecords {
		r, err := sc.next()
		if err != nil {
			break
		}
		if r.empty || r.err != nil {
			continue
		}
		if !atEOF && len(sc.pending) == 0 && sc.br.Buffered() == 0 {
			if _, err := sc.br.Peek(1); err == io.EOF {
				break // the last row of a cut sample
			}
		}
		counts = append(counts, len(sc.ends))
	}
	return counts
}
