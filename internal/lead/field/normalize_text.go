package field

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeName cleans a first or last name: surrounding space trimmed and
// runs of spaces, tabs and line breaks collapsed to one space. Spreadsheet
// placeholders that mean "no value" ("-", "N/A", "#N/A", "null") become
// empty. Case is left alone: "McDonald", "van der Berg" and "DE LA CRUZ"
// cannot be recased safely.
func NormalizeName(s string) string {
	s = collapseSpace(s)
	if isNamePlaceholder(s) {
		return ""
	}
	return s
}

// NormalizeText cleans company, title and country values like NormalizeName,
// and also empties the wider set of placeholders ("none", "unknown", "na").
func NormalizeText(s string) string {
	s = collapseSpace(s)
	if isPlaceholder(s) {
		return ""
	}
	return s
}

// NormalizeCountry keeps the country as the file gives it ("France", "FR",
// "United States"), cleaned like NormalizeText. Codes are not converted:
// the value is shown and used in filters as the user knows it.
func NormalizeCountry(s string) string { return NormalizeText(s) }

// isInvisible reports characters that copy-paste from web pages and
// spreadsheets leaves around values: zero-width spaces and joiners, the word
// joiner and a stray byte order mark.
func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return false
}

func isSpaceOrInvisible(r rune) bool { return unicode.IsSpace(r) || isInvisible(r) }

// TrimSpace trims white space (including no-break spaces) and invisible
// characters from both ends of s.
func TrimSpace(s string) string {
	if isPlainASCII(s) {
		return strings.TrimSpace(s)
	}
	return strings.TrimFunc(s, isSpaceOrInvisible)
}

// collapseSpace trims s and replaces every run of white space or invisible
// characters inside it by one ASCII space. It returns s itself when nothing
// changes, which is the common case and costs no allocation.
func collapseSpace(s string) string {
	s = TrimSpace(s)
	clean := true
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			clean = false
			break
		}
		if c == ' ' {
			if prevSpace {
				clean = false
				break
			}
			prevSpace = true
			continue
		}
		if c < ' ' || c == 0x7f {
			clean = false
			break
		}
		prevSpace = false
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s {
		if isSpaceOrInvisible(r) || (r < ' ' || r == 0x7f) {
			pendingSpace = b.Len() > 0
			continue
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isPlainASCII reports whether s is printable ASCII only.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// placeholderLen is longer than every placeholder below, so longer values
// are rejected without lower-casing.
const placeholderLen = 16

// isPlaceholder reports values that spreadsheets and CRMs put in a cell to
// mean "nothing here". s must already be trimmed.
func isPlaceholder(s string) bool {
	if len(s) == 0 || len(s) > placeholderLen {
		return false
	}
	var buf [placeholderLen]byte
	switch string(lowerASCII(buf[:0], s)) {
	case "-", "--", "---", "—", "–", "?", "n/a", "#n/a", "na", "n.a.", "none", "null", "nil",
		"undefined", "unknown", "not available", "nan", "tbd", "#value!", "#ref!", "#name?":
		return true
	}
	return false
}

// isNamePlaceholder is isPlaceholder without the words that are also real
// names: "Na" and "Nan" are names, "None" barely, "Nil" is one.
func isNamePlaceholder(s string) bool {
	if !isPlaceholder(s) {
		return false
	}
	var buf [placeholderLen]byte
	switch string(lowerASCII(buf[:0], s)) {
	case "na", "nan", "nil", "none", "tbd":
		return false
	}
	return true
}

// lowerASCII appends s lower-cased (ASCII letters only) to dst.
func lowerASCII(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
