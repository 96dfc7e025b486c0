package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// leadByEmail finds a lead through the search and returns it with its
// provenance.
func leadByEmail(t *testing.T, c *apptest.Account, email string) map[string]any {
	t.Helper()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	c.Must(200, "GET", "/api/leads?q="+email, nil).JSON(t, &page)
	for _, l := range page.Items {
		if l["email"] == email {
			return c.Must(200, "GET", "/api/leads/"+l["id"].(string), nil).Map(t)
		}
	}
	t.Fatalf("no lead %s in %v", email, page.Items)
	return nil
}

// rowErrors maps row number → "code: reason".
func rowErrors(st importStatus) map[int]string {
	m := map[int]string{}
	for _, e := range st.Errors {
		m[e.Row] = e.Code + ": " + e.Reason
	}
	return m
}

// An Apollo export as it really arrives: UTF-8 BOM, CRLF, quoted cells with
// commas and a line break, a short (ragged) row, empty lines, a repeated
// person, bad addresses, Apollo's placeholder, extra columns and a
// suppressed address.
const apolloExport = "\ufeffFirst Name,Last Name,Title,Company,Email,Email Status,Person Linkedin Url,Website,Corporate Phone,Country,# Employees\r\n" +
	"Ada,Lovelace,CTO,\"Analytical Engines, Ltd.\",Ada@Analytical.example.com,Verified,http://www.linkedin.com/in/ada-lovelace,analytical.example.com,\"'+44 20 7946 0958\",United Kingdom,11\r\n" + // row 2
	"Grace,Hopper,\"Rear Admiral,\r\nRetired\",US Navy,grace@navy.example.mil,Verified,,navy.example.mil,,United States,5000\r\n" + // row 3 (two lines)
	"\r\n" + // row 4: empty
	"Alan,Turing,Researcher,Bletchley,not-an-email,Unavailable,,,,,\r\n" + // row 5
	"Edsger,Dijkstra,Professor,UT Austin,edsger@utexas.example.edu\r\n" + // row 6: ragged (short)
	"Ada,Lovelace,Countess,,ada@analytical.example.com,Verified,,,,,\r\n" + // row 7: same person again
	"Barbara,Liskov,Professor,MIT,email_not_unlocked@domain.com,Unavailable,,,,,\r\n" + // row 8
	"Frances,Allen,Fellow,IBM,frances@blocked.example,Verified,,,,,\r\n" + // row 9: suppressed domain
	"Ken,Thompson,Engineer,Google,ken@google.example.com,Verified,,,not a phone!,,\r\n" // row 10: bad phone, kept without it

