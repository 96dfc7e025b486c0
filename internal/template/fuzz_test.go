package template

import (
	"errors"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"", "Hi {{firstName}}", `{{firstName | "there"}}`, "{Hi|Hello|{Hey|Yo}} {{company|upper|'x'}}",
	`\{ \} \| \\ \x`, "{{{firstName}}|there}", "{{custom.a b}}", "{{", "{", "}", "{{a}}}", `{{x | "`,
	"Grüße {{firstName|capitalize}}\n{a|}",
}

// FuzzParse checks that Parse never panics, that errors point inside the
// source, and that whatever parses also renders deterministically.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse error %T, want *SyntaxError", err)
			}
			if se.Offset < 0 || se.Offset > len(src) || se.Line < 1 || se.Column < 1 {
				t.Fatalf("bad position %+v for %q", se, src)
			}
			return
		}
		if tpl.VariantCount() < 1 {
			t.Fatalf("VariantCount = %d", tpl.VariantCount())
		}
		a := tpl.Preview(Data{}, "s", func(string) string { return "" })
		b := tpl.Preview(Data{}, "s", func(string) string { return "" })
		if a != b {
			t.Fatalf("Preview not deterministic: %q vs %q", a, b)
		}
	})
}

// FuzzRender renders fuzzed templates with fuzzed lead data and seeds:
// no panic, the same answer twice, and an error exactly when a needed
// field is missing on the rendered path.
func FuzzRender(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "Ada", "", "k", "v", "seed")
	}
	f.Fuzz(func(t *testing.T, src, first, company, key, val, seed string) {
		tpl, err := Parse(src)
		if err != nil {
			return
		}
		d := Data{FirstName: first, Company: company, Custom: map[string]string{key: val}}
		out, err := tpl.Render(d, seed)
		again, err2 := tpl.Render(d, seed)
		if out != again || (err == nil) != (err2 == nil) {
			t.Fatalf("Render not deterministic")
		}
		missing := tpl.MissingFields(d)
		if err != nil {
			var mf *MissingFieldsError
			if !errors.As(err, &mf) || len(missing) == 0 {
				t.Fatalf("Render error %v while MissingFields = %q", err, missing)
			}
			return
		}
		marked := tpl.Preview(d, seed, func(string) string { return "\x00" })
		if strings.Contains(marked, "\x00") && !strings.Contains(src+first+company+key+val, "\x00") {
			t.Fatalf("Preview marked a hole that Render did not report")
		}
	})
}
