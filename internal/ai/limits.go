package ai

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length caps, in runes, for untrusted text placed into prompts or read by rules. They keep
// prompts (and cost) bounded and stop a huge lead field or email from burying the task.
const (
	MaxFieldRunes        = 200  // one lead field, a title, a subject line
	MaxCustomFields      = 20   // custom lead fields kept, in key order
	MaxDescriptionRunes  = 4000 // product description
	MaxNotesRunes        = 2000 // ICP notes
	MaxInstructionsRunes = 1000 // the user's drafting instructions
	MaxWebsiteTextRunes  = 8000 // website text fetched by the caller
	MaxEmailRunes        = 6000 // one email body
)

// Clean makes untrusted text safe to measure and embed: it normalises line endings, drops
// control and format characters (keeping newlines and tabs; format characters include the
// zero-width and bidi controls used to hide text), trims surrounding space and caps the
// length at maxRunes (0 means no cap).
func Clean(s string, maxRunes int) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	return Truncate(strings.TrimSpace(s), maxRunes)
}

// Truncate cuts s to at most maxRunes runes (0 means no cap), ending with "…" when cut.
func Truncate(s string, maxRunes int) string {
	if maxRunes <= 0 || utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:maxRunes-1])) + "…"
}