func TestImportMessyApolloExport(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	ann.Must(201, "POST", "/api/suppressions", map[string]string{"domain": "blocked.example", "reason": "complaint"})

	st := importFile(t, ann, "apollo-export.csv", apolloExport, map[string]string{"source": "Apollo Q3"})
	if st.Status != "done" || st.Source != "Apollo Q3" || st.FileName != "apollo-export.csv" {
		t.Fatalf("import: %+v", st)
	}
	want := importStatus{RowsTotal: 8, RowsDone: 8, Created: 4, Skipped: 2, Invalid: 2, Suppressed: 1, Duplicates: 1}
	if st.RowsTotal != want.RowsTotal || st.RowsDone != want.RowsDone || st.Created != want.Created || st.Updated != 0 ||
		st.Skipped != want.Skipped || st.Invalid != want.Invalid || st.Suppressed != want.Suppressed || st.Duplicates != want.Duplicates {
		t.Fatalf("counts %+v, want %+v", st, want)
	}
	errs := rowErrors(st)
	for row, prefix := range map[int]string{
		5:  "invalid: email: missing @",
		7:  "duplicate: same email as row 2",
		8:  "invalid: email: is Apollo's placeholder",
		9:  "suppressed: suppressed: the domain blocked.example is suppressed",
		10: "warning: imported without these values: phone",
	} {
		if !strings.HasPrefix(errs[row], prefix) {
			t.Errorf("row %d: %q, want %q…", row, errs[row], prefix)
		}
	}
	if len(errs) != 5 {
		t.Errorf("row errors %v", errs)
	}

	ada := leadByEmail(t, ann, "ada@analytical.example.com")
	if ada["company"] != "Analytical Engines, Ltd." || ada["title"] != "CTO" || ada["phone"] != "+442079460958" ||
		ada["linkedinUrl"] != "https://www.linkedin.com/in/ada-lovelace" || ada["website"] != "https://analytical.example.com" {
		t.Errorf("ada: %v", ada)
	}
	custom := ada["custom"].(map[string]any)
	if custom["email_status"] != "Verified" || custom["employees"] == nil {
		t.Errorf("extra columns as custom fields: %v", custom)
	}
	origin := ada["provenance"].(map[string]any)["company"].([]any)[0].(map[string]any)
	src := origin["source"].(map[string]any)
	if origin["value"] != "Analytical Engines, Ltd." || src["kind"] != "import" || src["id"] != st.ID ||
		src["fileName"] != "apollo-export.csv" || src["name"] != "Apollo Q3" || src["row"] != 2.0 || origin["at"] == nil {
		t.Errorf("provenance of company: %v", origin)
	}
	grace := leadByEmail(t, ann, "grace@navy.example.mil")
	if grace["title"] != "Rear Admiral, Retired" && grace["title"] != "Rear Admiral,\nRetired" && grace["title"] != "Rear Admiral,\r\nRetired" {
		t.Errorf("multi-line cell: %q", grace["title"])
	}
	if leadByEmail(t, ann, "edsger@utexas.example.edu")["company"] != "UT Austin" {
		t.Error("ragged row not imported")
	}
	// Suppressed and invalid people were kept out.
	var page struct{ Items []map[string]any }
	ann.Must(200, "GET", "/api/leads?limit=200", nil).JSON(t, &page)
	if len(page.Items) != 4 {
		t.Errorf("%d leads, want 4", len(page.Items))
	}
	for _, l := range page.Items {
		if l["email"] == "frances@blocked.example" {
			t.Error("suppressed address imported")
		}
	}
	// The import is audited from start to finish.
	var audit struct {
		Items []struct{ Action, TargetID string }
	}
	ann.Must(200, "GET", "/api/audit-events", nil).JSON(t, &audit)
	seen := map[string]bool{}
	for _, e := range audit.Items {
		if e.TargetID == st.ID {
			seen[e.Action] = true
		}
	}
	if !seen["lead.import_started"] || !seen["lead.import_finished"] {
		t.Errorf("audit events of the import: %v", seen)
	}
}

func TestImportSemicolonHubSpotExport(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	csv := "\"First Name\";\"Last Name\";\"Email\";\"Company Name\";\"Job Title\";\"Phone Number\";\"Time Zone\"\n" +
		"\"Marie\";\"Curie\";\"marie@radium.example.fr\";\"Institut du Radium; Paris\";\"Directrice\";\"+33 (0)1 23 45 67 89\";\"Europe/Paris\"\n" +
		"\"Lise\";\"Meitner\";\"lise@kwi.example.de\";\"KWI\";\"Physikerin\";\"\";\"(GMT+01:00) Europe/Berlin\"\n"
	st := importFile(t, ann, "hubspot.csv", csv, nil)
	if st.Status != "done" || st.Created != 2 || st.Invalid != 0 {
		t.Fatalf("import: %+v", st)
	}
	marie := leadByEmail(t, ann, "marie@radium.example.fr")
	if marie["company"] != "Institut du Radium; Paris" || marie["title"] != "Directrice" || marie["firstName"] != "Marie" ||
		marie["phone"] != "+33123456789" || marie["timezone"] != "Europe/Paris" {
		t.Errorf("marie: %v", marie)
	}
	if tz := leadByEmail(t, ann, "lise@kwi.example.de")["timezone"]; tz != "Europe/Berlin" {
		t.Errorf("lise's time zone %v", tz)
	}
}

func TestImportRefusesOtherEncodingsClearly(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")

	// Latin-1 (Excel's "CSV" on Windows) in the first rows: refused at once.
	latin1 := []byte("Email,First Name,Company\nm\xfcller@example.de,J\xfcrgen,M\xfcller GmbH\n")
	r := upload(t, ann, "/api/leads/import", "latin1.csv", latin1, nil)
	if r.Status != http.StatusUnprocessableEntity || r.ErrorCode() != "file_encoding" ||
		!strings.Contains(string(r.Body), "UTF-8") {
		t.Fatalf("latin-1 upload: %d %s", r.Status, r.Body)
	}

	// Latin-1 far down the file: refused the same way, naming the row,
	// before any of the good rows before it is written.
	var b strings.Builder
	b.WriteString("Email,First Name\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "person%d@example.com,Person %d with a long enough name to fill the sniffed start\n", i, i)
	}
	file := append([]byte(b.String()), []byte("late@example.com,J\xfcrgen\n")...)
	r = upload(t, ann, "/api/leads/import", "late-latin1.csv", file, nil)
	var e struct {
		Error struct {
			Code    string
			Message string
			Details struct{ Row int }
		}
	}
	r.JSON(t, &e)
	if r.Status != http.StatusUnprocessableEntity || e.Error.Code != "file_encoding" || e.Error.Details.Row != 3002 ||
		!strings.Contains(e.Error.Message, "row 3002") {
		t.Fatalf("late latin-1 upload: %d %s", r.Status, r.Body)
	}
	var page struct{ Items []any }
	ann.Must(200, "GET", "/api/leads", nil).JSON(t, &page)
	if len(page.Items) != 0 {
		t.Fatalf("%d leads written from a refused file", len(page.Items))
	}
}

