package csv

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// Encodings an EncodingError can name.
const (
	EncodingUTF16       = "UTF-16"
	EncodingUTF32       = "UTF-32"
	EncodingWindows1252 = "Windows-1252"
	EncodingMultiByte   = "a legacy multi-byte encoding (Shift-JIS, GBK, Big5…)"
	EncodingUnknown     = "an unknown encoding"
	EncodingXLSX        = "xlsx"
	EncodingXLS         = "xls"
	EncodingGzip        = "gzip"
	EncodingPDF         = "pdf"
	EncodingBinary      = "binary"
)

// EncodingError stops an import whose file is not UTF-8 text. Leadbitz does
// not guess a conversion: a wrong guess would store mojibake ("MÃ¼ller") in
// thousands of leads and send it to people. The message tells the user how
// to fix the file, in the words of the spreadsheet they exported it from.
type EncodingError struct {
	// Encoding is the best guess of what the file is: one of the
	// Encoding* constants.
	Encoding string
	// Row is the spreadsheet row holding the first byte that is not UTF-8,
	// or 0 when the start of the file gave the encoding away.
	Row int
}

func (e *EncodingError) Error() string {
	const fix = "save it as \"CSV UTF-8\" and import it again"
	switch e.Encoding {
	case EncodingXLSX:
		return "file is an Excel workbook (.xlsx), not CSV; in Excel choose File › Save As › CSV UTF-8 and import that file"
	case EncodingXLS:
		return "file is an old Excel workbook (.xls), not CSV; in Excel choose File › Save As › CSV UTF-8 and import that file"
	case EncodingGzip:
		return "file is compressed (gzip), not CSV; uncompress it and import the CSV inside"
	case EncodingPDF:
		return "file is a PDF, not CSV; export the data as CSV UTF-8"
	case EncodingBinary:
		return "file is not text (it contains NUL bytes); " + fix
	}
	where := ""
	if e.Row > 0 {
		where = fmt.Sprintf(" (first non-UTF-8 byte on row %d)", e.Row)
	}
	return fmt.Sprintf("file is not UTF-8: it looks like %s%s; %s", e.Encoding, where, fix)
}

// utf8BOM is stripped from the start of a file; Excel's "CSV UTF-8" writes it.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// sniffEncoding looks at the first bytes of a file. It returns how many
// bytes of UTF-8 byte order mark to skip, or an *EncodingError when the file
// is plainly not UTF-8 text.
func sniffEncoding(head []byte) (skip int, err error) {
	switch {
	case bytes.HasPrefix(head, utf8BOM):
		return len(utf8BOM), nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}), bytes.HasPrefix(head, []byte{0, 0, 0xFE, 0xFF}):
		return 0, &EncodingError{Encoding: EncodingUTF32}
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return 0, &EncodingError{Encoding: EncodingUTF16}
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return 0, &EncodingError{Encoding: EncodingXLSX}
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return 0, &EncodingError{Encoding: EncodingXLS}
	case bytes.HasPrefix(head, []byte{0x1F, 0x8B}):
		return 0, &EncodingError{Encoding: EncodingGzip}
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return 0, &EncodingError{Encoding: EncodingPDF}
	}
	if nul := bytes.Count(head, []byte{0}); nul > 0 {
		// UTF-16 without a byte order mark: ASCII text with every other
		// byte zero.
		if nul*3 >= len(head) {
			return 0, &EncodingError{Encoding: EncodingUTF16}
		}
		if nul*100 >= len(head) {
			return 0, &EncodingError{Encoding: EncodingBinary}
		}
	}
	return 0, nil
}

// guessLegacy names the encoding of a line that is not valid UTF-8 from its
// bytes of 0x80 and above. Text in Windows-1252 or Latin-1 has them mostly
// alone between ASCII letters ("M\xfcller", "Soci\xe9t\xe9"); Shift-JIS,
// GBK and Big5 have them in runs, two bytes per character.
func guessLegacy(line []byte) string {
	isolated, runs := 0, 0
	for i := 0; i < len(line); i++ {
		if line[i] < utf8.RuneSelf {
			continue
		}
		j := i
		for j < len(line) && line[j] >= utf8.RuneSelf {
			j++
		}
		if j-i == 1 {
			isolated++
		} else {
			runs++
		}
		i = j - 1
	}
	switch {
	case isolated == 0 && runs == 0:
		return EncodingUnknown
	case isolated >= runs:
		return EncodingWindows1252
	default:
		return EncodingMultiByte
	}
}
