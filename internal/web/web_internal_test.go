package web

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

func TestBootFailsWhenARoutesTemplateIsMissing(t *testing.T) {
	w := &Web{}
	var err error
	if w.assets, err = loadAssets(); err != nil {
		t.Fatal(err)
	}
	if _, err := parseTemplates(w.funcs(), w.templateNames()); err != nil {
		t.Fatalf("the real route table: %v", err)
	}
	_, err = parseTemplates(w.funcs(), append(w.templateNames(), "campaign_wizard"))
	if err == nil || !strings.Contains(err.Error(), `template for page "campaign_wizard" is missing`) {
		t.Fatalf("missing page: err = %v", err)
	}
	names := w.templateNames()
	_, err = parseTemplates(w.funcs(), names[:len(names)-1])
	if err == nil || !strings.Contains(err.Error(), "is not rendered by any route") {
		t.Fatalf("orphan page: err = %v", err)
	}
}

// Pages are parsed on first render: every one of them parses and has its
// "content" block.
func TestEveryPageParses(t *testing.T) {
	w := &Web{}
	var err error
	if w.assets, err = loadAssets(); err != nil {
		t.Fatal(err)
	}
	tpl, err := parseTemplates(w.funcs(), w.templateNames())
	if err != nil {
		t.Fatal(err)
	}
	for name := range tpl.pages {
		if _, err := tpl.page(name); err != nil {
			t.Error(err)
		}
	}
}

