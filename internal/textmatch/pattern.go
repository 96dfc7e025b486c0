// Package textmatch holds regular expressions with a literal prefilter, for the phrase lists
// that classify inbound mail (bounces, auto-replies, reply categories).
package textmatch

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Pattern is a regular expression with a cheap test in front of it: the
// literal strings one of which every match must contain. Go's regexp runs the
// large word-bounded alternations of this package position by position with
// hundreds of alternatives alive at each, which made them most of the reply
// loop's CPU time; most texts contain none of a pattern's literals, and
// strings.Contains rules those out in nanoseconds. The answers are exactly
// the regexp's.
type Pattern struct{ l *lazy }

// lazy compiles a pattern on its first use: the phrase lists are package
// variables, and compiled at start they held megabytes (their Unicode
// classes, their literal automata) in every process, including one that
// never reads a reply.
type lazy struct {
	once  sync.Once
	build func() compiled
	c     compiled
}

// compiled is a pattern ready to match.
type compiled struct {
	Re   *regexp.Regexp
	need []string    // nil: no literal is certain, always run Re
	set  *literalSet // need, compiled
}

func deferred(build func() compiled) Pattern { return Pattern{&lazy{build: build}} }

// get compiles p on first use.
func (p Pattern) get() *compiled {
	p.l.once.Do(func() { p.l.c = p.l.build(); p.l.build = nil })
	return &p.l.c
}

// Regexp is p's regular expression, without the prefilter.
func (p Pattern) Regexp() *regexp.Regexp { return p.get().Re }

// Plain is re as a Pattern without a prefilter (tests compare the two).
func Plain(re *regexp.Regexp) Pattern {
	return deferred(func() compiled { return compiled{Re: re} })
}

// MustCompile compiles expr (Go syntax) with its literal prefilter; it panics on a bad
// expression, like regexp.MustCompile.
//
// It is compiled on first use; a bad expression panics then, and every
// pattern's tests use it.
func MustCompile(expr string) Pattern {
	return deferred(func() compiled {
		need, fold := requiredLiterals(expr)
		return withNeed(regexp.MustCompile(expr), need, fold)
	})
}

// Words compiles alternatives (regexp fragments) into one pattern that only matches at word
// boundaries. Go's \b only knows ASCII letters, so the boundary is spelled out with Unicode
// classes. The prefilter's literals are read from each alternative on its own: parsed
// together, alternatives sharing a first letter are factored into one ("no…|not…" becomes
// "no(…|t…)"), which hides their longer literals.
func Words(alts ...string) Pattern {
	return deferred(func() compiled {
		var need []string
		fold := false
		for _, alt := range alts {
			lits, f := requiredLiterals(alt)
			fold = fold || f
			if lits == nil {
				need = nil
				break
			}
			need = append(need, lits...)
		}
		if need != nil {
			need = dedupe(need)
		}
		return withNeed(regexp.MustCompile(WordsExpr(alts)), need, fold)
	})
}

// WordsExpr is the expression Words compiles.
func WordsExpr(alts []string) string {
	return `(?:^|[^\p{L}\p{N}])(?:` + strings.Join(alts, "|") + `)(?:[^\p{L}\p{N}]|$)`
}

// mayMatch reports whether s contains one of the literals every match needs.
func (p *compiled) mayMatch(s string) bool {
	switch {
	case p.set != nil:
		return p.set.in(s)
	case p.need == nil:
		return true
	}
	for _, lit := range p.need {
		if strings.Contains(s, lit) {
			return true
		}
	}
	return false
}

// withNeed attaches the literal prefilter (none when need is nil). A few
// literals are looked for one by one (strings.Contains is vectorised, much
// faster per byte than the automaton's table); many, or any in any case, in
// one pass.
func withNeed(re *regexp.Regexp, need []string, fold bool) compiled {
	p := compiled{Re: re, need: need}
	if need != nil && (len(need) > 8 || fold) {
		p.set = newLiteralSet(need, fold)
	}
	return p
}

