// Package lead is the pure core of leads: the field model, normalisation
// and validation of each value, the streaming CSV import reader, header
// detection, duplicate handling and a spreadsheet-safe CSV export. It does
// no I/O of its own besides the reader and writer it is given, and knows
// nothing of the database or HTTP, so the same code serves POST /api/leads,
// the import job, previews and exports.
//
// # Fields
//
// Fields holds a lead's standard values and its custom key/values. Field
// names ("firstName", "linkedinUrl", "custom.icebreaker") are shared by the
// JSON API, import mappings, provenance records and MergeFields; resolve
// one with FieldByName. Normalize turns user input into the canonical form
// that is stored and compared: NormalizeEmail is the one definition of
// "the same address" (uniqueness, suppression, dedupe).
//
// # Importing a file
//
// The storage layer runs an import like this:
//
//	total, err := lead.CountRows(file, opts) // rowsTotal; fails early on bad encoding
//	file.Seek(0, io.SeekStart)
//	ir, err := lead.NewImportReader(file, opts) // header + mapping, or a 422-style error
//	seen := lead.NewDedupeSet()
//	for {
//		row, err := ir.Next()
//		if err == io.EOF { break }
//		if err != nil { /* import failed: encoding or I/O */ }
//		rowsDone++
//		if row.Err != nil { /* record {row.Number, row.Err.Error()} */ continue }
//		if first := seen.See(row.Fields.Email, row.Number); first != 0 {
//			/* same email as row `first` of this file: MergeFields with onDuplicate */
//		}
//		/* batch the row; on conflict with a stored lead, MergeFields(existing, row.Fields, mode) */
//	}
//
// The reader never holds the file: a 64 KiB buffer and one row (at most
// ReaderOptions.MaxRowBytes) at a time. It copes with real exports: a UTF-8
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
// # Duplicates
//
// OnDuplicate (skip, update, fill) decides what a row does to an existing
// lead with the same email; MergeFields applies it and returns the fields
// that changed, which are the ones provenance records. DedupeSet finds rows
// that repeat an earlier row of the same file.
//
// # Export
//
// ExportWriter writes leads as CSV with every formula-like cell neutralised
// (OWASP CSV injection), in a form NewImportReader reads back unchanged.
package lead