func TestImportOnDuplicateModes(t *testing.T) {
	srv := apptest.Start(t, nil)
	for _, tc := range []struct {
		mode          string
		updated       int
		title, phone  string // after the import
		company, city string
	}{
		{"skip", 0, "CEO", "", "Old Co", ""},
		{"update", 1, "CTO", "+14155550100", "New Co", "Paris"},
		{"fill", 1, "CEO", "+14155550100", "Old Co", "Paris"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			ann := srv.SignUp(t, "Ann")
			ann.Must(201, "POST", "/api/leads", map[string]any{"email": "dup@example.com", "title": "CEO", "company": "Old Co"})
			st := importFile(t, ann, "dups.csv", "email,title,phone,company,city\r\nDUP@example.com,CTO,+1 415 555 0100,New Co,Paris\r\nnew@example.com,,,,\r\n",
				map[string]string{"onDuplicate": tc.mode})
			if st.Status != "done" || st.Created != 1 || st.Updated != tc.updated || st.Skipped != 1-tc.updated {
				t.Fatalf("counts: %+v", st)
			}
			if tc.mode == "skip" && rowErrors(st)[2] != "existing: already a lead (onDuplicate is skip)" {
				t.Errorf("skip reason: %v", rowErrors(st))
			}
			l := leadByEmail(t, ann, "dup@example.com")
			city, _ := l["custom"].(map[string]any)["city"].(string)
			if l["title"] != tc.title || l["phone"] != tc.phone || l["company"] != tc.company || city != tc.city {
				t.Errorf("after %s: %v", tc.mode, l)
			}
			prov := l["provenance"].(map[string]any)
			if tc.updated == 1 {
				ph := prov["phone"].([]any)[0].(map[string]any)
				if ph["source"].(map[string]any)["kind"] != "import" || ph["source"].(map[string]any)["row"] != 2.0 {
					t.Errorf("phone provenance: %v", ph)
				}
			}
			// The title's current value is recorded as coming from where it did.
			title := prov["title"].([]any)[0].(map[string]any)
			wantKind := "manual"
			if tc.mode == "update" {
				wantKind = "import"
			}
			if title["value"] != tc.title || title["source"].(map[string]any)["kind"] != wantKind {
				t.Errorf("title provenance: %v", prov["title"])
			}
		})
	}
}

func TestImportMapping(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	csv := "Mail,Org,Notes,Junk\nada@example.com,Analytical,likes engines,zzz\n"
	st := importFile(t, ann, "mapped.csv", csv, map[string]string{
		"mapping": `{"Mail": "email", "Org": "company", "Notes": "custom.notes", "Junk": ""}`})
	if st.Status != "done" || st.Created != 1 {
		t.Fatalf("import: %+v", st)
	}
	l := leadByEmail(t, ann, "ada@example.com")
	if l["company"] != "Analytical" || l["custom"].(map[string]any)["notes"] != "likes engines" || l["custom"].(map[string]any)["junk"] != nil {
		t.Errorf("mapped lead: %v", l)
	}
	for name, tc := range map[string]struct {
		csv, mapping, code string
	}{
		"unknown column": {csv, `{"Nope": "email"}`, "bad_mapping"},
		"unknown field":  {csv, `{"Mail": "email", "Org": "shoeSize"}`, "bad_mapping"},
		"not json":       {csv, `Mail=email`, "validation_failed"},
		"no email":       {"Org,Notes\nAcme,x\n", "", "bad_mapping"},
		"empty file":     {"", "", "bad_file"},
		"no header":      {"ada@example.com,Ada\n", "", "bad_file"},
	} {
		t.Run(name, func(t *testing.T) {
			fields := map[string]string{}
			if tc.mapping != "" {
				fields["mapping"] = tc.mapping
			}
			r := upload(t, ann, "/api/leads/import", "x.csv", []byte(tc.csv), fields)
			if r.Status != http.StatusUnprocessableEntity || r.ErrorCode() != tc.code {
				t.Fatalf("%d %s, want 422 %s", r.Status, r.Body, tc.code)
			}
		})
	}
	r := upload(t, ann, "/api/leads/import", "x.csv", []byte(csv), map[string]string{"onDuplicate": "merge"})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "onDuplicate") {
		t.Fatalf("bad onDuplicate: %d %s", r.Status, r.Body)
	}
}

