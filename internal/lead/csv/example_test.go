package csv_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/leadbitz/leadbitz/internal/lead/csv"
	"github.com/leadbitz/leadbitz/internal/lead/field"
)

// An import job reads rows one at a time, records rejected rows with their
// spreadsheet row number, and merges repeated emails.
func ExampleReader() {
	file := strings.NewReader("\ufeffFirst Name;Email;Company;Icebreaker\r\n" +
		"Ada;Ada@Example.com;Analytical Engines;\r\n" +
		"Grace;grace.example.com;US Navy;\r\n" +
		"\r\n" +
		"Augusta;ada@example.com;;Loves engines\r\n")

	ir, err := csv.NewReader(file, csv.Options{})
	if err != nil {
		fmt.Println("import failed:", err)
		return
	}
	fmt.Println("mapping:", ir.Mapping())
	seen := field.NewDedupeSet()
	stored := map[int]field.Fields{} // row number → lead, standing in for the database
	for {
		row, err := ir.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println("import failed:", err)
			return
		}
		if row.Err != nil {
			fmt.Printf("row %d rejected: %v\n", row.Number, row.Err)
			continue
		}
		if first := seen.See(row.Fields.Email, row.Number); first != 0 {
			merged, changed := field.MergeFields(stored[first], row.Fields, field.DuplicateFill)
			stored[first] = merged
			fmt.Printf("row %d repeats row %d, filled %v\n", row.Number, first, changed)
			continue
		}
		stored[row.Number] = row.Fields
		fmt.Printf("row %d: %s %s at %s\n", row.Number, row.Fields.FirstName, row.Fields.Email, row.Fields.Company)
	}
	// Output:
	// mapping: map[Company:company Email:email First Name:firstName Icebreaker:custom.icebreaker]
	// row 2: Ada ada@example.com at Analytical Engines
	// row 3 rejected: email: missing @ (value "grace.example.com")
	// row 5 repeats row 2, filled [custom.icebreaker]
}

// Exports neutralise cells a spreadsheet would run as formulas.
func ExampleWriter() {
	var out strings.Builder
	w := csv.NewWriter(&out, csv.WriterOptions{CustomKeys: []string{"icebreaker"}, OmitBOM: true})
	_ = w.Write(field.Fields{Email: "ada@example.com", FirstName: "=HYPERLINK(\"http://evil\")", Phone: "+14155550100",
		Custom: map[string]string{"icebreaker": "Hi, Ada"}})
	_ = w.Flush()
	fmt.Print(strings.ReplaceAll(out.String(), "\r\n", "\n")) // rows end in CRLF
	// Output:
	// email,firstName,lastName,company,title,website,linkedinUrl,phone,timezone,country,custom.icebreaker
	// ada@example.com,"'=HYPERLINK(""http://evil"")",,,,,,'+14155550100,,,"Hi, Ada"
}
