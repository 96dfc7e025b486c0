package replytext

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/textmatch"
)

var foldReplacer = strings.NewReplacer(
	"ß", "ss", "æ", "ae", "œ", "oe",
	"’", "'", "‘", "'", "`", "'", "´", "'",
	"“", `"`, "”", `"`, "«", `"`, "»", `"`, "„", `"`,
	"\u00a0", " ", "\u202f", " ", "–", "-", "—", "-",
)

var accentFold = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i',
	'ó': 'o', 'ò': 'o', 'ô': 'o', 'ö': 'o', 'õ': 'o', 'ø': 'o',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u',
	'ç': 'c', 'ñ': 'n', 'ý': 'y', 'ÿ': 'y',
}

// Fold lower-cases s, removes common Latin accents, unifies quotes, dashes and spaces, and
// collapses runs of spaces. Newlines are kept so line-based rules still work.
func Fold(s string) string {
	s = foldReplacer.Replace(strings.ToLower(s))
	if !isASCII(s) { // accentFold only has non-ASCII keys
		s = strings.Map(func(r rune) rune {
			if f, ok := accentFold[r]; ok {
				return f
			}
			return r
		}, s)
	}
	return collapseBlanks(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// collapseBlanks turns each run of spaces and tabs into one space.
func collapseBlanks(s string) string {
	if !strings.Contains(s, "  ") && !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	blank := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' {
			if !blank {
				b.WriteByte(' ')
			}
			blank = true
			continue
		}
		blank = false
		b.WriteByte(c)
	}
	return b.String()
}

// Words compiles alternatives (regexp fragments, written for folded text) into one pattern
// that only matches at word boundaries (see textmatch.Words).
func Words(alts ...string) *regexp.Regexp { return regexp.MustCompile(textmatch.WordsExpr(alts)) }