// MatchString is p.Re.MatchString.
func (p Pattern) MatchString(s string) bool {
	c := p.get()
	return c.mayMatch(s) && c.Re.MatchString(s)
}

// FindString is p.Re.FindString.
func (p Pattern) FindString(s string) string {
	c := p.get()
	if !c.mayMatch(s) {
		return ""
	}
	return c.Re.FindString(s)
}

// FindStringIndex is p.Re.FindStringIndex.
func (p Pattern) FindStringIndex(s string) []int {
	c := p.get()
	if !c.mayMatch(s) {
		return nil
	}
	return c.Re.FindStringIndex(s)
}

// FindStringSubmatch is p.Re.FindStringSubmatch.
func (p Pattern) FindStringSubmatch(s string) []string {
	c := p.get()
	if !c.mayMatch(s) {
		return nil
	}
	return c.Re.FindStringSubmatch(s)
}

// FindAllStringIndex is p.Re.FindAllStringIndex.
func (p Pattern) FindAllStringIndex(s string, n int) [][]int {
	c := p.get()
	if !c.mayMatch(s) {
		return nil
	}
	return c.Re.FindAllStringIndex(s, n)
}

// requiredLiterals returns strings one of which is inside every match of
// expr, or nil when no such set is known (then the pattern always runs).
//
// Case-insensitive parts ((?i)) give lower-case ASCII literals and fold is
// true: the set is then looked for in any ASCII case, all of it (a superset
// of the matches is all a prefilter needs).
func requiredLiterals(expr string) (lits []string, fold bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, false
	}
	re = re.Simplify()
	lits, ok := needs(re)
	if !ok {
		return nil, false
	}
	return dedupe(lits), foldsCase(re)
}

// foldsCase reports whether any literal of re is case-insensitive.
func foldsCase(re *syntax.Regexp) bool {
	if re.Op == syntax.OpLiteral && re.Flags&syntax.FoldCase != 0 {
		return true
	}
	return slices.ContainsFunc(re.Sub, foldsCase)
}

// foldedFragment is what a case-insensitive literal certainly contains in
// ASCII: its longest run without k or s, the two ASCII letters whose case
// folding includes a non-ASCII letter (the Kelvin sign, the long s), which
// an ASCII case-insensitive search would miss. Non-ASCII literals give none.
func foldedFragment(runes []rune) (string, bool) {
	best, cur := "", []byte{}
	for _, r := range runes {
		if r >= utf8.RuneSelf {
			return "", false
		}
		c := byte(unicode.ToLower(r))
		if c == 'k' || c == 's' {
			cur = cur[:0]
			continue
		}
		cur = append(cur, c)
		if len(cur) > len(best) {
			best = string(cur)
		}
	}
	return best, best != ""
}

// needs computes, for the expression tree re, a set of strings such that
// every match of re contains at least one of them; ok is false when there is
// none (re can match without any particular literal, or the empty string).
func needs(re *syntax.Regexp) (lits []string, ok bool) {
	if set, ok := exact(re); ok {
		return set, shortest(set) > 0
	}
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			frag, ok := foldedFragment(re.Rune)
			return []string{frag}, ok
		}
		return []string{string(re.Rune)}, len(re.Rune) > 0
	case syntax.OpCapture, syntax.OpPlus:
		return needs(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		return needs(re.Sub[0])
	case syntax.OpCharClass:
		return classLiterals(re.Rune)
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			l, ok := needs(sub)
			if !ok {
				return nil, false
			}
			lits = append(lits, l...)
		}
		return lits, true
	case syntax.OpConcat:
		// Any one part's set will do; the best is the one whose shortest
		// literal is longest, as it rules out the most texts. Runs of parts
		// with few exact spellings ("no" then "t|n't") count as one part
		// spelled out ("not", "non't").
		best := -1
		consider := func(l []string, ok bool) {
			if ok && shortest(l) > best {
				lits, best = l, shortest(l)
			}
		}
		var run []string // the spellings of the current run of exact parts
		inRun := false
		for _, sub := range re.Sub {
			set, isExact := exact(sub)
			if isExact && (!inRun || len(run)*len(set) <= maxExact) {
				if inRun {
					run = product(run, set)
				} else {
					run, inRun = set, true
				}
				continue
			}
			if inRun {
				consider(run, true)
			}
			run, inRun = set, isExact
			if !isExact {
				consider(needs(sub))
			}
		}
		if inRun {
			consider(run, true)
		}
		return lits, best > 0
	}
	return nil, false
}

