package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/store"
)

const importCSV = "Email,Vorname,Firma,Notes\n" +
	"ada@lovelace.example,Ada,Analytical Engines,met at a fair\n" +
	"broken-address,Bob,,\n" +
	"grace@navy.example,Grace,US Navy,\n" +
	"ada@lovelace.example,Ada,Analytical Engines,again\n" +
	"alan@bletchley.example,Alan,,\n"

// selected is the value of a select's selected option.
func selected(n *html.Node) string {
	val := ""
	walk(n, func(o *html.Node) {
		if o.Data == "option" {
			if _, ok := attr(o, "selected"); ok {
				val, _ = attr(o, "value")
			}
		}
	})
	return val
}

func testImportPagesMapProgressRejectedRowsAndHistory(t *testing.T, srv *apptest.Server) {
	a := srv.SignUp(t, "Ann")

	// Upload errors are shown next to the file input.
	r := postFile(t, a.Client, "/leads/import/upload", "big.csv", "email\n"+strings.Repeat("someone@example.com\n", 200))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(byID(doc(t, r.Body), "f-file-error")), "larger than the import limit of 2 KB") {
		t.Errorf("too large: %d %.300s", r.Status, r.Body)
	}

	token := stagedUpload(t, a.Client, importCSV)
	mapPath := "/leads/import/map/" + token
	d := doc(t, get(t, a.Client, mapPath+"?file=fair.csv", http.StatusOK).Body)
	// Each column: its name, three sample values, the guessed target.
	for i, want := range []string{"email", "firstName", "company", "custom.notes"} {
		if got := selected(byID(d, "map-"+string(rune('0'+i)))); got != want {
			t.Errorf("column %d guessed as %q, want %q", i, got, want)
		}
	}
	var firstSamples []string
	walk(d, func(n *html.Node) {
		if cls, _ := attr(n, "class"); cls == "map-samples" && firstSamples == nil {
			firstSamples = []string{}
			walk(n, func(s *html.Node) {
				if c, _ := attr(s, "class"); c == "sample" {
					firstSamples = append(firstSamples, text(s))
				}
			})
		}
	})
	if strings.Join(firstSamples, "|") != "ada@lovelace.example|broken-address|grace@navy.example" {
		t.Errorf("samples of the first column: %q", firstSamples)
	}
	if !strings.Contains(text(d), "email: missing @") {
		t.Error("the preview rows do not show the invalid address")
	}

	// Ignoring the email column is refused with the reason.
	form := url.Values{"fileName": {"fair.csv"}, "source": {"Fair"}, "onDuplicate": {"skip"},
		"col.0": {"Email"}, "map.0": {""}, "col.1": {"Vorname"}, "map.1": {"firstName"},
		"col.2": {"Firma"}, "map.2": {"company"}, "col.3": {"Notes"}, "map.3": {"custom.notes"}}
	r = postForm(t, a.Client, mapPath, form)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(strings.ToLower(text(byID(doc(t, r.Body), "form-message"))), "email") {
		t.Errorf("no email column: %d %.400s", r.Status, text(doc(t, r.Body)))
	}
	form.Set("map.0", "email")
	r = postForm(t, a.Client, mapPath, form)
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/leads/imports/") {
		t.Fatalf("start: %d %q %.300s", r.Status, loc, r.Body)
	}
	id := strings.TrimPrefix(loc, "/leads/imports/")
	waitImport(t, a.Client, id)
	// The staged copy is gone once the importer has it.
	if r := a.Do("GET", mapPath, nil); r.Status != http.StatusNotFound {
		t.Errorf("the staged upload is still there: %d", r.Status)
	}

	page := get(t, a.Client, loc, http.StatusOK)
	d = doc(t, page.Body)
	body := text(d)
	for _, want := range []string{"New leads3", "Duplicates in the file1", "Invalid1", "Rows not imported", "Download them as CSV"} {
		if !strings.Contains(body, want) {
			t.Errorf("import page lacks %q: %.600s", want, body)
		}
	}
	var rows []string
	walk(d, func(n *html.Node) {
		if n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" {
			rows = append(rows, text(n))
		}
	})
	if len(rows) != 2 || !strings.HasPrefix(rows[0], "3Invalidemail: missing @") || !strings.HasPrefix(rows[1], "5Duplicate in filesame email as row 2") {
		t.Errorf("rejected rows %q", rows)
	}
	if strings.Contains(string(page.Body), `http-equiv="refresh"`) || strings.Contains(string(page.Body), "data-progress-url") {
		t.Error("a finished import still refreshes itself")
	}

	csv := get(t, a.Client, loc+"/rejected.csv", http.StatusOK)
	if ct := csv.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("download content type %q", ct)
	}
	if lines := strings.Split(strings.TrimSpace(string(csv.Body)), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[1], "3,invalid,") || !strings.HasPrefix(lines[2], "5,duplicate,") {
		t.Errorf("rejected rows CSV:\n%s", csv.Body)
	}
	progress := a.Must(http.StatusOK, "GET", loc+"/progress", nil).Map(t)
	if progress["status"] != "done" || progress["percent"] != float64(100) || progress["created"] != float64(3) {
		t.Errorf("progress JSON %v", progress)
	}

	history := text(doc(t, get(t, a.Client, "/leads/imports", http.StatusOK).Body))
	if !strings.Contains(history, "fair.csv") || !strings.Contains(history, "Done") {
		t.Errorf("history: %.400s", history)
	}
	leads := text(doc(t, get(t, a.Client, "/leads?source="+id, http.StatusOK).Body))
	if !strings.Contains(leads, "Leads created by the import fair.csv") || !strings.Contains(leads, "grace@navy.example") {
		t.Errorf("the import's leads: %.400s", leads)
	}
}

