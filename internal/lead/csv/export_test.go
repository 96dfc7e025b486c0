package csv

import (
	"bytes"
	"encoding/csv"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/lead/field"
)

func TestNeutralizeCell(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"Ada":                   "Ada",
		"=HYPERLINK(\"x\")":     "'=HYPERLINK(\"x\")",
		"+1 415 555 0100":       "'+1 415 555 0100",
		"-2+3":                  "'-2+3",
		"@SUM(A1)":              "'@SUM(A1)",
		"\t=1":                  "'\t=1",
		"\r=1":                  "'\r=1",
		"＝1+1":                  "'＝1+1",
		"＋1":                    "'＋1",
		"－1":                    "'－1",
		"＠x":                    "'＠x",
		"a=1":                   "a=1",
		" =1":                   " =1",
		"'=already":             "'=already",
		"cmd|' /C calc'!A0":     "cmd|' /C calc'!A0",
		"=cmd|' /C calc'!A0":    "'=cmd|' /C calc'!A0",
		"ada@example.com":       "ada@example.com",
		"-ada-@example.com":     "'-ada-@example.com",
		"https://acme.com/?a=1": "https://acme.com/?a=1",
	} {
		if got := NeutralizeCell(in); got != want {
			t.Errorf("NeutralizeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExportWriter(t *testing.T) {
	var buf bytes.Buffer
	ew := NewWriter(&buf, WriterOptions{CustomKeys: []string{"icebreaker", "score"}, ExtraColumns: []string{"status"}})
	leads := []field.Fields{
		{Email: "ada@example.com", FirstName: "Ada", Company: "Acme, \"Inc\"", Custom: map[string]string{"icebreaker": "Line 1\nLine 2"}},
		{Email: "-evil@example.com", FirstName: "=HYPERLINK(\"http://x\",\"click\")", Phone: "+14155550100",
			Custom: map[string]string{"score": "@SUM(1)", "unlisted": "dropped"}},
	}
	for _, l := range leads {
		if err := ew.Write(l, "active"); err != nil {
			t.Fatal(err)
		}
	}
	if err := ew.Write(leads[0]); err == nil {
		t.Error("Write without the extra values succeeded")
	}
	if err := ew.Flush(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeffemail,firstName,lastName,company,title,website,linkedinUrl,phone,timezone,country,custom.icebreaker,custom.score,status\r\n") {
		t.Errorf("header: %q", out[:120])
	}
	// Every cell a spreadsheet reads starts with a harmless character.
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		for _, cell := range rec {
			if isFormulaStart(cell) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	if recs[2][0] != "'-evil@example.com" || recs[2][1] != `'=HYPERLINK("http://x","click")` || recs[2][7] != "'+14155550100" {
		t.Errorf("row 2 = %q", recs[2])
	}
}

// What we export imports back into the same fields, apostrophes removed.
func TestExportImportRoundTrip(t *testing.T) {
	in := []field.Fields{
		{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Company: "Acme; \"Inc\", Ltd",
			Title: "=CTO", Website: "https://acme.com", LinkedinURL: "https://www.linkedin.com/in/ada",
			Phone: "+442079460958", Timezone: "Europe/London", Country: "United Kingdom",
			Custom: map[string]string{"icebreaker": "Loved your post,\n\"really\"", "deal_size": "-5"}},
		{Email: "-dash@example.com", FirstName: "@handle", LastName: "+plus", Custom: map[string]string{"deal_size": "＝1"}},
		{Email: "grace@example.com"},
	}
	var buf bytes.Buffer
	ew := NewWriter(&buf, WriterOptions{CustomKeys: []string{"deal_size", "icebreaker"}})
	for _, f := range in {
		if err := ew.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := ew.Flush(); err != nil {
		t.Fatal(err)
	}
	ir, err := NewReader(&buf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range in {
		row, err := ir.Next()
		if err != nil || row.Err != nil || len(row.Warnings) > 0 {
			t.Fatalf("row %d: %v %v %v", i, err, row.Err, row.Warnings)
		}
		if !reflect.DeepEqual(row.Fields, want) {
			t.Errorf("row %d = %+v\nwant %+v", i, row.Fields, want)
		}
	}
	if _, err := ir.Next(); err != io.EOF {
		t.Errorf("after the last lead: %v", err)
	}
}

func TestExportWriterEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := NewWriter(&buf, WriterOptions{OmitBOM: true}).Flush(); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "email,firstName,lastName,company,title,website,linkedinUrl,phone,timezone,country\r\n" {
		t.Errorf("empty export = %q", got)
	}
}
