package replytext

import (
	"regexp"
	"strings"

	"github.com/leadbitz/leadbitz/internal/textmatch"
)

// Signal is one named cue: a pattern over folded text and how much it counts.
type Signal struct {
	Weight int
	// Negatable cues do not count right after a negation ("not interested" is not interest).
	Negatable bool
	Re        textmatch.Pattern
}

// Signals is a list of cues for one category.
type Signals []Signal

// S builds a signal from word-bounded alternatives (see Words).
func S(weight int, alts ...string) Signal {
	return Signal{Weight: weight, Re: textmatch.Words(alts...)}
}

// N builds a negatable signal.
func N(weight int, alts ...string) Signal {
	return Signal{Weight: weight, Negatable: true, Re: textmatch.Words(alts...)}
}

// negation is looked for in the few words before a negatable cue.
var negation = regexp.MustCompile(`(^|[^\p{L}])(not|no|n't|never|nicht|kein|keine|pas|non|ne|nao|nunca|ni|nie|niet|geen)([^\p{L}]|$)[^.!?\n]{0,14}$`)

// Match scores folded text: the sum of the weights of the cues found, and the phrases that
// matched (for Category.Reasons).
func (ss Signals) Match(folded string) (score int, found []string) {
	for _, s := range ss {
		for _, loc := range s.Re.FindAllStringIndex(folded, -1) {
			if s.Negatable && negated(folded, loc[0]) {
				continue
			}
			score += s.Weight
			found = append(found, strings.Trim(folded[loc[0]:loc[1]], " \t\n.,;:!?¿¡()\"'"))
			break
		}
	}
	return score, found
}

func negated(folded string, at int) bool {
	start := max(0, at-24)
	return negation.MatchString(folded[start : at+1])
}
