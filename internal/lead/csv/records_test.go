package csv

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestRecords reads a list of values the way the suppression list's bulk add
// does: no header required, the first row may be data, rows numbered as a
// spreadsheet shows them, a broken row rejected alone.
func TestRecords(t *testing.T) {
	in := "\xef\xbb\xbfada@x.example;Ada\n\nspam.example;\"unclosed\nlast.example;z\n"
	rs, err := NewRecords(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rs.Delimiter() != ';' {
		t.Errorf("delimiter %q", rs.Delimiter())
	}
	type got struct {
		row   int
		first string
		bad   bool
	}
	var rows []got
	for {
		rec, err := rs.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		g := got{row: rec.Row, bad: rec.Err != nil}
		if !g.bad {
			g.first = rec.Cells[0]
		}
		rows = append(rows, g)
	}
	want := []got{{1, "ada@x.example", false}, {3, "", true}, {4, "last.example", false}}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v, want %+v", rows, want)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, rows[i], want[i])
		}
	}
}

func TestRecordsDelimiter(t *testing.T) {
	for in, want := range map[string]rune{"a;b;c\nx,y": ';', "a,b\n": ',', "a\tb": '\t', "single\n": ','} {
		rs, err := NewRecords(strings.NewReader(in), Options{})
		if err != nil || rs.Delimiter() != want {
			t.Errorf("NewRecords(%q): delimiter %q, %v; want %q", in, rs.Delimiter(), err, want)
		}
	}
}

func TestRecordsFileErrors(t *testing.T) {
	if _, err := NewRecords(strings.NewReader(""), Options{}); !errors.Is(err, ErrEmptyFile) {
		t.Errorf("empty file: %v", err)
	}
	var enc *EncodingError
	if _, err := NewRecords(strings.NewReader("\xff\xfee\x00m\x00"), Options{}); !errors.As(err, &enc) || enc.Encoding != EncodingUTF16 {
		t.Errorf("UTF-16 file: %v", err)
	}
	rs, err := NewRecords(strings.NewReader("email\nm\xfcller@example.de\nok@example.de\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Next(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := rs.Next(); !errors.As(err, &enc) || enc.Row != 2 {
			t.Fatalf("latin-1 row: %v", err)
		}
	}
}
