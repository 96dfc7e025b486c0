package classify

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// ligatures are the letters that do not decompose into a base letter plus
// marks but still need an ASCII spelling for matching.
var ligatures = strings.NewReplacer("ß", "ss", "œ", "oe", "æ", "ae", "ø", "o", "\u2019", "'", "\u2018", "'", "\u00a0", " ")

// fold lower-cases s and strips diacritics ("Réponse automática" →
// "reponse automatica"), so the multilingual patterns in this package are
// written once in plain ASCII and match however a mailer spelled them.
func fold(s string) string {
	s = ligatures.Replace(strings.ToLower(s))
	if isASCII(s) {
		return s
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