func testWizardAddsEveryLeadOfTheFileIncludingExistingOnes(t *testing.T, srv *apptest.Server) {
	a := srv.SignUp(t, "Ann")
	// Grace is a lead already: the import leaves her alone, the campaign
	// still gets her because she is in the file.
	a.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "grace@navy.example", "firstName": "Grace"})
	a.Must(http.StatusCreated, "POST", "/api/leads", map[string]string{"email": "other@elsewhere.example"})
	id := newWizardCampaign(t, a, "Fair follow-up")
	setup := "/campaigns/" + id + "/setup"

	r := postFile(t, a.Client, setup+"/leads/upload", "fair.csv", importCSV)
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, setup+"/leads/map/") {
		t.Fatalf("upload: %d %q", r.Status, loc)
	}
	d := doc(t, get(t, a.Client, loc, http.StatusOK).Body)
	if byID(d, "map-0") == nil || !strings.Contains(text(d), "Step 3 of 6") {
		t.Fatal("the wizard's mapping step is not shown in the wizard")
	}
	action := strings.Split(loc, "?")[0]
	r = postForm(t, a.Client, action, url.Values{"fileName": {"fair.csv"}, "onDuplicate": {"skip"}, "col.0": {"Email"}, "map.0": {"email"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != setup+"/leads" {
		t.Fatalf("start: %d %q %.300s", r.Status, r.Header.Get("Location"), r.Body)
	}
	page := get(t, a.Client, setup+"/leads", http.StatusOK)
	imp := strings.TrimPrefix(regexpFind(t, string(page.Body), `/leads/imports/[0-9a-f-]+`), "/leads/imports/")
	waitImport(t, a.Client, imp)
	page = get(t, a.Client, setup+"/leads", http.StatusOK)
	if !strings.Contains(string(page.Body), "Add these leads to the campaign") {
		t.Fatalf("no button to add the finished import's leads: %.500s", text(doc(t, page.Body)))
	}
	msg := text(doc(t, follow(t, a.Client, postForm(t, a.Client, setup+"/leads/add", url.Values{"from": {"import"}})).Body))
	if !strings.Contains(msg, "Added 3 leads to the campaign.") || !strings.Contains(msg, "3 leads in the campaign") {
		t.Errorf("after adding the file: %.400s", msg)
	}
	if strings.Contains(msg, "Add these leads to the campaign") {
		t.Error("the import is still offered after its leads were added")
	}
	// All the workspace's active leads: the one not in the file joins, the
	// others are counted as already in.
	msg = text(doc(t, follow(t, a.Client, postForm(t, a.Client, setup+"/leads/add", url.Values{"from": {"all"}})).Body))
	if !strings.Contains(msg, "Added 1 lead to the campaign. Skipped 3 already in it.") {
		t.Errorf("after adding all: %.300s", msg)
	}
	if r := postForm(t, a.Client, setup+"/leads/add", url.Values{"from": {"nonsense"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("unknown source of leads: %d", r.Status)
	}
}

// regexpFind returns the first match of expr in s, failing without one.
func regexpFind(t *testing.T, s, expr string) string {
	t.Helper()
	m := regexp.MustCompile(expr).FindString(s)
	if m == "" {
		t.Fatalf("no %s in the page", expr)
	}
	return m
}

// runningImport records an import that is under way (as the importer
// does), 4 rows of 10 done; the importer leaves it alone for a minute.
func runningImport(t *testing.T, srv *apptest.Server, a *apptest.Account) store.Scope {
	t.Helper()
	scope := srv.Store.InWorkspace(a.WorkspaceID)
	src := store.LeadSource{ID: store.NewID(), Kind: store.SourceImport, Name: "big.csv", FileName: "big.csv",
		Status: store.ImportRunning, Options: `{"onDuplicate":"skip"}`, RowsTotal: 10}
	if err := scope.CreateLeadSource(context.Background(), &src); err != nil {
		t.Fatal(err)
	}
	if err := scope.AdvanceImport(context.Background(), src.ID, 0, store.ImportCounts{RowsDone: 4, Created: 3, Invalid: 1}); err != nil {
		t.Fatal(err)
	}
	return scope
}

func testRunningImportRefreshesItself(t *testing.T, srv *apptest.Server) {
	a := srv.SignUp(t, "Ann")
	scope := runningImport(t, srv, a)
	list, err := scope.LeadSources(context.Background(), "", 1)
	if err != nil || len(list) != 1 {
		t.Fatalf("imports %v %v", list, err)
	}
	id := list[0].ID
	page := string(get(t, a.Client, "/leads/imports/"+id, http.StatusOK).Body)
	// Without JavaScript the page reloads itself every 2 s; with it,
	// app.js polls the progress JSON named on the bar.
	for _, want := range []string{`<noscript><meta http-equiv="refresh" content="2"></noscript>`,
		`data-progress-url="/leads/imports/` + id + `/progress"`, `<progress max="100" value="40"`, "4 of 10 rows", "You can leave this page"} {
		if !strings.Contains(page, want) {
			t.Errorf("running import page lacks %q", want)
		}
	}
	if strings.Contains(page, "Rows not imported") {
		t.Error("a running import shows its report already")
	}
	p := a.Must(http.StatusOK, "GET", "/leads/imports/"+id+"/progress", nil).Map(t)
	if p["status"] != "running" || p["percent"] != float64(40) || p["rowsDone"] != float64(4) || p["rowsTotal"] != float64(10) {
		t.Errorf("progress JSON %v", p)
	}
}
