package csv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/leadbitz/leadbitz/internal/lead/field"
)

// readAll reads every row of data; err is what ended it (nil for io.EOF).
func readAll(t *testing.T, data []byte, opts Options) (*Reader, []Row, error) {
	t.Helper()
	ir, err := NewReader(bytes.NewReader(data), opts)
	if err != nil {
		return nil, nil, err
	}
	var rows []Row
	for {
		row, err := ir.Next()
		if err == io.EOF {
			return ir, rows, nil
		}
		if err != nil {
			return ir, rows, err
		}
		rows = append(rows, row)
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// want is the expected outcome of one row: its number, its email, and a
// piece of its error message (empty for an accepted row).
type want struct {
	num   int
	email string
	err   string
}

func checkRows(t *testing.T, rows []Row, wants []want) {
	t.Helper()
	if len(rows) != len(wants) {
		for _, r := range rows {
			t.Logf("row %d %q err=%v", r.Number, r.Fields.Email, r.Err)
		}
		t.Fatalf("got %d rows, want %d", len(rows), len(wants))
	}
	for i, w := range wants {
		r := rows[i]
		if r.Number != w.num || r.Fields.Email != w.email {
			t.Errorf("row %d: number %d email %q, want %d %q", i, r.Number, r.Fields.Email, w.num, w.email)
		}
		switch {
		case w.err == "" && r.Err != nil:
			t.Errorf("row %d: unexpected error %v", w.num, r.Err)
		case w.err != "" && (r.Err == nil || !strings.Contains(r.Err.Error(), w.err)):
			t.Errorf("row %d: error %v, want one containing %q", w.num, r.Err, w.err)
		}
	}
}

func TestImportApolloExport(t *testing.T) {
	ir, rows, err := readAll(t, readFile(t, "apollo_bom_crlf.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ir.Delimiter() != ',' || ir.Header()[0] != "First Name" {
		t.Errorf("delimiter %q, header %q: BOM not stripped?", ir.Delimiter(), ir.Header())
	}
	checkRows(t, rows, []want{
		{2, "ada@analytical.example.com", ""},
		{3, "grace.hopper@navy.example.mil", ""},
		{4, "", "email: is Apollo's placeholder"},
		{6, "katherine.johnson@nasa.example.gov", ""}, // row 5 is empty
		{7, "", "email: is missing"},
	})
	ada := rows[0].Fields
	wantAda := field.Fields{
		Email: "ada@analytical.example.com", FirstName: "Ada", LastName: "Lovelace", Title: "CTO",
		Company: "Analytical Engines", Website: "http://www.analytical.example.com",
		LinkedinURL: "https://www.linkedin.com/in/ada-lovelace", Phone: "+442079460958", Country: "United Kingdom",
	}
	custom := ada.Custom
	ada.Custom = nil
	if !reflect.DeepEqual(ada, wantAda) {
		t.Errorf("Ada = %+v\nwant %+v", ada, wantAda)
	}
	for k, v := range map[string]string{
		"company": "Analytical Engines, Ltd.", "corporate_phone": "+44 20 7946 0000", "email_status": "Verified",
		"employees": "11", "city": "London", "industry": "Computing",
	} {
		if custom[k] != v {
			t.Errorf("Ada custom[%q] = %q, want %q", k, custom[k], v)
		}
	}
	if got := rows[2].Fields.FirstName; got != "Alan" {
		t.Errorf("a rejected row keeps what was read: FirstName %q", got)
	}
}

func TestImportHubSpotSemicolons(t *testing.T) {
	ir, rows, err := readAll(t, readFile(t, "hubspot_semicolon.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ir.Delimiter() != ';' {
		t.Errorf("delimiter %q, want ;", ir.Delimiter())
	}
	checkRows(t, rows, []want{
		{2, "marie@radium.example.fr", ""},
		{3, "lise@kwi.example.de", ""},
		{4, "wu@columbia.example.edu", ""},
		{5, "", `email: domain has no dot (value "emmy@goettingen")`},
		{6, "rosalind@kings.example.ac.uk", ""},
	})
	marie := rows[0].Fields
	if marie.Company != "Institut du Radium; Paris" || marie.Title != "Directrice, Physique" ||
		marie.Phone != "+33123456789" || marie.Timezone != "Europe/Paris" || marie.Country != "France" {
		t.Errorf("Marie = %+v", marie)
	}
	if tz := rows[1].Fields.Timezone; tz != "Europe/Berlin" {
		t.Errorf("Lise timezone %q", tz)
	}
	if f := rows[2].Fields; f.Timezone != "America/New_York" || f.Phone != "2125550100" {
		t.Errorf("Wu = %+v", f)
	}
	var warned []string
	for _, w := range rows[4].Warnings {
		warned = append(warned, w.Field)
	}
	if got := strings.Join(warned, ","); got != "website,phone,timezone" {
		t.Errorf("Rosalind warnings on %s, want website,phone,timezone", got)
	}
	if f := rows[4].Fields; f.Website != "" || f.Phone != "" || f.Timezone != "" || f.Company != "King's College" {
		t.Errorf("Rosalind = %+v: invalid optional values must be dropped, the rest kept", f)
	}
}

func TestImportOtherExports(t *testing.T) {
	tests := []struct {
		file  string
		delim rune
		wants []want
		check func(t *testing.T, rows []Row)
	}{
		{"salesnav_tab.csv", '\t', []want{{2, "tim@w3.example.org", ""}, {3, "vint@google.example.com", ""}},
			func(t *testing.T, rows []Row) {
				f := rows[0].Fields
				if f.LinkedinURL != "https://www.linkedin.com/in/tim-bl" || f.Company != "W3C, Inc" || f.Custom["location"] != "London, UK" {
					t.Errorf("Tim = %+v", f)
				}
			}},
		{"instantly.csv", ',', []want{{2, "jane@acme.example.com", ""}},
			func(t *testing.T, rows []Row) {
				f := rows[0].Fields
				if f.FirstName != "Jane" || f.Company != "Acme" || f.Website != "https://acme.example.com" ||
					f.Phone != "+14155550100" || f.Custom["personalization"] != "Saw your talk at SaaStr" {
					t.Errorf("Jane = %+v", f)
				}
			}},
		{"lemlist.csv", ',', []want{{2, "john@globex.example.com", ""}},
			func(t *testing.T, rows []Row) {
				f := rows[0].Fields
				if f.LinkedinURL != "https://www.linkedin.com/in/jsmith" || f.Custom["icebreaker"] != "Congrats on the round" ||
					f.Custom["picture"] != "https://img.example.com/j.png" {
					t.Errorf("John = %+v", f)
				}
			}},
		{"mac_cr.csv", ',', []want{{2, "hans@example.de", ""}, {3, "grete@example.de", ""}},
			func(t *testing.T, rows []Row) {
				if f := rows[1].Fields; f.FirstName != "Grete" || f.LastName != "Schulz" || f.Company != "Schulz AG" {
					t.Errorf("Grete = %+v", f)
				}
			}},
		{"french_sep.csv", ';', []want{{2, "elodie.dupre@sg.example.fr", ""}},
			func(t *testing.T, rows []Row) {
				f := rows[0].Fields
				if f.FirstName != "Élodie" || f.Company != "Société Générale" || f.Phone != "+33612345678" || f.Title != "=Directrice" {
					t.Errorf("Élodie = %+v", f)
				}
			}},
		{"multiline_address.csv", ',', []want{{2, "ada@example.com", ""}, {3, "grace@example.com", ""}},
			func(t *testing.T, rows []Row) {
				f := rows[0].Fields
				if f.Custom["address"] != "12 St James's Square\nLondon SW1Y 4JH\nUnited Kingdom" ||
					f.Custom["notes"] != `said "hi", then left` || f.FirstName != "Ada" || f.LastName != "Lovelace" {
					t.Errorf("Ada = %+v", f)
				}
			}},
		{"empty_lines.csv", ',', []want{{3, "a@example.com", ""}, {7, "b@example.com", ""}}, nil},
		{"ragged.csv", ',', []want{
			{2, "short@example.com", ""},
			{3, "exact@example.com", ""},
			{4, "trailing@example.com", ""},
			{5, "long@example.com", `row has more cells than the header: it has 6 cells but the header has 4; a value probably contains an unquoted comma ","`},
			{6, "x@example.com", ""},
		}, nil},
		{"stray_quote.csv", ',', []want{
			{2, "one@example.com", ""},
			{3, "", "unbalanced quotes"},
			{4, "three@example.com", ""},
			{5, "four@example.com", ""},
		}, nil},
		{"duplicates.csv", ',', []want{
			{2, "ada@example.com", ""}, {3, "ada@example.com", ""}, {4, "ada@example.com", ""},
			{5, "ada@example.com", ""}, {6, "grace@example.com", ""},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readFile(t, tt.file)
			ir, rows, err := readAll(t, data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if ir.Delimiter() != tt.delim {
				t.Errorf("delimiter %q, want %q", ir.Delimiter(), tt.delim)
			}
			checkRows(t, rows, tt.wants)
			if tt.check != nil {
				tt.check(t, rows)
			}
			n, err := CountRows(bytes.NewReader(data), Options{})
			if err != nil || n != len(rows) {
				t.Errorf("CountRows = %d, %v; Next returned %d rows", n, err, len(rows))
			}
		})
	}
}

func TestKeepExtraCells(t *testing.T) {
	_, rows, err := readAll(t, readFile(t, "ragged.csv"), Options{KeepExtraCells: true})
	if err != nil {
		t.Fatal(err)
	}
	f := rows[3].Fields
	if rows[3].Err != nil || f.Company != "Acme" || f.Custom["col_5"] != "Inc" || f.Custom["col_6"] != "extra" {
		t.Errorf("long row = %+v, %v", f, rows[3].Err)
	}
}

func TestEncodingErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		enc  string
		row  int
		msg  string
	}{
		{"latin1 header", readFile(t, "latin1.csv"), EncodingWindows1252, 1,
			`file is not UTF-8: it looks like Windows-1252 (first non-UTF-8 byte on row 1); save it as "CSV UTF-8" and import it again`},
		{"utf16 with BOM", readFile(t, "utf16.csv"), EncodingUTF16, 0, "file is not UTF-8: it looks like UTF-16"},
		{"utf16 without BOM", []byte("E\x00m\x00a\x00i\x00l\x00\n\x00a\x00@\x00b\x00.\x00c\x00o\x00\n\x00"), EncodingUTF16, 0, "UTF-16"},
		{"utf32", []byte("\xff\xfe\x00\x00E\x00\x00\x00"), EncodingUTF32, 0, "UTF-32"},
		{"xlsx", []byte("PK\x03\x04\x14\x00\x06\x00rest of a zip"), EncodingXLSX, 0, "file is an Excel workbook (.xlsx), not CSV"},
		{"xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), EncodingXLS, 0, "old Excel workbook (.xls)"},
		{"gzip", []byte("\x1f\x8b\x08\x00"), EncodingGzip, 0, "compressed"},
		{"shift-jis", []byte("email,\x89\xef\x8e\xd0\x96\xbc\n"), EncodingMultiByte, 1, "legacy multi-byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(tt.data), Options{})
			var ee *EncodingError
			if !errors.As(err, &ee) {
				t.Fatalf("err = %v, want *EncodingError", err)
			}
			if ee.Encoding != tt.enc || ee.Row != tt.row || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q (%s, row %d), want %s row %d containing %q", err, ee.Encoding, ee.Row, tt.enc, tt.row, tt.msg)
			}
		})
	}
}

// A file that turns out not to be UTF-8 deep inside stops there, and
// CountRows, run first, finds it before any row is used.
func TestEncodingErrorDeepInFile(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("email,name\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "user%d@example.com,User %d\n", i, i)
	}
	b.WriteString("muller@example.de,M\xfcller\n")
	b.WriteString("after@example.com,After\n")
	_, rows, err := readAll(t, b.Bytes(), Options{})
	var ee *EncodingError
	if !errors.As(err, &ee) || ee.Row != 3002 || ee.Encoding != EncodingWindows1252 {
		t.Fatalf("err = %v, want Windows-1252 on row 3002", err)
	}
	if len(rows) != 3000 {
		t.Errorf("read %d rows before the error, want 3000", len(rows))
	}
	n, err := CountRows(bytes.NewReader(b.Bytes()), Options{})
	if !errors.As(err, &ee) || ee.Row != 3002 {
		t.Errorf("CountRows = %d, %v; want the same encoding error", n, err)
	}
}

func TestFileErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		opts Options
		want error
	}{
		{"empty", "", Options{}, ErrEmptyFile},
		{"only BOM and blank lines", "\ufeff\n\n  \n", Options{}, ErrEmptyFile},
		{"no header", "ada@example.com,Ada\ngrace@example.com,Grace\n", Options{}, ErrNoHeader},
		{"header with a broken quote", "\"email,name\n", Options{}, ErrBadHeader},
		{"no email column", "name,company\nAda,Acme\n", Options{}, ErrNoEmailColumn},
		{"mapping names a missing column", "email,name\n", Options{Mapping: Mapping{"mail": "email"}}, ErrBadMapping},
		{"mapping names a missing field", "email,name\n", Options{Mapping: Mapping{"name": "nickname"}}, ErrBadMapping},
		{"bad delimiter", "email\n", Options{Delimiter: '"'}, ErrBadDelimiter},
		{"letter delimiter", "email\n", Options{Delimiter: 'x'}, ErrBadDelimiter},
		{"binary", "email\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x10\x11\x12\x13\x14\x15", Options{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.data), tt.opts)
			if tt.want == nil {
				var ee *EncodingError
				if !errors.As(err, &ee) || ee.Encoding != EncodingUTF16 && ee.Encoding != EncodingBinary {
					t.Errorf("err = %v, want a binary/UTF-16 EncodingError", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestRowProblems(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	data := "email,notes\n" +
		"a@example.com,fine\n" +
		"b@example.com," + long + "\n" +
		"c@example.com,has a \x00 byte\n" +
		"d@example.com,\"" + strings.Repeat("y", 100<<10) + "\"\n" +
		"e@example.com,last\n"
	_, rows, err := readAll(t, []byte(data), Options{MaxRowBytes: 150 << 10})
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, rows, []want{
		{2, "a@example.com", ""},
		{3, "", "row is too long (over 153600 bytes)"},
		{4, "", "row contains a NUL byte"},
		{5, "d@example.com", ""},
		{6, "e@example.com", ""},
	})
	if len(rows[3].Warnings) != 1 || rows[3].Warnings[0].Field != "custom.notes" {
		t.Errorf("a 100 KiB custom value should be dropped with a warning: %v", rows[3].Warnings)
	}
}

func TestScannerQuoting(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // one entry per row: cells joined by "|", or "ERR:" + message part, "" for an empty row
	}{
		{"plain and CRLF", "email,a\r\nx@y.co,1\r\n", []string{"email|a", "x@y.co|1"}},
		{"no final newline", "email,a\nx@y.co,1", []string{"email|a", "x@y.co|1"}},
		{"trailing delimiter", "email,a\nx@y.co,\n", []string{"email|a", "x@y.co|"}},
		{"quoted delimiter and quotes", "email,a\nx@y.co,\"b, \"\"c\"\"\"\n", []string{"email|a", `x@y.co|b, "c"`}},
		{"spaces around quotes", "email,a\nx@y.co , \"b,c\" \n", []string{"email|a", "x@y.co |b,c"}},
		{"quote inside unquoted cell", "email,a\nx@y.co,5'11\" tall\n", []string{"email|a", `x@y.co|5'11" tall`}},
		{"stray quotes on the opening line", "email,a\nx@y.co,\"Ada \"the Countess\" King\"\n", []string{"email|a", `x@y.co|Ada "the Countess" King`}},
		{"text after a closing quote", "email,a\nx@y.co,\"Bob\" Smith,z\nq@y.co,\"Al\" B\n", []string{"email|a", "x@y.co|Bob Smith|z", "q@y.co|Al B"}},
		{"empty quoted cells", "email,a\n\"\",\"\"\nx@y.co,\"\"\n", []string{"email|a", "", "x@y.co|"}},
		{"CRLF inside a quoted cell", "email,a\nx@y.co,\"l1\r\nl2\"\n", []string{"email|a", "x@y.co|l1\nl2"}},
		{"unterminated at end of file", "email,a\nx@y.co,\"open\nnext@y.co,2\n", []string{"email|a", "ERR:unbalanced", "next@y.co|2"}},
		{"stray quote after a line break", "email,a\nx@y.co,\"open\n\"Ann\",z@y.co\nlast@y.co,3\n", []string{"email|a", "ERR:unbalanced", "Ann|z@y.co", "last@y.co|3"}},
		{"multi-line cell giving too many cells", "email,a\nx@y.co,\"open\nb@y.co,c\",d,e\n", []string{"email|a", "ERR:unbalanced", `b@y.co|c"|d|e`}},
		{"multi-line cell with the right cell count", "email,a\nx@y.co,\"l1\nl2\"\n", []string{"email|a", "x@y.co|l1\nl2"}},
		{"CR line ends", "email,a\rx@y.co,\"l1\rl2\"\r", []string{"email|a", "x@y.co|l1\nl2"}},
		{"pushed-back lines never span lines", "email,a\nx@y.co,\"open\n\"q,\nok@y.co,1\n", []string{"email|a", "ERR:unbalanced", "ERR:unbalanced", "ok@y.co|1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := newScanner(bufioReader(tt.in), ',', sniffEOL([]byte(tt.in)), 1<<20)
			sc.expect = 2
			var got []string
			for {
				r, err := sc.next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case r.err != nil:
					got = append(got, "ERR:"+r.err.Error())
				case r.empty:
					got = append(got, "")
				default:
					got = append(got, strings.Join(r.cells, "|"))
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("rows %q, want %q", got, tt.want)
			}
			for i := range got {
				if strings.HasPrefix(tt.want[i], "ERR:") && strings.HasPrefix(got[i], tt.want[i]) || got[i] == tt.want[i] {
					continue
				}
				t.Errorf("row %d = %q, want %q", i+1, got[i], tt.want[i])
			}
		})
	}
}

func TestSniffDelimiter(t *testing.T) {
	big := "email;note\n" + strings.Repeat("a@b.co;\"x, y, z\"\n", 10000)
	tests := []struct {
		name, in string
		want     byte
	}{
		{"comma", "email,name\na@b.co,A\n", ','},
		{"comma with quoted semicolons", "email,company\na@b.co,\"Acme; Inc\"\nb@b.co,\"Foo; Bar; Baz\"\n", ','},
		{"semicolon with quoted commas", "email;company;title\na@b.co;\"Acme, Inc\";\"CEO, founder\"\n", ';'},
		{"semicolon with decimal commas", "email;revenue\na@b.co;1,5\nb@b.co;2,25\n", ';'},
		{"tab", "email\tcompany\na@b.co\tAcme, Inc\n", '\t'},
		{"pipe", "email|company\na@b.co|Acme, Inc\n", '|'},
		{"one column", "email\na@b.co\n", ','},
		{"header only", "email;name;company\n", ';'},
		{"quoted header with commas in names", "\"email\";\"Country, Region\"\na@b.co;FR\n", ';'},
		{"longer than the sample", big, ';'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ir, err := NewReader(strings.NewReader(tt.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if ir.Delimiter() != rune(tt.want) {
				t.Errorf("delimiter %q, want %q", ir.Delimiter(), tt.want)
			}
		})
	}
	ir, err := NewReader(strings.NewReader("email;name\na@b.co;A\n"), Options{Delimiter: ','})
	if err != nil || ir.Delimiter() != ',' || ir.Header()[0] != "email;name" {
		t.Errorf("an explicit delimiter must win over sniffing: %v %q", err, ir.Header())
	}
}

func bufioReader(s string) *bufio.Reader { return bufio.NewReaderSize(strings.NewReader(s), 16) }

// The reader streams: it starts and yields rows from an endless source.
func TestImportReaderStreams(t *testing.T) {
	ir, err := NewReader(&endless{header: "email,firstName\n"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10000 {
		row, err := ir.Next()
		if err != nil || row.Err != nil || row.Number != i+2 {
			t.Fatalf("row %d: %+v %v", i+2, row, err)
		}
	}
}

// endless is a CSV file that never ends.
type endless struct {
	header string
	n      int
	buf    []byte
}

func (e *endless) Read(p []byte) (int, error) {
	for len(e.buf) < len(p) {
		if e.header != "" {
			e.buf, e.header = append(e.buf, e.header...), ""
			continue
		}
		e.buf = fmt.Appendf(e.buf, "user%d@example.com,User\n", e.n)
		e.n++
	}
	n := copy(p, e.buf)
	e.buf = e.buf[n:]
	return n, nil
}

func TestReadErrorStopsTheImport(t *testing.T) {
	boom := errors.New("disk on fire")
	var b strings.Builder
	b.WriteString("email\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "user%d@example.com\n", i)
	}
	src := io.MultiReader(strings.NewReader(b.String()), iotest.ErrReader(boom))
	ir, err := NewReader(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for {
		_, err = ir.Next()
		if err != nil {
			break
		}
		rows++
	}
	if !errors.Is(err, boom) || rows != 10000 {
		t.Fatalf("after %d rows: err = %v, want the read error after 10000 rows", rows, err)
	}
	if _, err := ir.Next(); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the read error again", err)
	}
	// A read error at the very start fails NewReader.
	if _, err := NewReader(iotest.ErrReader(boom), Options{}); !errors.Is(err, boom) {
		t.Fatalf("NewReader on a failing reader: %v", err)
	}
}

func TestPreview(t *testing.T) {
	res, err := Preview(bytes.NewReader(readFile(t, "apollo_bom_crlf.csv")), 3, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.MappingErr != nil || res.Delimiter != ',' || len(res.Header) != 15 || res.Mapping["Email"] != "email" {
		t.Errorf("preview = %+v", res)
	}
	if len(res.Rows) != 3 || res.Rows[0].Cells[0] != "Ada" || res.Rows[0].Fields.FirstName != "Ada" ||
		res.Rows[2].Number != 4 || res.Rows[2].Err == nil {
		t.Errorf("preview rows = %+v", res.Rows)
	}

	// Without an email column the preview still shows the file, so the
	// user can choose the mapping.
	res, err = Preview(strings.NewReader("Who,Contact\nAda,ada@example.com\n"), 10, Options{})
	if err != nil || !errors.Is(res.MappingErr, ErrNoEmailColumn) || len(res.Rows) != 1 ||
		res.Rows[0].Cells[1] != "ada@example.com" || res.Rows[0].Err == nil {
		t.Fatalf("preview = %+v, %v", res, err)
	}
	res, err = Preview(strings.NewReader("Who,Contact\nAda,ada@example.com\n"), 10, Options{Mapping: Mapping{"Contact": "email"}})
	if err != nil || res.MappingErr != nil || res.Rows[0].Fields.Email != "ada@example.com" {
		t.Fatalf("preview with mapping = %+v, %v", res, err)
	}
	res, err = Preview(strings.NewReader("Email,Who\nada@example.com,Ada\n"), 10, Options{Mapping: Mapping{"Nope": "email"}})
	if err != nil || !errors.Is(res.MappingErr, ErrBadMapping) || res.Mapping["Email"] != "email" || res.Rows[0].Fields.Email != "ada@example.com" {
		t.Fatalf("preview with a bad mapping = %+v, %v", res, err)
	}
}

func TestDedupeSetOnDuplicatesFile(t *testing.T) {
	_, rows, err := readAll(t, readFile(t, "duplicates.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	seen := field.NewDedupeSet()
	var firsts []int
	for _, r := range rows {
		firsts = append(firsts, seen.See(r.Fields.Email, r.Number))
	}
	if fmt.Sprint(firsts) != "[0 2 2 2 0]" || seen.Len() != 2 {
		t.Errorf("See = %v, Len %d; want [0 2 2 2 0], 2", firsts, seen.Len())
	}
	// Merging the repeats with fill gives Ada every value the file has for
	// her, the first one winning.
	merged := rows[0].Fields
	for _, r := range rows[1:4] {
		merged, _ = field.MergeFields(merged, r.Fields, field.DuplicateFill)
	}
	if merged.FirstName != "Ada" || merged.Company != "Analytical Engines" || merged.Custom["icebreaker"] != "Loves engines" {
		t.Errorf("merged = %+v", merged)
	}
}
