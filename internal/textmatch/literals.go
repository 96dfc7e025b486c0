package textmatch

import "slices"

// literalSet answers "does the text contain any of these strings?" in one
// pass over the text (Aho-Corasick, compiled to a table: one lookup per
// byte). Checking hundreds of literals one strings.Contains at a time cost
// more than the regexps it was saving.
type literalSet struct {
	class  [256]uint8 // byte -> column; 0 for bytes no literal has
	width  int        // columns per state
	next   []int32    // state*width + column -> next state
	accept []bool     // a literal ends at this state (or at one its suffix reaches)
}

// newLiteralSet compiles lits; with fold, they are found in any ASCII case
// (upper-case ASCII letters of lits and text alike read as lower case; other
// bytes as they are).
func newLiteralSet(lits []string, fold bool) *literalSet {
	if fold {
		lits = slices.Clone(lits)
		for i, l := range lits {
			lits[i] = asciiLower(l)
		}
	}
	ls := &literalSet{width: 1}
	for _, l := range lits {
		for i := 0; i < len(l); i++ {
			if ls.class[l[i]] == 0 {
				ls.class[l[i]] = uint8(ls.width)
				ls.width++
			}
		}
	}
	if fold {
		for c := byte('A'); c <= 'Z'; c++ {
			ls.class[c] = ls.class[c+'a'-'A']
		}
	}
	ls.addState()
	// The trie; -1 marks a missing edge until the failure links fill it.
	for _, l := range lits {
		s := int32(0)
		for i := 0; i < len(l); i++ {
			c := int32(ls.class[l[i]])
			if ls.next[s*int32(ls.width)+c] < 0 {
				ls.next[s*int32(ls.width)+c] = ls.addState()
			}
			s = ls.next[s*int32(ls.width)+c]
		}
		ls.accept[s] = true
	}
	// Breadth first: a missing edge goes where the longest proper suffix
	// that is a trie path goes; a state accepts if that suffix does.
	fail := make([]int32, len(ls.accept))
	var queue []int32
	for c := 0; c < ls.width; c++ {
		if t := ls.next[c]; t < 0 {
			ls.next[c] = 0
		} else {
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		ls.accept[s] = ls.accept[s] || ls.accept[fail[s]]
		for c := int32(0); c < int32(ls.width); c++ {
			i := s*int32(ls.width) + c
			f := ls.next[fail[s]*int32(ls.width)+c]
			if ls.next[i] < 0 {
				ls.next[i] = f
				continue
			}
			fail[ls.next[i]] = f
			queue = append(queue, ls.next[i])
		}
	}
	return ls
}

func (ls *literalSet) addState() int32 {
	for range ls.width {
		ls.next = append(ls.next, -1)
	}
	ls.accept = append(ls.accept, false)
	return int32(len(ls.accept) - 1)
}

// in reports whether s contains one of the literals.
func (ls *literalSet) in(s string) bool {
	state := int32(0)
	w := int32(ls.width)
	for i := 0; i < len(s); i++ {
		state = ls.next[state*w+int32(ls.class[s[i]])]
		if ls.accept[state] {
			return true
		}
	}
	return false
}

// asciiLower lower-cases the ASCII letters of s and leaves every other byte.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
