package textmatch

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestLiteralSetIsContainsAny compares the automaton with strings.Contains over random
// literal sets and texts of a small alphabet, where overlaps, shared prefixes and suffixes
// that are other literals are common.
func TestLiteralSetIsContainsAny(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abcé"[rng.IntN(4)]
		}
		return string(b)
	}
	for range 500 {
		var lits []string
		for range 1 + rng.IntN(8) {
			lits = append(lits, word(1+rng.IntN(4)))
		}
		ls := newLiteralSet(lits, false)
		for range 50 {
			text := word(rng.IntN(20)) + strings.Repeat("x", rng.IntN(2))
			want := slices.ContainsFunc(lits, func(l string) bool { return strings.Contains(text, l) })
			if got := ls.in(text); got != want {
				t.Fatalf("literals %q, text %q: got %v, want %v", lits, text, got, want)
			}
		}
	}
}
