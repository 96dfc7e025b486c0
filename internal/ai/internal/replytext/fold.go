package replytext

import (
	"regexp"
	"strings"
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

var spaceRun = regexp.MustCompile(`[ \t]+`)

// Fold lower-cases s, removes common Latin accents, unifies quotes, dashes and spaces, and
// collapses runs of spaces. Newlines are kept so line-based rules still work.
func Fold(s string) string {
	s = foldReplacer.Replace(strings.ToLower(s))
	s = strings.Map(func(r rune) rune {
		if f, ok := accentFold[r]; ok {
			return f
		}
		return r
	}, s)
	return spaceRun.ReplaceAllString(s, " ")
}

// Words compiles alternatives (regexp fragments, written for folded text) into one pattern
// that only matches at word boundaries. Go's \b only knows ASCII letters, so the boundary is
// spelled out with Unicode classes.
func Words(alts ...string) *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[^\p{L}\p{N}])(?:` + strings.Join(alts, "|") + `)(?:[^\p{L}\p{N}]|$)`)
}
