package campaign

import (
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/problem"
)

func TestValidateSequence(t *testing.T) {
	long := strings.Repeat("x", MaxBodyLen+1)
	cases := []struct {
		name   string
		in     SequenceInput
		fields []string // fields the 422 must name; none means valid
	}{
		{"valid with variants and an empty follow-up subject", SequenceInput{Steps: []StepInput{
			{Subject: `Hi {{firstName | "there"}}`, Body: "{Hello|Hi} {{company}}",
				Variants: []VariantInput{{Subject: "Quick one", Body: "Hey"}}},
			{DelayDays: 3, DelayMinutes: 30, Body: "Bump"}}}, nil},
		{"no steps", SequenceInput{}, []string{"steps"}},
		{"first subject empty", SequenceInput{Steps: []StepInput{{Body: "x"}}}, []string{"steps[0].subject"}},
		{"variant's first subject empty", SequenceInput{Steps: []StepInput{{Subject: "a", Body: "x",
			Variants: []VariantInput{{Body: "y"}}}}}, []string{"steps[0].variants[0].subject"}},
		{"empty body", SequenceInput{Steps: []StepInput{{Subject: "a", Body: "  "}}}, []string{"steps[0].body"}},
		{"negative delay", SequenceInput{Steps: []StepInput{{Subject: "a", Body: "b"}, {DelayDays: -1, Body: "c"}}},
			[]string{"steps[1].delayDays"}},
		{"too long", SequenceInput{Steps: []StepInput{{Subject: "a", Body: long}}}, []string{"steps[0].body"}},
		{"too many variants", SequenceInput{Steps: []StepInput{{Subject: "a", Body: "b", Variants: make([]VariantInput, MaxVariants)}}},
			[]string{"steps[0].variants"}},
		{"syntax error in a later step's variant", SequenceInput{Steps: []StepInput{{Subject: "a", Body: "b"},
			{Body: "ok", Variants: []VariantInput{{Body: "{{firstName"}}}}}, []string{"steps[1].variants[0].body"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			steps, err := validateSequence(tc.in)
			if len(tc.fields) == 0 {
				if err != nil {
					t.Fatalf("valid sequence refused: %v", err)
				}
				if len(steps) != len(tc.in.Steps) || steps[0].Variants[1].Variant != "B" || steps[1].Position != 2 {
					t.Fatalf("stored steps: %+v", steps)
				}
				return
			}
			p, ok := problem.As(err)
			if !ok || p.Kind != problem.Invalid {
				t.Fatalf("got %v, want a 422", err)
			}
			for _, f := range tc.fields {
				if p.Fields[f] == "" {
					t.Errorf("422 does not name %s: %v", f, p.Fields)
				}
			}
		})
	}
}

// A syntax error is reported with its step, variant, field and position.
func TestTemplateErrorPosition(t *testing.T) {
	_, err := validateSequence(SequenceInput{Steps: []StepInput{{Subject: "ok", Body: "fine",
		Variants: []VariantInput{{Subject: "Hi {company}", Body: "x"}}}}})
	p, _ := problem.As(err)
	if p == nil || p.Code != "invalid_template" {
		t.Fatalf("got %v", err)
	}
	te := p.Details["templateErrors"].([]TemplateError)
	if len(te) != 1 || te[0].Step != 1 || te[0].Variant != "B" || te[0].Field != "subject" || te[0].Line != 1 || te[0].Column != 4 {
		t.Fatalf("position: %+v", te)
	}
}
