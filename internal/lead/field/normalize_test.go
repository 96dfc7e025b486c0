package field

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// check runs a normaliser over a table. An empty wantErr means success.
func check(t *testing.T, name string, fn func(string) (string, error), tests []struct{ in, want, wantErr string }) {
	t.Helper()
	for _, tt := range tests {
		got, err := fn(tt.in)
		switch {
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("%s(%q) = %q, %v; want %q", name, tt.in, got, err, tt.want)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s(%q) = %q, %v; want error containing %q", name, tt.in, got, err, tt.wantErr)
		}
	}
}

func TestNormalizeWebsite(t *testing.T) {
	check(t, "NormalizeWebsite", NormalizeWebsite, []struct{ in, want, wantErr string }{
		{"", "", ""},
		{"n/a", "", ""},
		{"Acme.com", "https://acme.com", ""},
		{"www.Acme.COM/", "https://www.acme.com", ""},
		{"http://WWW.Acme.com/", "http://www.acme.com", ""},
		{"HTTPS://acme.com/About?x=1#top", "https://acme.com/About?x=1#top", ""},
		{"//acme.com", "https://acme.com", ""},
		{"acme.com:8080/shop", "https://acme.com:8080/shop", ""},
		{" bücher.de ", "https://xn--bcher-kva.de", ""},
		{"ftp://acme.com", "", "website: must be an http or https address"},
		{"javascript:alert(1)", "", "website: must be an http or https address"},
		{"https://user:pw@acme.com", "", "website: must not contain a user name or password"},
		{"not a site", "", "website: contains spaces"},
		{"acme", "", "website: domain has no dot"},
		{"https://", "", "website: domain is empty"},
		{"acme.com/" + strings.Repeat("x", 2100), "", "website: is longer than 2048 characters"},
	})
}

func TestNormalizeLinkedinURL(t *testing.T) {
	check(t, "NormalizeLinkedinURL", NormalizeLinkedinURL, []struct{ in, want, wantErr string }{
		{"", "", ""},
		{"-", "", ""},
		{"linkedin.com/in/ada-lovelace", "https://www.linkedin.com/in/ada-lovelace", ""},
		{"http://www.linkedin.com/in/ada-lovelace/", "https://www.linkedin.com/in/ada-lovelace", ""},
		{"https://fr.linkedin.com/in/ada?trk=people#x", "https://www.linkedin.com/in/ada", ""},
		{"https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa", "https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa", ""},
		{"https://www.linkedin.com/sales/lead/ACwAAA1,NAME", "https://www.linkedin.com/sales/lead/ACwAAA1,NAME", ""},
		{"https://www.LinkedIn.com/company/acme", "https://www.linkedin.com/company/acme", ""},
		{"https://twitter.com/ada", "", "linkedinUrl: is not a linkedin.com address"},
		{"https://notlinkedin.com/in/x", "", "linkedinUrl: is not a linkedin.com address"},
		{"https://www.linkedin.com/", "", "linkedinUrl: has no profile path"},
		{"ada lovelace", "", "linkedinUrl: contains spaces"},
	})
}

func TestNormalizePhone(t *testing.T) {
	check(t, "NormalizePhone", NormalizePhone, []struct{ in, want, wantErr string }{
		{"", "", ""},
		{"N/A", "", ""},
		{"+1 (415) 555-0100", "+14155550100", ""},
		{"'+44 20 7946 0958", "+442079460958", ""},
		{"tel:+33-1-23-45-67-89", "+33123456789", ""},
		{"+33 (0)1 23 45 67 89", "+33123456789", ""},
		{"0033 1 23 45 67 89", "+33123456789", ""},
		{"01 23 45 67 89", "0123456789", ""},
		{"415.555.0100", "4155550100", ""},
		{"212-555-0100 ext. 12", "2125550100", ""},
		{"212-555-0100 x12", "2125550100", ""},
		{"+1 212 555 0100 #3", "+12125550100", ""},
		{"+49\u00a030\u00a01234567", "+49301234567", ""},
		{"call me", "", "phone: contains letters or symbols"},
		{"555-CALL-NOW", "", "phone: contains letters or symbols"},
		{"1+2", "", "phone: has a + that is not at the start"},
		{"1234", "", "phone: has fewer than 5 digits"},
		{"+1234567890123456", "", "phone: has more than 15 digits"},
		{"+0 123 456", "", "phone: country code after + cannot start with 0"},
		{"=1+1", "", "phone: contains letters or symbols"},
	})
}

