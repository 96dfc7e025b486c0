package csv

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/lead/field"
)

// maxHeaderNameLen bounds a column name, in bytes, as stored in a Mapping.
const maxHeaderNameLen = 256

// headerNames turns a header row's cells into column names: trimmed of
// spaces, invisible characters and a stray byte order mark, cut to 256
// bytes, and "col_N" (N counting from 1) for an empty cell, so every column
// can be named in a Mapping.
func headerNames(cells []string) []string {
	names := make([]string, len(cells))
	for i, c := range cells {
		c = field.TrimSpace(c)
		if len(c) > maxHeaderNameLen {
			c = field.TrimSpace(strings.ToValidUTF8(c[:maxHeaderNameLen], ""))
		}
		if c == "" {
			c = "col_" + strconv.Itoa(i+1)
		}
		names[i] = c
	}
	return names
}

// foldKey reduces a header to the form headerAliases is keyed by:
// lower-case, Latin accents removed, only ASCII letters and digits kept.
// "Prénom" → "prenom", "E-Mail-Adresse" → "emailadresse",
// "Country/Region" → "countryregion", "# Employees" → "employees".
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		for _, c := range foldRune(unicode.ToLower(r)) {
			if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
				b.WriteRune(c)
			}
		}
	}
	return b.String()
}

// snakeKey turns a header into the key of the custom field it becomes:
// snake_case, Latin accents removed, other letters kept lower-cased, words
// split at spaces, punctuation and camelCase humps. "Company Name for
// Emails" → "company_name_for_emails", "firstLine" → "first_line",
// "# Employees" → "employees", "Années d'expérience" →
// "annees_d_experience". snake_case was chosen over lowerCamel because it
// is stable: a key it produced maps to itself when the file is exported
// and imported again. It returns "" when s has no letter or digit.
func snakeKey(s string) string {
	var words [][]rune
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, cur)
			cur = nil
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if unicode.IsUpper(r) && len(cur) > 0 {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && nextLower {
				flush()
			}
		}
		for _, c := range foldRune(unicode.ToLower(r)) {
			cur = append(cur, c)
		}
	}
	flush()
	var b strings.Builder
	for _, w := range words {
		if b.Len() == 0 {
			for len(string(w)) > field.MaxCustomKeyLen {
				w = w[:len(w)-1]
			}
		}
		if b.Len() > 0 && b.Len()+1+len(string(w)) > field.MaxCustomKeyLen {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		b.WriteString(string(w))
	}
	return b.String()
}

// foldRune returns the ASCII spelling of a lower-case Latin letter with a
// diacritic, or the rune itself.
func foldRune(r rune) string {
	if r < utf8.RuneSelf {
		return string(r)
	}
	if f, ok := latinFold[r]; ok {
		return f
	}
	return string(r)
}

var latinFold = func() map[rune]string {
	m := make(map[rune]string)
	for ascii, letters := range map[string]string{
		"a": "àáâãäåāăą", "ae": "æ", "c": "çćĉċč", "d": "ďđ", "e": "èéêëēĕėęě",
		"g": "ĝğġģ", "h": "ĥħ", "i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ", "l": "ĺļľŀł",
		"n": "ñńņňŉ", "o": "òóôõöøōŏő", "oe": "œ", "r": "ŕŗř", "s": "śŝşšș", "ss": "ß",
		"t": "ţťŧț", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range letters {
			m[r] = ascii
		}
	}
	return m
}()
