package textmatch

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestRequiredLiterals(t *testing.T) {
	tests := []struct {
		expr string
		want []string // nil: no prefilter
	}{
		{`not interested`, []string{"not interested"}},
		{`no(t interested| interest)`, []string{"not interested", "no interest"}},
		{`(we're|we are) (good|all set)`, []string{"we're good", "we're all set", "we are good", "we are all set"}},
		{`out of (the )?office`, []string{"out of the office", "out of office"}},
		{`desinscri\w*`, []string{"desinscri"}},
		{`[45]\d\d`, []string{"4", "5"}},
		{`a|b*`, nil},                 // b* matches the empty string
		{`\d+`, nil},                  // a large class says nothing
		{`(?i)stop`, []string{"top"}}, // any case; s and k have non-ASCII folds
		{`(?i)(mailer-daemon|postmaster)`, []string{"mailer-daemon", "tma"}},
		{`(?i)über`, nil}, // non-ASCII under case folding: none
		{`^(on|am)\s.{4,20}\s(wrote|schrieb)$`, []string{"wrote", "schrieb"}},
	}
	for _, tt := range tests {
		got, _ := requiredLiterals(tt.expr)
		slices.Sort(got)
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("requiredLiterals(%q) = %q, want %q", tt.expr, got, want)
		}
	}
}

func TestWordsReadsEachAlternativeAlone(t *testing.T) {
	p := Words(`not interested`, `no interest`, `no,? thanks?`)
	for _, lit := range []string{"not interested", "no interest", "no thank", "no, thank"} {
		if !slices.Contains(p.get().need, lit) {
			t.Errorf("prefilter %q lacks %q", p.get().need, lit)
		}
	}
	if p.get().mayMatch("sounds interesting, tell me more") {
		t.Error("a text without any literal passed the prefilter")
	}
}

// TestPatternAnswersAsItsRegexp checks the prefilter never changes an answer: on texts made
// of the patterns' own words, near misses and noise, every method gives what the plain
// regexp gives.
func TestPatternAnswersAsItsRegexp(t *testing.T) {
	exprs := []string{
		WordsExpr([]string{`not interested`, `no,? thanks?( you)?`, `(don't|do not) (contact|e-?mail) me`, `desinscri\w*`}),
		`^((re|aw|fwd?)\s?:\s?)?(automatic reply|out of (the )?office|abwesend)`,
		`(unsubscribe|opt[- ]out).{0,20}(click|here)|(click|here).{0,20}(unsubscribe|opt[- ]out)`,
		`(?:^|[^\d.])([245]\.\d{1,3}\.\d{1,3})(?:[^\d.]|$)`,
		`\b(\d{1,2})\.(\d{1,2})\.(?:(\d{4}|\d{2})\b)?`,
		`(?i)mailer-daemon|postmaster`,
		`(?i:unsubscribe)|Über|ABC`, // case-insensitive beside case-sensitive, non-ASCII upper case
		`a|b*`,
	}
	pieces := []string{"not", "interested", "no", ",", "thanks", "thank", "you", "don't", "do not", "contact", "e-mail",
		"email", "me", "desinscrire", "re:", "aw: ", "automatic reply", "out of the office", "office", "abwesend",
		"unsubscribe", "opt-out", "opt out", "click", "here", "5.1.1", "4.2.2", "550", "12.03.2026", "1.2.", "MAILER-DAEMON",
		"postmaster", "POſTMAſTER", "Mailer-Daemon", "UNSUBSCRIBE", "Über", "über", "ABC", "abc", "a", "b", " ", " ", "\n", ".", "é", "x", "7"}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, expr := range exprs {
		p := MustCompile(expr)
		w := Plain(p.Regexp()) // the same regexp without prefilter
		for range 3000 {
			var b strings.Builder
			for range rng.IntN(12) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
				if rng.IntN(3) == 0 {
					b.WriteByte(' ')
				}
			}
			s := b.String()
			if p.MatchString(s) != w.MatchString(s) ||
				!slices.EqualFunc(p.FindAllStringIndex(s, -1), w.FindAllStringIndex(s, -1), slices.Equal) ||
				p.FindString(s) != w.FindString(s) || p.ReplaceAllString(s, "#") != w.ReplaceAllString(s, "#") {
				t.Fatalf("%q on %q: the prefilter changed the answer (need %q)", expr, s, p.get().need)
			}
		}
	}
}

func BenchmarkWords(b *testing.B) {
	p := Words(`not interested`, `no,? thanks?( you)?`, `(don't|do not) (contact|e-?mail) me`, `desinscri\w*`,
		`happy with (our|the|my) (current|existing)`, `already (use|have|work with|using|signed|got|renewed)`)
	text := "sounds interesting - could you send me some more details about pricing for a team of twelve?"
	for b.Loop() {
		p.MatchString(text)
	}
}
