package template

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

var ada = Data{
	Email:       "ada@example.com",
	FirstName:   "  ada ",
	LastName:    "Lovelace",
	Company:     "analytical engines",
	Title:       "Founder",
	Website:     "https://example.com",
	LinkedInURL: "https://linkedin.example/ada",
	Phone:       "+44 20 0000",
	Custom:      map[string]string{"Industry": "Computing", "seats": "12"},
}

func mustParse(t testing.TB, src string) *Template {
	t.Helper()
	tpl, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return tpl
}

func TestRender(t *testing.T) {
	tests := []struct {
		src  string
		data Data
		want string
	}{
		{"Hi {{firstName}},", ada, "Hi ada,"},
		{"{{ FirstName | capitalize }} at {{company|upper}}", ada, "Ada at ANALYTICAL ENGINES"},
		{"{{lastName | lower}}", ada, "lovelace"},
		{`Hi {{firstName | "there"}}`, Data{}, "Hi there"},
		{`Hi {{firstName | 'there'}}`, Data{FirstName: "   "}, "Hi there"},
		{`Hi {{firstName | "there"}}`, ada, "Hi ada"},
		{`Hi {{firstName | ""}},`, Data{}, "Hi ,"},
		{`{{company | "your team" | upper}}`, Data{}, "YOUR TEAM"},
		{`{{company | upper | "your team"}}`, Data{}, "your team"},
		{`{{firstName | "say \"hi\" \\o/"}}`, Data{}, `say "hi" \o/`},
		{"{{custom.industry}} / {{custom.Industry}} / {{custom.SEATS}}", ada, "Computing / Computing / 12"},
		{`{{custom.missing | "n/a"}}`, ada, "n/a"},
		{"{{email}} {{title}} {{website}} {{linkedinUrl}} {{phone}}", ada,
			"ada@example.com Founder https://example.com https://linkedin.example/ada +44 20 0000"},
		{`\{literal\} \| a\\b c\d {{firstName}} | x`, ada, `{literal} | a\b c\d ada | x`},
		{"{a|a} {b|b|b}", ada, "a b"},
		{"{{{firstName}}|{{firstName}}}!", ada, "ada!"},
	}
	for _, tt := range tests {
		got, err := mustParse(t, tt.src).Render(tt.data, "seed")
		if err != nil || got != tt.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tt.src, got, err, tt.want)
		}
	}
}

func TestCustomKeyCaseCollisionIsStable(t *testing.T) {
	d := Data{Custom: map[string]string{"ROLE": "b", "Role": "a"}}
	tpl := mustParse(t, "{{custom.role}}")
	for range 20 {
		if got, err := tpl.Render(d, ""); err != nil || got != "b" {
			t.Fatalf(`Render = %q, %v; want "b" (smallest matching key "ROLE")`, got, err)
		}
	}
}

func TestRenderMissingFields(t *testing.T) {
	tpl := mustParse(t, `Hi {{firstName}}, {{company}} and {{firstName}} {{title | "x"}}`)
	_, err := tpl.Render(Data{Title: ""}, "s")
	var mf *MissingFieldsError
	if !errors.As(err, &mf) {
		t.Fatalf("Render error = %v, want *MissingFieldsError", err)
	}
	if want := []string{"firstName", "company"}; !slices.Equal(mf.Fields, want) {
		t.Errorf("Fields = %q, want %q", mf.Fields, want)
	}
	if !strings.Contains(err.Error(), "firstName, company") {
		t.Errorf("Error() = %q, want it to name the fields", err.Error())
	}
}

func TestMissingFieldsCoversEveryAlternative(t *testing.T) {
	tpl := mustParse(t, `{Hi {{firstName}}|Hello {{custom.nick}}|Hey} {{company | "there"}} {{lastName}}`)
	got := tpl.MissingFields(Data{LastName: "L"})
	if want := []string{"firstName", "custom.nick"}; !slices.Equal(got, want) {
		t.Errorf("MissingFields = %q, want %q", got, want)
	}
	if got := tpl.MissingFields(Data{FirstName: "a", LastName: "b", Custom: map[string]string{"nick": "c"}}); got != nil {
		t.Errorf("MissingFields with all values = %q, want nil", got)
	}
	// Render only complains about the path it took: for some seed the
	// "Hey" alternative renders without needing either field.
	var rendered bool
	for i := range 50 {
		if s, err := tpl.Render(Data{LastName: "L"}, fmt.Sprint(i)); err == nil {
			rendered = true
			if !strings.HasPrefix(s, "Hey there L") {
				t.Errorf("Render = %q, want the Hey alternative", s)
			}
		}
	}
	if !rendered {
		t.Error("no seed out of 50 picked the alternative without tags")
	}
}

func TestPreviewMarksMissing(t *testing.T) {
	tpl := mustParse(t, `Hi {{firstName}} from {{company | "your team"}}`)
	got := tpl.Preview(Data{}, "s", func(name string) string { return "[" + name + "]" })
	if want := "Hi [firstName] from your team"; got != want {
		t.Errorf("Preview = %q, want %q", got, want)
	}
}

func TestSpintaxIsDeterministicAndSpread(t *testing.T) {
	tpl := mustParse(t, "{Hi|Hello|Hey} {there|friend}, {a|b|c|d}")
	counts := map[string]int{}
	first := map[string]int{}
	for lead := range 3000 {
		seed := Seed(fmt.Sprintf("lead-%d", lead), 1, 0)
		a, err := tpl.Render(Data{}, seed)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := tpl.Render(Data{}, seed)
		if a != b {
			t.Fatalf("seed %q rendered %q then %q", seed, a, b)
		}
		counts[a]++
		first[strings.Fields(a)[0]]++
	}
	if len(counts) != tpl.VariantCount() {
		t.Errorf("saw %d distinct texts, want all %d variants", len(counts), tpl.VariantCount())
	}
	for w, n := range first {
		if n < 800 || n > 1200 {
			t.Errorf("greeting %q chosen %d of 3000 times, want about 1000", w, n)
		}
	}
}

func TestSeedSeparatesStepAndVariant(t *testing.T) {
	if Seed("l", 1, 0) == Seed("l", 10, 0) || Seed("l", 1, 2) == Seed("l", 12, 0) || Seed("l1", 2, 0) == Seed("l", 12, 0) {
		t.Error("Seed collides for different (lead, step, variant)")
	}
	tpl := mustParse(t, "{a|b|c|d|e|f|g|h}")
	seen := map[string]bool{}
	for step := 1; step <= 20; step++ {
		s, _ := tpl.Render(Data{}, Seed("same-lead", step, 0))
		seen[s] = true
	}
	if len(seen) < 4 {
		t.Errorf("20 steps of one lead produced only %d distinct choices out of 8", len(seen))
	}
}
