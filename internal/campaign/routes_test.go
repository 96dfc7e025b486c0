package campaign

import (
	"testing"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/routing"
)

func TestValidateExtras(t *testing.T) {
	no := false
	steps := []StepInput{{Subject: "a", Body: "b"}, {Body: "c"}}
	route := func(r RouteInput) SequenceInput { return SequenceInput{Steps: steps, Routes: []RouteInput{r}} }
	good := RouteInput{Name: "Later", When: routing.When{Keywords: []string{"next quarter"}},
		Steps: []routing.Step{{DelayDays: 60, Body: "Is now a better time?"}}}
	six := make([]RouteInput, routing.MaxRoutes+1)
	for i := range six {
		six[i] = good
	}
	cases := []struct {
		name   string
		in     SequenceInput
		fields []string
	}{
		{"valid route", route(good), nil},
		{"valid skipIf", SequenceInput{Steps: []StepInput{{Subject: "a", Body: "b"},
			{Body: "c", SkipIf: &routing.SkipIf{Field: "company", Op: "empty"}}}}, nil},
		{"skipIf on step 1", SequenceInput{Steps: []StepInput{{Subject: "a", Body: "b",
			SkipIf: &routing.SkipIf{Op: "replied_elsewhere"}}}}, []string{"steps[0].skipIf"}},
		{"skipIf unknown field", SequenceInput{Steps: []StepInput{{Subject: "a", Body: "b"},
			{Body: "c", SkipIf: &routing.SkipIf{Field: "shoe", Op: "empty"}}}}, []string{"steps[1].skipIf.field"}},
		{"too many routes", SequenceInput{Steps: steps, Routes: six}, []string{"routes"}},
		{"empty when", route(RouteInput{Name: "x", Steps: good.Steps}), []string{"routes[0].when"}},
		{"blocking category", route(RouteInput{Name: "x", When: routing.When{Categories: []string{"unsubscribe"}},
			Steps: good.Steps}), []string{"routes[0].when.categories[0]"}},
		{"no name, no steps", route(RouteInput{When: good.When}), []string{"routes[0].name", "routes[0].steps"}},
		{"new thread", route(RouteInput{Name: "x", When: good.When, Steps: good.Steps, SameThread: &no}),
			[]string{"routes[0].sameThread"}},
		{"bad template", route(RouteInput{Name: "x", When: good.When, Steps: []routing.Step{{Body: "{{firstName"}}}),
			[]string{"routes[0].steps[0].body"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x, err := validateExtras(tc.in)
			if len(tc.fields) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if len(x.routes) != len(tc.in.Routes) {
					t.Fatalf("routes: %+v", x.routes)
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
