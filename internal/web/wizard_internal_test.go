package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

func TestNiceScale(t *testing.T) {
	for _, tc := range []struct{ top, max, step int }{
		{0, 4, 1}, {3, 4, 1}, {4, 4, 1}, {5, 6, 2}, {7, 8, 2}, {9, 10, 5}, {30, 30, 10},
		{31, 40, 10}, {99, 100, 25 * 0}, {180, 200, 50}, {1234, 1500, 500},
	} {
		m, s := niceScale(tc.top)
		if m < tc.top || m%s != 0 || m/s > 5 || m/s < 2 {
			t.Errorf("niceScale(%d) = %d step %d: must cover the top in 2 to 5 steps", tc.top, m, s)
		}
		if tc.step != 0 && (m != tc.max || s != tc.step) {
			t.Errorf("niceScale(%d) = %d step %d, want %d step %d", tc.top, m, s, tc.max, tc.step)
		}
	}
}

func TestNewChartStacksBarsAndDrawsTheCap(t *testing.T) {
	c := newChart(chartSpec{Title: "t", Labels: []string{"a", "b", "c"},
		Series: []chartSeries{{"bar-new", "first"}, {"bar-followup", "follow-ups"}},
		Values: [][]int{{4, 0, 1}, {2, 0, 0}}, Stacked: true, Cap: 10, CapText: "cap 10"})
	// Zero values draw nothing; the rest are bars.
	if len(c.Bars) != 3 {
		t.Fatalf("%d bars, want 3: %+v", len(c.Bars), c.Bars)
	}
	first, second := c.Bars[0], c.Bars[1]
	if first.Class != "bar-new" || second.Class != "bar-followup" {
		t.Fatalf("classes %q %q", first.Class, second.Class)
	}
	// The follow-ups sit on top of the first emails of the same day.
	if d := second.Y + second.H - first.Y; d > 0.2 || d < -0.2 {
		t.Errorf("stacked bar does not start where the one below ends: %+v %+v", first, second)
	}
	if first.H <= second.H || first.X != second.X {
		t.Errorf("4 first emails must be taller than 2 follow-ups, in the same slot: %+v %+v", first, second)
	}
	// The cap is the scale's top: its line is at the top of the plot.
	if len(c.Lines) != 1 || c.Lines[0].Y != chartTop || c.Lines[0].Label != "cap 10" {
		t.Errorf("cap line %+v", c.Lines)
	}
	if len(c.Rows) != 3 || c.Rows[0].Values[0] != 4 || c.Rows[0].Values[1] != 2 {
		t.Errorf("table rows %+v", c.Rows)
	}
	if tip := first.Tip; tip != "a: 4 first" {
		t.Errorf("tooltip %q", tip)
	}
}

func TestMarkMissingEscapesTextAndMarksTags(t *testing.T) {
	got := string(markMissing("Hi <b>" + missingMark + "firstName" + missingMark + "</b> & co"))
	want := `Hi &lt;b&gt;<mark class="tag-missing" title="This lead has no firstName">{{firstName}}</mark>&lt;/b&gt; &amp; co`
	if got != want {
		t.Errorf("markMissing:\n got %s\nwant %s", got, want)
	}
}

func TestPreviewSequenceMarksOnlyTagsWithoutAValue(t *testing.T) {
	l := store.Lead{ID: "lead-1", Email: "x@acme.example", Company: "Acme <Ltd>", FirstName: "\x00"}
	msgs := previewSequence([][]previewVariant{
		{{Letter: "A", Subject: "Hi {{firstName}}", Body: "{{firstName | \"there\"}} at {{company}}, {{title}}"}},
		{{Letter: "A", Subject: "", Body: "{broken"}},
	}, l)
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	if !strings.Contains(string(m.Subject), `<mark class="tag-missing" title="This lead has no firstName">`) {
		t.Errorf("subject %s: the first name (only a NUL) is missing", m.Subject)
	}
	if string(m.Body) != `there at Acme &lt;Ltd&gt;, <mark class="tag-missing" title="This lead has no title">{{title}}</mark>` {
		t.Errorf("body %s", m.Body)
	}
	if strings.Join(m.Missing, ",") != "firstName,title" {
		t.Errorf("missing %v", m.Missing)
	}
	if !msgs[1].Reply || !strings.HasPrefix(string(msgs[1].Subject), "Re: Hi ") || len(msgs[1].Problems) != 1 {
		t.Errorf("follow-up: %+v", msgs[1])
	}
}