func TestImportTooLarge(t *testing.T) {
	srv := apptest.Start(t, map[string]string{"LEADBITZ_IMPORT_MAX_BYTES": "1000"})
	ann := srv.SignUp(t, "Ann")
	big := "email\n" + strings.Repeat("someone@example.com\n", 60)
	r := upload(t, ann, "/api/leads/import", "big.csv", []byte(big), nil)
	if r.Status != http.StatusRequestEntityTooLarge || r.ErrorCode() != "file_too_large" {
		t.Fatalf("over the limit: %d %s", r.Status, r.Body)
	}
	small := "email\n" + strings.Repeat("someone@example.com\n", 40)
	if r := upload(t, ann, "/api/leads/import", "small.csv", []byte(small), nil); r.Status != http.StatusAccepted {
		t.Fatalf("under the limit: %d %s", r.Status, r.Body)
	}
}

func TestImportErrorsArePaged(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	st := importFile(t, ann, "bad.csv", "email\nbad1\nbad2\ngood@example.com\nbad3\nbad4\n", nil)
	if st.Invalid != 4 || st.Created != 1 {
		t.Fatalf("import: %+v", st)
	}
	var rows []int
	cursor := ""
	for range 5 {
		var page importStatus
		ann.Must(200, "GET", "/api/leads/imports/"+st.ID+"?errorsLimit=3&errorsCursor="+cursor, nil).JSON(t, &page)
		for _, e := range page.Errors {
			rows = append(rows, e.Row)
		}
		if page.ErrorsNextCursor == nil {
			break
		}
		cursor = *page.ErrorsNextCursor
	}
	if fmt.Sprint(rows) != "[2 3 5 6]" {
		t.Fatalf("rows over pages: %v", rows)
	}
	dl := ann.Must(200, "GET", "/api/leads/imports/"+st.ID+"/errors.csv", nil)
	records, err := csv.NewReader(bytes.NewReader(dl.Body)).ReadAll()
	if err != nil || !strings.HasPrefix(dl.Header.Get("Content-Type"), "text/csv") || len(records) != 5 ||
		fmt.Sprint(records[0]) != "[row code reason]" || fmt.Sprint(records[4]) != `[6 invalid email: missing @ (value "bad4")]` {
		t.Errorf("errors.csv: %v %q", err, dl.Body)
	}
	if r := ann.Do("GET", "/api/leads/imports/"+st.ID+"?errorsCursor=x", nil); r.Status != 422 {
		t.Fatalf("bad cursor: %d", r.Status)
	}
	if r := ann.Do("GET", "/api/leads/imports/nope", nil); r.Status != 404 {
		t.Fatalf("unknown import: %d", r.Status)
	}
}

func TestImportPreview(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	csv := "\ufeffE-mail;Vorname;Firma;Lieblingsfarbe\r\nada@example.com;Ada;Analytical;blau\r\nbad;Bob;;\r\ngrace@example.com;Grace;Navy;rot\r\nken@example.com;Ken;Bell;grün\r\n"
	r := upload(t, ann, "/api/leads/import/preview", "de.csv", []byte(csv), nil)
	if r.Status != 200 {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	var pv struct {
		Delimiter string
		Columns   []struct {
			Name, Field string
			Samples     []string
		}
		Rows []struct {
			Row   int
			Error string
		}
	}
	r.JSON(t, &pv)
	if pv.Delimiter != ";" || len(pv.Columns) != 4 || len(pv.Rows) != 4 {
		t.Fatalf("preview: %s", r.Body)
	}
	fields := map[string]string{}
	for _, c := range pv.Columns {
		fields[c.Name] = c.Field
	}
	if fields["E-mail"] != "email" || fields["Vorname"] != "firstName" || fields["Firma"] != "company" ||
		!strings.HasPrefix(fields["Lieblingsfarbe"], "custom.") {
		t.Errorf("detected fields %v", fields)
	}
	if fmt.Sprint(pv.Columns[0].Samples) != "[ada@example.com bad grace@example.com]" {
		t.Errorf("samples %v", pv.Columns[0].Samples)
	}
	if pv.Rows[1].Row != 3 || pv.Rows[1].Error == "" {
		t.Errorf("row 3 should be rejected: %+v", pv.Rows[1])
	}
}
