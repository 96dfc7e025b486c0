// Package field is the pure model of a lead's values: the standard fields
// and custom keys, the normalisation and validation of each value, the
// errors that name the field at fault, and how a duplicate row merges into
// an existing lead. It does no I/O and knows nothing of the database, CSV or
// HTTP, so the same code serves POST /api/leads, imports, previews and
// exports.
//
// # Fields
//
// Fields holds a lead's standard values and its custom key/values. Field
// names ("firstName", "linkedinUrl", "custom.icebreaker") are shared by the
// JSON API, import mappings, provenance records and MergeFields; resolve
// one with ByName. Normalize turns user input into the canonical form
// that is stored and compared: NormalizeEmail is the one definition of
// "the same address" (uniqueness, suppression, dedupe).
//
// # Duplicates
//
// OnDuplicate (skip, update, fill) decides what a row does to an existing
// lead with the same email; MergeFields applies it and returns the fields
// that changed, which are the ones provenance records. DedupeSet finds rows
// that repeat an earlier row of the same file.
package field
