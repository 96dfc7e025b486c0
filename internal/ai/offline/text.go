package offline

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/ai/internal/replytext"
)

var sentenceEnd = regexp.MustCompile(`([.!?])\s+|\n+`)

// sentences splits text into trimmed sentences, keeping abbreviations like "e.g." whole
// well enough for product copy.
func sentences(text string) []string {
	var out []string
	for _, s := range sentenceEnd.Split(text, -1) {
		s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "-•*·"))
		if utf8.RuneCountInString(s) >= 3 {
			out = append(out, s)
		}
	}
	return out
}

// upperFirst capitalises the first letter.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerFirst lower-cases the first letter unless the first word looks like a name or an
// acronym (a second capital letter in it).
func lowerFirst(s string) string {
	first, _, _ := strings.Cut(s, " ")
	caps := 0
	for _, r := range first {
		if unicode.IsUpper(r) {
			caps++
		}
	}
	if caps > 1 {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// oneLine collapses whitespace so lead data cannot add lines to an email.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// wordCount counts words.
func wordCount(s string) int { return len(strings.Fields(s)) }

// fold is replytext.Fold, for brevity here.
func fold(s string) string { return replytext.Fold(s) }

// appendUnique appends the values not already in list (case-insensitively), up to limit.
func appendUnique(list []string, limit int, values ...string) []string {
	for _, v := range values {
		if len(list) >= limit {
			break
		}
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		dup := false
		for _, have := range list {
			if strings.EqualFold(have, v) {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, v)
		}
	}
	return list
}

// joinAnd joins items as "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
