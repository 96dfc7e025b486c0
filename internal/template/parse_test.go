package template

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name        string
		src         string
		offset      int
		line, col   int
		wantMessage string
	}{
		{"unclosed tag", "Hi {{firstName", 3, 1, 4, "not closed"},
		{"unclosed tag at line end", "Hi {{firstName\nthere}}", 3, 1, 4, "not closed"},
		{"single closing brace", "Hi {{firstName}", 14, 1, 15, `closed with "}}"`},
		{"empty tag", "Hi {{ }}", 3, 1, 4, "empty merge tag"},
		{"empty tag no space", "{{}}", 0, 1, 1, "empty merge tag"},
		{"missing name before pipe", `{{ | "x"}}`, 0, 1, 1, "empty merge tag"},
		{"unknown tag", "Hello {{fristName}}", 8, 1, 9, `unknown merge tag "fristName"`},
		{"custom without key", "{{custom.}}", 2, 1, 3, "needs a key"},
		{"unknown filter", `{{firstName | shout}}`, 14, 1, 15, `unknown filter "shout"`},
		{"empty stage", `{{firstName | }}`, 14, 1, 15, "empty stage"},
		{"empty stage between pipes", `{{firstName || "x"}}`, 13, 1, 14, "empty stage"},
		{"unterminated double quote", `{{firstName | "there}}`, 14, 1, 15, "not closed"},
		{"unterminated single quote", "{{firstName | 'there}}\n", 14, 1, 15, "not closed before the end of the line"},
		{"mismatched quotes", `{{firstName | "there'}}`, 14, 1, 15, "not closed"},
		{"quote in name", `{{"firstName"}}`, 2, 1, 3, "unexpected quote"},
		{"text after fallback", `{{firstName | "a" b}}`, 18, 1, 19, `unexpected "b"`},
		{"brace in tag", `{{first{Name}}`, 7, 1, 8, `unexpected "{"`},
		{"unclosed spintax", "{Hi|Hello there", 0, 1, 1, "unclosed spintax"},
		{"unclosed nested spintax", "{Hi|{Hello|Hey there}", 0, 1, 1, "unclosed spintax"},
		{"single choice", "Dear {company},", 5, 1, 6, "at least two choices"},
		{"empty group", "a {} b", 2, 1, 3, "at least two choices"},
		{"stray closing brace", "Hi} there", 2, 1, 3, `unexpected "}"`},
		{"position on a later line", "Hi,\n\nthanks for {{compnay}}", 18, 3, 14, "unknown merge tag"},
		{"column counts characters", "Grüße {{nope}}", 10, 1, 9, "unknown merge tag"},
		{"too deep", strings.Repeat("{a|", maxNesting+1) + strings.Repeat("}", maxNesting+1), maxNesting * 3, 1, maxNesting*3 + 1, "nested more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.src)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want *SyntaxError", tt.src, err)
			}
			if se.Offset != tt.offset || se.Line != tt.line || se.Column != tt.col {
				t.Errorf("position = offset %d line %d col %d, want offset %d line %d col %d (%s)",
					se.Offset, se.Line, se.Column, tt.offset, tt.line, tt.col, se.Message)
			}
			if !strings.Contains(se.Message, tt.wantMessage) {
				t.Errorf("message = %q, want it to contain %q", se.Message, tt.wantMessage)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		src      string
		tags     []string
		variants int
	}{
		{"", nil, 1},
		{"plain text | with a pipe", nil, 1},
		{`{{firstName}} {{ FIRSTNAME }} {{first_name | "x"}}`, []string{"firstName"}, 1},
		{`{{companyName}} {{Company}}`, []string{"company"}, 1},
		{"{{email}}{{lastName}}{{title}}{{website}}{{linkedinUrl}}{{phone}}",
			[]string{"email", "lastName", "title", "website", "linkedinUrl", "phone"}, 1},
		{"{{custom.industry}} {{ Custom.Seats }}", []string{"custom.industry", "custom.Seats"}, 1},
		{"{Hi|Hello|Hey} {{firstName}}", []string{"firstName"}, 3},
		{"{Hi|Hello} {there|friend}", nil, 4},
		{"{Hi|{Hello|Hey} there}", nil, 3},
		{"{{{firstName}}|there}", []string{"firstName"}, 2},
		{"{ {{firstName}} |there}", []string{"firstName"}, 2},
		{`\{not spintax\} \| \\`, nil, 1},
		{`{{firstName | capitalize | "there"}} {{company|upper|'x'}}`, []string{"firstName", "company"}, 1},
		{`{{firstName | "a \"quoted\" b"}}`, []string{"firstName"}, 1},
	}
	for _, tt := range tests {
		tpl, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if got := tpl.Tags(); !slices.Equal(got, tt.tags) {
			t.Errorf("Parse(%q).Tags() = %q, want %q", tt.src, got, tt.tags)
		}
		if got := tpl.VariantCount(); got != tt.variants {
			t.Errorf("Parse(%q).VariantCount() = %d, want %d", tt.src, got, tt.variants)
		}
	}
}

func TestVariantCountSaturates(t *testing.T) {
	tpl, err := Parse(strings.Repeat("{a|b|c|d}", 40))
	if err != nil {
		t.Fatal(err)
	}
	if got := tpl.VariantCount(); got != math.MaxInt {
		t.Errorf("VariantCount() = %d, want math.MaxInt", got)
	}
}

func TestTagsReturnsCopy(t *testing.T) {
	tpl, err := Parse("{{firstName}}")
	if err != nil {
		t.Fatal(err)
	}
	tpl.Tags()[0] = "changed"
	if got := tpl.Tags()[0]; got != "firstName" {
		t.Errorf("Tags() after caller's change = %q, want firstName", got)
	}
}