func TestCustomTarget(t *testing.T) {
	for in, want := range map[string]string{
		"Favourite colour":      "custom.favourite_colour",
		"  LinkedIn URL ":       "custom.linkedin_url",
		"Ümlaut Straße":         "custom.mlaut_stra_e",
		"!!!":                   "",
		strings.Repeat("x", 80): "",
	} {
		if got := customTarget(in); got != want {
			t.Errorf("customTarget(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLocateErrorPointsAtTheColumnInUTF16(t *testing.T) {
	src := "Hello 👋\nsee {oops there"
	off := strings.Index(src, "{oops")
	te := locateError(src, "body", 2, 5, off, "unclosed spintax")
	if te.Excerpt != "see {oops there" || te.Caret != "    ^" {
		t.Errorf("excerpt %q caret %q", te.Excerpt, te.Caret)
	}
	// The emoji is two UTF-16 units: the browser's offset is one more than
	// the rune count.
	if want := len([]rune(src[:off])) + 1; te.At != want {
		t.Errorf("UTF-16 offset %d, want %d", te.At, want)
	}
}

func TestSequenceFormRoundTrip(t *testing.T) {
	steps := []seqStep{
		{DelayDays: "0", DelayMinutes: "0", Variants: []seqVariant{{Subject: "s", Body: "a"}, {Subject: "t", Body: "b"}}},
		{DelayDays: "x", DelayMinutes: "", Variants: []seqVariant{{Body: "c"}}},
	}
	in := sequenceInput(steps)
	if len(in.Steps) != 2 || in.Steps[0].Body != "a" || len(in.Steps[0].Variants) != 1 || in.Steps[0].Variants[0].Body != "b" {
		t.Fatalf("input %+v", in)
	}
	// A delay that is not a number goes to the service as -1, which names
	// the rule; an empty one is 0.
	if in.Steps[1].DelayDays != -1 || in.Steps[1].DelayMinutes != 0 {
		t.Errorf("delays %+v", in.Steps[1])
	}
	back := stepsOfView(campaign.SequenceView{Steps: []campaign.StepView{{Position: 1, Subject: "s", Body: "a",
		Variants: []campaign.VariantView{{Variant: "B", Subject: "t", Body: "b"}}}}})
	if len(back) != 1 || len(back[0].Variants) != 2 || back[0].Variants[1].Body != "b" {
		t.Errorf("from the view: %+v", back)
	}
	if variantKey(2, 0) != "steps[2]" || variantKey(2, 3) != "steps[2].variants[2]" {
		t.Error("variant keys must be the campaign service's field names")
	}
	if d := newStep(1).DelayDays; d != "3" {
		t.Errorf("step 2's suggested delay %s", d)
	}
	if d := newStep(4).DelayDays; d != "4" {
		t.Errorf("step 5's suggested delay %s", d)
	}
}

func TestWizardIndex(t *testing.T) {
	if wizardIndex("mailboxes") != 0 || wizardIndex("review") != len(wizardSteps)-1 || wizardIndex(wizardDone) != len(wizardSteps) {
		t.Error("wizard steps out of order")
	}
	if wizardIndex("unknown") != 0 {
		t.Error("an unknown step must resume at the start")
	}
}

func TestFormFailedKeepsTheFormWhenAServiceIsUnavailable(t *testing.T) {
	w, err := New(Deps{})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader("email=ann%40example.com"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	v := &view{web: w, r: req, page: "login"}
	if err := v.formFailed(rec, problem.New(problem.Unavailable, "ai_unavailable", "The AI service is not answering; try again in a minute.")); err != nil {
		t.Fatal(err)
	}
	body := rec.Body.String()
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(body, "The AI service is not answering") || !strings.Contains(body, `value="ann@example.com"`) {
		t.Errorf("%d: %.600s", rec.Code, body)
	}
	// An error that is not the user's to act on still goes to the error page.
	if err := v.formFailed(httptest.NewRecorder(), errors.New("disk on fire")); err == nil {
		t.Error("a plain error was shown on the form")
	}
}