func TestNormalizeTimezone(t *testing.T) {
	check(t, "NormalizeTimezone", NormalizeTimezone, []struct{ in, want, wantErr string }{
		{"", "", ""},
		{"unknown", "", ""},
		{"Europe/Paris", "Europe/Paris", ""},
		{" europe/paris ", "Europe/Paris", ""},
		{"AMERICA/LOS_ANGELES", "America/Los_Angeles", ""},
		{"america/port_of_spain", "America/Port_of_Spain", ""},
		{"america/port-au-prince", "America/Port-au-Prince", ""},
		{"america/argentina/buenos_aires", "America/Argentina/Buenos_Aires", ""},
		{"america_slash_new_york", "America/New_York", ""},
		{"(GMT+01:00) Europe/Berlin", "Europe/Berlin", ""},
		{"(UTC-05:00) Eastern Time (US & Canada)", "America/New_York", ""},
		{"EST", "America/New_York", ""},
		{"pst", "America/Los_Angeles", ""},
		{"Central Time", "America/Chicago", ""},
		{"GMT", "UTC", ""},
		{"UTC", "UTC", ""},
		{"UTC+2", "Etc/GMT-2", ""},
		{"GMT-05:00", "Etc/GMT+5", ""},
		{"+0300", "Etc/GMT-3", ""},
		{"UTC+0", "UTC", ""},
		{"etc/gmt+5", "Etc/GMT+5", ""},
		{"Japan", "Japan", ""},
		{"UTC+5:30", "", "is not a whole hour"},
		{"UTC+15", "", "is not a valid UTC offset"},
		{"GMT-13", "", "does not exist"},
		{"IST", "", `"IST" is not an IANA time zone name`},
		{"Mars/Olympus", "", "is not an IANA time zone name"},
		{"Local", "", "is not an IANA time zone name"},
		{"../../etc/passwd", "", "is not an IANA time zone name"},
		{"/etc/localtime", "", "is not an IANA time zone name"},
	})
}

func TestNormalizeNameAndText(t *testing.T) {
	tests := []struct {
		fn       func(string) string
		in, want string
	}{
		{NormalizeName, "  Ada \t King\n Lovelace ", "Ada King Lovelace"},
		{NormalizeName, "Ada\u00a0Lovelace", "Ada Lovelace"},
		{NormalizeName, "DE LA CRUZ", "DE LA CRUZ"},
		{NormalizeName, "-", ""},
		{NormalizeName, "#N/A", ""},
		{NormalizeName, "Na", "Na"},
		{NormalizeName, "Nan", "Nan"},
		{NormalizeText, "Acme   Inc.", "Acme Inc."},
		{NormalizeText, "none", ""},
		{NormalizeText, "N/A", ""},
		{NormalizeCountry, " United  Kingdom ", "United Kingdom"},
		{NormalizeCountry, "FR", "FR"},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("normalise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeReportsEveryBadField(t *testing.T) {
	in := Fields{
		Email:     " Ada@Example.com ",
		FirstName: " Ada ",
		Website:   "not a site",
		Phone:     "call me",
		Timezone:  "Mars/Olympus",
		Company:   strings.Repeat("x", MaxTextLen+1),
		Custom:    map[string]string{"icebreaker": "  hi  ", "empty": " ", "bad key": "v"},
	}
	out, err := Normalize(in)
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Normalize error = %v, want Errors", err)
	}
	got := errs.ByField()
	for _, f := range []string{"company", "website", "phone", "timezone", "custom.bad key"} {
		if got[f] == "" {
			t.Errorf("no error for %s in %v", f, got)
		}
	}
	if len(got) != 5 {
		t.Errorf("errors = %v, want 5 fields", got)
	}
	var fe *Error
	if !errors.As(err, &fe) || fe.Field != Company {
		t.Errorf("first Error = %v, want company (standard order)", fe)
	}
	want := Fields{Email: "ada@example.com", FirstName: "Ada", Custom: map[string]string{"icebreaker": "hi"}}
	if out.Email != want.Email || out.FirstName != want.FirstName || out.Website != "" || out.Phone != "" ||
		out.Company != "" || len(out.Custom) != 1 || out.Custom["icebreaker"] != "hi" {
		t.Errorf("Normalize = %+v, want %+v", out, want)
	}
	if in.Custom["icebreaker"] != "  hi  " {
		t.Error("Normalize modified its argument's custom map")
	}

	if err := Validate(Fields{Email: "ada@example.com", Timezone: "EST"}); err != nil {
		t.Errorf("Validate(valid) = %v", err)
	}
	err = Validate(Fields{FirstName: "Ada"})
	if !errors.As(err, &fe) || fe.Field != Email || fe.Message != "is missing" {
		t.Errorf("Validate(no email) = %v", err)
	}
}

func TestNormalizeCustomLimits(t *testing.T) {
	m := map[string]string{"big": strings.Repeat("x", MaxCustomValueLen+1)}
	for i := range MaxCustomFields + 5 {
		m[fmt.Sprintf("k%03d", i)] = "v"
	}
	out, err := Normalize(Fields{Email: "a@example.com", Custom: m})
	got := Errors(nil)
	if !errors.As(err, &got) {
		t.Fatalf("err = %v", err)
	}
	if _, ok := got.ByField()["custom.big"]; !ok {
		t.Errorf("no error for an oversized value: %v", got)
	}
	if _, ok := got.ByField()["custom"]; !ok {
		t.Errorf("no error for too many keys: %v", got)
	}
	if len(out.Custom) != MaxCustomFields || out.Custom["k000"] != "v" {
		t.Errorf("kept %d custom keys, want the first %d by key", len(out.Custom), MaxCustomFields)
	}
}
