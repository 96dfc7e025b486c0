package lead

import (
	"testing"

	"github.com/leadbitz/leadbitz/internal/lead/field"
)

func TestNormalizeDomain(t *testing.T) {
	for in, want := range map[string]string{
		"acme.com": "acme.com", " @ACME.com ": "acme.com", "https://acme.com/": "acme.com",
		"bücher.de": "xn--bcher-kva.de", "sub.acme.co.uk": "sub.acme.co.uk",
		"": "", "acme": "", "a b.com": "", "ada@acme.com": "", "acme.com/path": "", "1.2.3.4": "",
	} {
		got, err := NormalizeDomain(in)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestSuppressionOf(t *testing.T) {
	for _, tc := range []struct {
		in         SuppressionInput
		kind, val  string
		reason     string
		wantsError bool
	}{
		{SuppressionInput{Email: "Ada <ADA@x.example>"}, "email", "ada@x.example", "manual", false},
		{SuppressionInput{Domain: "X.example", Reason: "Bounce"}, "domain", "x.example", "bounce", false},
		{SuppressionInput{Email: "a@x.example", Domain: "x.example"}, "", "", "", true},
		{SuppressionInput{Email: "a@x.example", Reason: "erasure"}, "", "", "", true},
		{SuppressionInput{}, "", "", "", true},
	} {
		sup, err := suppressionOf(tc.in)
		if (err != nil) != tc.wantsError || (err == nil && (sup.Kind != tc.kind || sup.Value != tc.val || sup.Reason != tc.reason)) {
			t.Errorf("suppressionOf(%+v) = %+v, %v", tc.in, sup, err)
		}
	}
}

func TestSuppressionFileLayout(t *testing.T) {
	for _, tc := range []struct {
		first  []string
		col    int
		header bool
	}{
		{[]string{"Name", "Email Address"}, 1, true},
		{[]string{"domain"}, 0, true},
		{[]string{"Blocklist"}, 0, true},
		{[]string{"ada@x.example", "Ada"}, 0, false},
		{[]string{"x.example"}, 0, false},
	} {
		col, header := headerColumn(tc.first)
		if col != tc.col || header != tc.header {
			t.Errorf("headerColumn(%q) = %d, %v", tc.first, col, header)
		}
	}
}

func TestPatchChangesOnlyWhatItNames(t *testing.T) {
	before := field.Fields{Email: "a@x.example", Company: "Acme", Custom: map[string]string{"k": "v", "keep": "1"}}
	company, empty := "Beta", ""
	after := Patch{Company: &company, Custom: map[string]*string{"k": nil, "new": &company, "gone": &empty}}.apply(before)
	if after.Company != "Beta" || after.Custom["keep"] != "1" || after.Custom["new"] != "Beta" || len(after.Custom) != 2 {
		t.Fatalf("after: %+v", after)
	}
	if before.Custom["k"] != "v" {
		t.Fatal("apply changed its input")
	}
	if got := changedFields(before, after); len(got) != 3 || got[0] != "company" || got[1] != "custom.k" || got[2] != "custom.new" {
		t.Fatalf("changed: %v", got)
	}
}