// maxExact bounds the spellings exact spells out.
const maxExact = 64

// exact returns every string re matches when they are few (a literal, a
// small class, alternations, concatenations and options of those).
func exact(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		return classLiterals(re.Rune)
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpQuest:
		set, ok := exact(re.Sub[0])
		return append(set, ""), ok && len(set) < maxExact
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			set, ok := exact(sub)
			if !ok || len(all)+len(set) > maxExact {
				return nil, false
			}
			all = append(all, set...)
		}
		return all, true
	case syntax.OpConcat:
		all := []string{""}
		for _, sub := range re.Sub {
			set, ok := exact(sub)
			if !ok || len(all)*len(set) > maxExact {
				return nil, false
			}
			all = product(all, set)
		}
		return all, true
	}
	return nil, false
}

// product is every a followed by every b.
func product(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

// classLiterals turns a small character class ("[45]", "[sz]") into its
// characters; larger ones say nothing useful.
func classLiterals(ranges []rune) ([]string, bool) {
	var lits []string
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			if len(lits) == 4 || !utf8.ValidRune(r) {
				return nil, false
			}
			lits = append(lits, string(r))
		}
	}
	return lits, len(lits) > 0
}

func shortest(lits []string) int {
	n := -1
	for _, l := range lits {
		if n < 0 || len(l) < n {
			n = len(l)
		}
	}
	return n
}

// dedupe drops repeats and any literal that contains another one of the set
// (a text with "ab" in it is already let through by "a").
func dedupe(lits []string) []string {
	var out []string
	for i, l := range lits {
		covered := false
		for j, o := range lits {
			if i != j && strings.Contains(l, o) && (len(o) < len(l) || j < i) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, l)
		}
	}
	return out
}

// FindAllString is p.Re.FindAllString.
func (p Pattern) FindAllString(s string, n int) []string {
	c := p.get()
	if !c.mayMatch(s) {
		return nil
	}
	return c.Re.FindAllString(s, n)
}

// FindStringSubmatchIndex is p.Re.FindStringSubmatchIndex.
func (p Pattern) FindStringSubmatchIndex(s string) []int {
	c := p.get()
	if !c.mayMatch(s) {
		return nil
	}
	return c.Re.FindStringSubmatchIndex(s)
}

// FindAllStringSubmatch is p.Re.FindAllStringSubmatch.
func (p Pattern) FindAllStringSubmatch(s string, n int) [][]string {
	c := p.get()
	if !c.mayMatch(s) {
		return nil
	}
	return c.Re.FindAllStringSubmatch(s, n)
}

// FindAllStringSubmatchIndex is p.Re.FindAllStringSubmatchIndex.
func (p Pattern) FindAllStringSubmatchIndex(s string, n int) [][]int {
	c := p.get()
	if !c.mayMatch(s) {
		return nil
	}
	return c.Re.FindAllStringSubmatchIndex(s, n)
}

// ReplaceAllString is p.Re.ReplaceAllString.
func (p Pattern) ReplaceAllString(src, repl string) string {
	c := p.get()
	if !c.mayMatch(src) {
		return src
	}
	return c.Re.ReplaceAllString(src, repl)
}