func TestLocalPath(t *testing.T) {
	cases := map[string]string{
		"/settings":              "/settings",
		"/settings/audit?c=1":    "/settings/audit?c=1",
		"":                       "/",
		"settings":               "/",
		"//evil.example":         "/",
		"/\\evil.example":        "/",
		"https://evil.example/":  "/",
		"javascript:alert(1)":    "/",
		"/%2F%2Fevil.example/ok": "/%2F%2Fevil.example/ok",
	}
	for in, want := range cases {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		d    time.Duration
		want string
	}{
		{10 * time.Second, "just now"},
		{time.Minute, "1 minute ago"},
		{59 * time.Minute, "59 minutes ago"},
		{2 * time.Hour, "2 hours ago"},
		{36 * time.Hour, "1 day ago"},
		{59 * 24 * time.Hour, "59 days ago"},
		{61 * 24 * time.Hour, "8 Jan 2026"},
	}
	for _, tc := range cases {
		if got := ago(now, now.Add(-tc.d)); got != tc.want {
			t.Errorf("ago(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestFormatInt(t *testing.T) {
	cases := map[int]string{0: "0", 999: "999", 1000: "1,000", 1204: "1,204", 1234567: "1,234,567", -4500: "-4,500"}
	for n, want := range cases {
		if got := formatInt(n); got != want {
			t.Errorf("formatInt(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFormShowsProblems(t *testing.T) {
	cases := []struct {
		name    string
		p       *problem.Error
		fields  map[string]string
		message string
	}{
		{"two fields", (problem.Fields{"email": "is bad", "password": "is short"}).Err().(*problem.Error),
			map[string]string{"email": "is bad", "password": "is short"}, "Please correct the fields marked below."},
		{"one field", problem.InvalidField("name", "must be between 1 and 100 characters"),
			map[string]string{"name": "must be between 1 and 100 characters"}, "Please correct the field marked below."},
		{"conflict with a field", &problem.Error{Kind: problem.Conflict, Code: "email_taken", Message: "An account with this email already exists.",
			Fields: map[string]string{"email": "is already registered"}},
			map[string]string{"email": "is already registered"}, "An account with this email already exists."},
		{"no field", problem.New(problem.Unauthorized, "invalid_credentials", "Email or password is incorrect."),
			map[string]string{}, "Email or password is incorrect."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := emptyForm(nil)
			f.setProblem(tc.p)
			if f.Message != tc.message {
				t.Errorf("message %q, want %q", f.Message, tc.message)
			}
			if len(f.Errors) != len(tc.fields) {
				t.Errorf("errors %v, want %v", f.Errors, tc.fields)
			}
			for k, v := range tc.fields {
				if f.Error(k) != v {
					t.Errorf("error of %s = %q, want %q", k, f.Error(k), v)
				}
			}
		})
	}
}

func TestNewFieldOptions(t *testing.T) {
	f := emptyForm(map[string]string{"role": "admin"})
	f.Errors["role"] = "is wrong"
	fl, err := newField(f, "role", "Role", "select", "required", "hint=Pick one", "option=member:Member", "option=admin:Admin", "maxlength=20")
	if err != nil {
		t.Fatal(err)
	}
	if !fl.Required || fl.Hint != "Pick one" || fl.Value != "admin" || fl.Error != "is wrong" || fl.MaxLength != 20 || len(fl.Options) != 2 || fl.Options[1] != (option{"admin", "Admin"}) {
		t.Fatalf("field %+v", fl)
	}
	if _, err := newField(f, "x", "X", "text", "colour=red"); err == nil {
		t.Error("an unknown option is accepted")
	}
	if _, err := newField(f, "x", "X", "text", "rows=many"); err == nil {
		t.Error("a non-numeric rows is accepted")
	}
}

func TestChecklistTicksFromChecksAndPointsAtTheFirstOpenStep(t *testing.T) {
	yes := func(context.Context, store.Scope, store.Workspace) (bool, error) { return true, nil }
	no := func(context.Context, store.Scope, store.Workspace) (bool, error) { return false, nil }
	steps := []onboardingStep{{Title: "a", check: yes}, {Title: "b", check: no}, {Title: "c"}, {Title: "d", check: yes}}
	c, err := buildChecklist(context.Background(), store.Scope{}, store.Workspace{}, steps)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range c.Items {
		s := it.Title
		if it.Done {
			s += "+done"
		}
		if it.Next {
			s += "+next"
		}
		got = append(got, s)
	}
	if strings.Join(got, " ") != "a+done b+next c d+done" || c.Done != 2 || c.Percent() != 50 || c.Complete() {
		t.Fatalf("checklist %v done=%d percent=%d", got, c.Done, c.Percent())
	}
	boom := errors.New("db down")
	_, err = buildChecklist(context.Background(), store.Scope{}, store.Workspace{}, []onboardingStep{{check: func(context.Context, store.Scope, store.Workspace) (bool, error) { return false, boom }}})
	if !errors.Is(err, boom) {
		t.Fatalf("a failing check: err = %v", err)
	}
}

func TestDescribeAction(t *testing.T) {
	cases := map[string]string{
		"api_key.created":          "Created an API key",
		"campaign.launched":        "Campaign launched",
		"lead.import_finished":     "Lead import finished",
		"":                         "",
		"workspace.member_added":   "Added a member",
		"suppression.domain_added": "Suppression domain added",
	}
	for in, want := range cases {
		if got := describeAction(in); got != want {
			t.Errorf("describeAction(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDescribeDays(t *testing.T) {
	cases := []struct {
		days []int
		want string
	}{
		{[]int{1, 2, 3, 4, 5}, "Mon–Fri"},
		{[]int{1, 2, 3, 4, 5, 6, 7}, "Every day"},
		{[]int{1, 3, 5}, "Mon, Wed, Fri"},
		{[]int{1, 2, 4, 5, 6}, "Mon, Tue, Thu–Sat"},
		{[]int{7, 6}, "Sat, Sun"},
		{nil, ""},
		{[]int{0, 8}, ""},
	}
	for _, tc := range cases {
		if got := describeDays(tc.days); got != tc.want {
			t.Errorf("describeDays(%v) = %q, want %q", tc.days, got, tc.want)
		}
	}
}

func TestFormatGap(t *testing.T) {
	cases := map[int]string{45: "45 s", 90: "90 s", 120: "2 min", 3600: "1 h", 5400: "90 min"}
	for in, want := range cases {
		if got := formatGap(in); got != want {
			t.Errorf("formatGap(%d) = %q, want %q", in, got, want)
		}
	}
}
