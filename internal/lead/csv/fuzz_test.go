package csv

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/lead/field"
)

// maxFuzzTime bounds one input. Every step of the reader is linear in the
// input, so even a loaded machine stays far below it; a hang shows as a
// failure instead of a stuck fuzzer.
const maxFuzzTime = 5 * time.Second

func addFileSeeds(f *testing.F) {
	files, err := filepath.Glob("testdata/*.csv")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	for _, s := range []string{
		"email\na@b.co\n",
		"email,a\nx@y.co,\"open\n\"Ann\",z@y.co\n",
		"email;a\r\n\"x@y.co\";\"l1\r\nl2\"\r\n",
		"sep=|\nemail|name\na@b.co|A\n",
		"Name,Mail\n\"Lovelace, Ada\",ada@example.com,extra\n",
		"email,tz,phone,site,li\na@b.co,EST,+33 (0)1 23 45 67 89,Acme.com,linkedin.com/in/x?y\n",
		"\ufeffemail\tname\r\na@b.co\tA\r\n\r\n",
	} {
		f.Add([]byte(s), true)
	}
}

// FuzzImportReader feeds arbitrary bytes to the reader: it must not panic
// or hang, must end with io.EOF or a file-level error it documents, must
// number rows in increasing order, must reject rows only with a documented
// reason, and must hand out only valid, normalised leads. CountRows must
// agree with the number of rows Next returns.
func FuzzImportReader(f *testing.F) {
	addFileSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, keepExtra bool) {
		start := time.Now()
		opts := Options{KeepExtraCells: keepExtra, MaxRowBytes: 4096}
		ir, err := NewReader(bytes.NewReader(data), opts)
		if err != nil {
			checkFileError(t, err)
			return
		}
		total, countErr := CountRows(bytes.NewReader(data), opts)
		rows, last := 0, 0
		for {
			if time.Since(start) > maxFuzzTime {
				t.Fatalf("no end after %v (%d rows)", maxFuzzTime, rows)
			}
			row, err := ir.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				checkFileError(t, err)
				if countErr == nil || countErr.Error() != err.Error() {
					t.Fatalf("Next failed with %v, CountRows with %v", err, countErr)
				}
				return
			}
			rows++
			if row.Number <= last || row.Number < 2 {
				t.Fatalf("row number %d after %d", row.Number, last)
			}
			last = row.Number
			if row.Err != nil {
				checkRowError(t, row.Err)
			} else {
				checkLead(t, row.Fields)
			}
			for _, w := range row.Warnings {
				if w.Field == "" || w.Field == field.Email || w.Message == "" {
					t.Fatalf("bad warning %#v", w)
				}
			}
		}
		if countErr != nil || total != rows {
			t.Fatalf("CountRows = %d, %v; Next gave %d rows", total, countErr, rows)
		}
	})
}

func checkFileError(t *testing.T, err error) {
	t.Helper()
	var ee *EncodingError
	for _, known := range []error{ErrEmptyFile, ErrNoHeader, ErrBadHeader, ErrNoEmailColumn, ErrTooManyColumns} {
		if errors.Is(err, known) {
			return
		}
	}
	if !errors.As(err, &ee) {
		t.Fatalf("undocumented file error %T: %v", err, err)
	}
}

func checkRowError(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if msg == "" || !utf8.ValidString(msg) || len(msg) > 400 {
		t.Fatalf("unclear row error %q", msg)
	}
	for _, known := range []error{ErrUnbalancedQuote, ErrRowTooLong, ErrNULByte, ErrTooManyCells} {
		if errors.Is(err, known) {
			return
		}
	}
	var fe *field.Error
	if !errors.As(err, &fe) || fe.Field != field.Email || fe.Message == "" {
		t.Fatalf("undocumented row error %T: %v", err, err)
	}
}

// checkLead asserts that an accepted row is a valid lead in normal form.
func checkLead(t *testing.T, f field.Fields) {
	t.Helper()
	again, err := field.Normalize(f)
	if err != nil {
		t.Fatalf("accepted row %+v does not validate: %v", f, err)
	}
	if !reflect.DeepEqual(again, f) {
		t.Fatalf("normalising twice changes the lead:\n%+v\n%+v", f, again)
	}
	for name, v := range f.All() {
		if v == "" || !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
			t.Fatalf("field %s = %q", name, v)
		}
	}
}

// FuzzDetectMapping checks header detection on arbitrary header rows: every
// column gets an entry, targets are valid, no standard field is taken
// twice, the result is deterministic, and feeding it back as an explicit
// mapping changes nothing.
func FuzzDetectMapping(f *testing.F) {
	for _, h := range []string{
		"First Name,Last Name,Email,Company,Company Name for Emails,Mobile Phone,Corporate Phone",
		"Vorname,Name,E-Mail-Adresse", "Name,Mail", ",,,#,custom.x,custom.X,Email Status",
		"email,email,EMAIL, email ,Work Email,Personal Email",
	} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, line string) {
		header := strings.Split(line, ",")
		m := DetectMapping(header)
		if !maps.Equal(m, DetectMapping(header)) {
			t.Fatal("DetectMapping is not deterministic")
		}
		names := headerNames(header)
		taken := map[string]string{}
		for _, n := range names {
			target, ok := m[n]
			if !ok {
				t.Fatalf("column %q has no entry in %v", n, m)
			}
			if target == "" {
				continue
			}
			fd, err := field.ByName(target)
			if err != nil || fd.Name() != target {
				t.Fatalf("column %q → invalid target %q: %v", n, target, err)
			}
			if !fd.IsCustom() {
				if other, dup := taken[target]; dup && other != n {
					t.Fatalf("%s taken by %q and %q", target, other, n)
				}
				taken[target] = n
			}
		}
		if len(m) > len(names) {
			t.Fatalf("mapping has %d entries for %d columns", len(m), len(names))
		}
		_, again, err := resolve(names, m, false)
		if err != nil && !errors.Is(err, ErrTooManyColumns) {
			t.Fatalf("the detected mapping is refused as an explicit one: %v", err)
		}
		if !maps.Equal(again, m) {
			t.Fatalf("explicit detected mapping changes it:\n%v\n%v", m, again)
		}
	})
}
