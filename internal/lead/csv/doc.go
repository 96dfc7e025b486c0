// Package csv reads and writes leads as CSV: the streaming import reader
// (encoding checks, delimiter sniffing, header recognition and mapping to
// the fields of internal/lead/field) and a spreadsheet-safe export. It does
// no I/O of its own besides the reader and writer it is given, and knows
// nothing of the database or HTTP, so the same code serves the import job,
// previews, exports and the suppression list's bulk add.
//
// # Importing a file
//
// The storage layer runs an import like this:
//
//	total, err := csv.CountRows(file, opts) // rowsTotal; fails early on bad encoding
//	file.Seek(0, io.SeekStart)
//	ir, err := csv.NewReader(file, opts) // header + mapping, or a 422-style error
//	seen := field.NewDedupeSet()
//	for {
//		row, err := ir.Next()
//		if err == io.EOF { break }
//		if err != nil { /* import failed: encoding or I/O */ }
//		rowsDone++
//		if row.Err != nil { /* record {row.Number, row.Err.Error()} */ continue }
//		if first := seen.See(row.Fields.Email, row.Number); first != 0 {
//			/* same email as row `first` of this file: field.MergeFields with onDuplicate */
//		}
//		/* batch the row; on conflict with a stored lead, field.MergeFields(existing, row.Fields, mode) */
//	}
//
// The reader never holds the file: a 64 KiB buffer and one row (at most
// Options.MaxRowBytes) at a time. It copes with real exports: a UTF-8
// byte order mark, CRLF or CR line ends, a sniffed delimiter (comma,
// semicolon, tab, pipe), Excel's "sep=" line, quoted cells with delimiters,
// quotes and line breaks, ragged rows (short rows padded, long rows
// rejected or kept as col_N), empty rows (skipped, but counted in row
// numbers like a spreadsheet does), the apostrophe that exporters put
// before "+1 415…". A broken row is rejected with a reason and the import
// goes on; only an encoding problem or a read error ends it (see
// EncodingError: converting a guessed encoding would store mojibake).
//
// Without a mapping the header is recognised (DetectMapping): Apollo,
// LinkedIn Sales Navigator exports, HubSpot, Instantly, lemlist, plain
// "Email"/"E-mail"/"Mail" columns, French, German and Spanish headers.
// Unrecognised columns become custom fields with snake_case keys.
//
// # Export
//
// Writer writes leads as CSV with every formula-like cell neutralised
// (OWASP CSV injection), in a form NewReader reads back unchanged.
package csv
