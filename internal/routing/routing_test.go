package routing

import (
	"testing"

	"github.com/leadbitz/leadbitz/internal/template"
)

func TestHasKeyword(t *testing.T) {
	cases := []struct {
		text, kw string
		want     bool
	}{
		{"I am interested", "interested", true},
		{"not interested, thanks", "interested", false},
		{"No interest at all", "interest", false},
		{"Not now, maybe next quarter", "next quarter", true},
		{"Not now, maybe next quarter", "now", false},
		{"uninterested", "interested", false},
		{"interestedly", "interested", false},
		{"Interested!", "interested", true},
		{"we'd be INTERESTED.", "interested", true},
		{"", "interested", false},
		{"anything", "", false},
		{"no thanks", "no thanks", true},
		{"call me next-quarter", "next quarter", true},
	}
	for _, c := range cases {
		if got := HasKeyword(Words(c.text), c.kw); got != c.want {
			t.Errorf("HasKeyword(%q, %q) = %v, want %v", c.text, c.kw, got, c.want)
		}
	}
}

func TestUnquoted(t *testing.T) {
	text := "Not now.\n\nOn Mon, 7 Dec 2026, Ann <a@x.test> wrote:\n> Are you interested?\n"
	if got := Unquoted(text); got != "Not now.\n" {
		t.Fatalf("Unquoted = %q", got)
	}
	if got := Unquoted("> interested?\nno"); got != "no" {
		t.Fatalf("Unquoted = %q", got)
	}
}

func TestMatch(t *testing.T) {
	routes := []Route{
		{Name: "Later", When: When{Keywords: []string{"next quarter", "later"}}},
		{Name: "Warm", When: When{Categories: []string{"interested", "meeting_request"}, Keywords: []string{"interested"}}},
		{Name: "Catch-all later", When: When{Keywords: []string{"later"}}},
	}
	cases := []struct {
		name, category, text string
		want                 int
	}{
		{"keyword", "other", "not now, maybe next quarter", 1},
		{"category", "interested", "Sounds good", 2},
		{"keyword second route", "other", "Interested, tell me more", 2},
		{"negated keyword", "not_interested", "not interested", 0},
		{"quoted keyword only", "other", "Thanks.\n> interested in next quarter?", 0},
		{"first match in list order", "interested", "later please", 1},
		{"nothing", "other", "who are you?", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, _ := Match(routes, c.category, c.text); got != c.want {
				t.Fatalf("Match = %d, want %d", got, c.want)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	routes := []Route{
		{Name: "Later", When: When{Keywords: []string{"next quarter"}}},
		{Name: "Warm", When: When{Categories: []string{"interested"}}},
	}
	cases := []struct {
		name     string
		e        Entered
		category string
		text     string
		manual   bool
		want     Change
	}{
		{"enter", Entered{}, "other", "next quarter", false, Change{Enter: 1}},
		{"no match", Entered{}, "other", "hello", false, Change{}},
		{"already in it", Entered{Current: 1, All: []int{1}}, "other", "next quarter", true, Change{}},
		{"entered once only", Entered{All: []int{2}}, "interested", "", false, Change{}},
		{"recategorised before first step", Entered{Current: 1, All: []int{1}}, "interested", "", true,
			Change{Enter: 2, Leave: 1}},
		{"recategorised: the category beats the keywords", Entered{Current: 1, All: []int{1}}, "interested",
			"next quarter", true, Change{Enter: 2, Leave: 1}},
		{"recategorised to nothing", Entered{Current: 1, All: []int{1}}, "other", "", true, Change{Leave: 1}},
		{"recategorised after first step", Entered{Current: 1, All: []int{1}, FirstStepSent: true}, "interested", "", true,
			Change{}},
		{"new reply after first step", Entered{Current: 1, All: []int{1}, FirstStepSent: true}, "interested", "", false,
			Change{Enter: 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Decide(routes, c.e, c.category, c.text, c.manual)
			if got.Enter != c.want.Enter || got.Leave != c.want.Leave {
				t.Fatalf("Decide = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestSkip(t *testing.T) {
	d := template.Data{Company: "", Title: "CEO", Custom: map[string]string{"Plan": "Enterprise plus"}}
	cases := []struct {
		c       SkipIf
		replied bool
		want    bool
		why     string
	}{
		{SkipIf{Field: "company", Op: OpEmpty}, false, true, "company is empty"},
		{SkipIf{Field: "title", Op: OpEmpty}, false, false, "title is empty"},
		{SkipIf{Field: "title", Op: OpEquals, Value: "ceo"}, false, true, `title equals "ceo"`},
		{SkipIf{Field: "custom.plan", Op: OpContains, Value: "enterprise"}, false, true, `custom.plan contains "enterprise"`},
		{SkipIf{Op: OpRepliedElsewhere}, true, true, "the lead replied in another campaign"},
		{SkipIf{Op: OpRepliedElsewhere}, false, false, "the lead replied in another campaign"},
	}
	for _, c := range cases {
		got, why := Skip(&c.c, d, c.replied)
		if got != c.want || why != c.why {
			t.Errorf("Skip(%+v) = %v %q, want %v %q", c.c, got, why, c.want, c.why)
		}
	}
	if got := SkipDetail(3, nil, "company is empty"); got != "step 3 skipped: company is empty" {
		t.Fatalf("SkipDetail = %q", got)
	}
}

func TestSkipIfCheck(t *testing.T) {
	cases := []struct {
		c     SkipIf
		field string
	}{
		{SkipIf{Field: "company", Op: OpEmpty}, ""},
		{SkipIf{Op: OpRepliedElsewhere}, ""},
		{SkipIf{Field: "company", Op: "gt"}, "op"},
		{SkipIf{Field: "shoe", Op: OpEmpty}, "field"},
		{SkipIf{Field: "title", Op: OpEquals}, "value"},
		{SkipIf{Field: "custom.x", Op: OpContains, Value: "y"}, ""},
	}
	for _, c := range cases {
		if f, _ := c.c.Check(); f != c.field {
			t.Errorf("Check(%+v) field = %q, want %q", c.c, f, c.field)
		}
	}
}

func TestPositions(t *testing.T) {
	if p := Position(2, 3); p != 203 {
		t.Fatal(p)
	}
	if r, k := Split(203); r != 2 || k != 3 {
		t.Fatal(r, k)
	}
	if r, k := Split(7); r != 0 || k != 7 {
		t.Fatal(r, k)
	}
}
