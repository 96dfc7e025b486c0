package api_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

func TestLeadCreateEditAndProvenance(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")

	l := ann.Must(201, "POST", "/api/leads", map[string]any{"email": "  Ada <ADA@Example.COM> ", "firstName": " Ada ",
		"company": "Analytical", "timezone": "europe/paris", "custom": map[string]string{"icebreaker": "engines"}}).Map(t)
	if l["email"] != "ada@example.com" || l["firstName"] != "Ada" || l["timezone"] != "Europe/Paris" || l["status"] != "active" {
		t.Fatalf("created: %v", l)
	}
	id := l["id"].(string)

	for name, tc := range map[string]struct {
		body  map[string]any
		code  string
		field string
	}{
		"duplicate":    {map[string]any{"email": "ada@example.com"}, "duplicate_email", "email"},
		"bad email":    {map[string]any{"email": "ada@"}, "validation_failed", "email"},
		"no email":     {map[string]any{"firstName": "X"}, "validation_failed", "email"},
		"bad timezone": {map[string]any{"email": "x@example.com", "timezone": "Mars/Olympus"}, "validation_failed", "timezone"},
	} {
		t.Run(name, func(t *testing.T) {
			r := ann.Do("POST", "/api/leads", tc.body)
			var e struct {
				Error struct {
					Code    string
					Details struct{ Fields map[string]string }
				}
			}
			r.JSON(t, &e)
			if e.Error.Code != tc.code || e.Error.Details.Fields[tc.field] == "" {
				t.Fatalf("%d %s, want %s on %s", r.Status, r.Body, tc.code, tc.field)
			}
		})
	}

	// A person edits in the browser, a script through an API key: each
	// value records which.
	ann.Must(200, "PATCH", "/api/leads/"+id, map[string]any{"company": "Analytical Engines", "custom": map[string]any{"icebreaker": nil}})
	key := ann.Must(201, "POST", "/api/api-keys", map[string]string{"name": "crm"}).Map(t)
	script := srv.Client(t)
	script.Headers["Authorization"] = "Bearer " + key["token"].(string)
	r := script.Do("PATCH", "/api/leads/"+id, map[string]any{"title": "Countess", "status": "unsubscribed"})
	if r.Status != 200 {
		t.Fatalf("patch with a key: %d %s", r.Status, r.Body)
	}
	got := ann.Must(200, "GET", "/api/leads/"+id, nil).Map(t)
	if got["company"] != "Analytical Engines" || got["title"] != "Countess" || got["status"] != "unsubscribed" ||
		len(got["custom"].(map[string]any)) != 0 {
		t.Fatalf("after edits: %v", got)
	}
	prov := got["provenance"].(map[string]any)
	company := prov["company"].([]any)
	if len(company) != 2 || company[0].(map[string]any)["value"] != "Analytical Engines" ||
		company[0].(map[string]any)["source"].(map[string]any)["kind"] != "manual" ||
		company[0].(map[string]any)["source"].(map[string]any)["id"] != ann.UserID ||
		company[1].(map[string]any)["value"] != "Analytical" {
		t.Errorf("company provenance: %v", company)
	}
	title := prov["title"].([]any)[0].(map[string]any)["source"].(map[string]any)
	if title["kind"] != "api" || title["id"] != key["id"] {
		t.Errorf("title provenance: %v", title)
	}
	if ice := prov["custom.icebreaker"].([]any); ice[0].(map[string]any)["value"] != "" {
		t.Errorf("removed custom field provenance: %v", ice)
	}

	for body, code := range map[string]string{
		`{"email": "nope"}`:     "validation_failed",
		`{"status": "erased"}`:  "validation_failed",
		`{"phone": "call me"}`:  "validation_failed",
		`{"firstName": 12}`:     "validation_failed",
		`{"firstName": "A"} {}`: "malformed_json",
	} {
		if r := ann.Do("PATCH", "/api/leads/"+id, body); r.ErrorCode() != code {
			t.Errorf("PATCH %s: %d %s, want %s", body, r.Status, r.Body, code)
		}
	}
	ann.Must(201, "POST", "/api/leads", map[string]any{"email": "grace@example.com"})
	if r := ann.Do("PATCH", "/api/leads/"+id, map[string]any{"email": "grace@example.com"}); r.ErrorCode() != "duplicate_email" {
		t.Errorf("email taken by another lead: %d %s", r.Status, r.Body)
	}
}

func TestLeadSearchFiltersAndPaging(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	st := importFile(t, ann, "people.csv", "email,first name,last name,company\n"+
		"ada@analytical.example,Ada,Lovelace,Analytical Engines\n"+
		"grace@navy.example,Grace,Hopper,US Navy\n"+
		"alan@bletchley.example,Alan,Turing,Bletchley Park\n"+
		"edsger@ut.example,Edsger,Dijkstra,UT Austin\n"+
		"barbara@mit.example,Barbara,Liskov,MIT 100%_club\n", nil)
	manual := ann.Must(201, "POST", "/api/leads", map[string]any{"email": "ken@bell.example", "firstName": "Ken", "company": "Bell Labs"}).Map(t)
	ann.Must(200, "PATCH", "/api/leads/"+manual["id"].(string), map[string]any{"status": "bounced"})

	emails := func(query string) string {
		var page struct{ Items []struct{ Email string } }
		ann.Must(200, "GET", "/api/leads?"+query, nil).JSON(t, &page)
		var out []string
		for _, l := range page.Items {
			out = append(out, strings.SplitN(l.Email, "@", 2)[0])
		}
		return strings.Join(out, " ")
	}
	for query, want := range map[string]string{
		"":                         "ken barbara edsger alan grace ada", // newest first
		"q=ada":                    "ada",                               // email prefix
		"q=NAVY":                   "grace",                             // company, any case
		"q=ada+love":               "ada",                               // "first last"
		"q=hopper":                 "grace",                             // last name
		"q=letchley":               "alan",                              // substring
		"q=100%25_":                "barbara",                           // LIKE wildcards are literal
		"q=%25":                    "barbara",
		"q=_":                      "barbara",
		"q=a_":                     "",
		"q=zzz":                    "",
		"status=bounced":           "ken",
		"status=active&q=a":        "barbara edsger alan grace ada",
		"q=b":                      "ken barbara alan",
		"source=" + st.ID + "&q=b": "barbara alan",
	} {
		if got := emails(query); got != want {
			t.Errorf("GET /api/leads?%s = %q, want %q", query, got, want)
		}
	}
	if r := ann.Do("GET", "/api/leads?status=sleepy", nil); r.Status != 422 {
		t.Errorf("bad status filter: %d", r.Status)
	}

	// Pages of two, following nextCursor, list everyone once.
	var all []string
	cursor := ""
	for range 10 {
		var page struct {
			Items      []struct{ Email string }
			NextCursor *string
		}
		ann.Must(200, "GET", "/api/leads?limit=2&cursor="+cursor, nil).JSON(t, &page)
		for _, l := range page.Items {
			all = append(all, l.Email)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if len(all) != 6 || all[0] != "ken@bell.example" || all[5] != "ada@analytical.example" {
		t.Errorf("paged: %v", all)
	}
}

func TestEraseLead(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	importFile(t, ann, "a.csv", "email,first name,company\nada@example.com,Ada,Analytical\ngrace@example.com,Grace,Navy\n", nil)
	ada := leadByEmail(t, ann, "ada@example.com")
	id := ada["id"].(string)

	ann.Must(204, "DELETE", "/api/leads/"+id, nil)
	if r := ann.Do("GET", "/api/leads/"+id, nil); r.Status != 404 {
		t.Fatalf("erased lead still readable: %d %s", r.Status, r.Body)
	}
	if r := ann.Do("DELETE", "/api/leads/"+id, nil); r.Status != 404 {
		t.Fatalf("second erasure: %d", r.Status)
	}
	if r := ann.Do("PATCH", "/api/leads/"+id, map[string]string{"firstName": "Ada"}); r.Status != 404 {
		t.Fatalf("edit after erasure: %d", r.Status)
	}
	// Nothing of the person is listed, searchable or exported…
	var page struct{ Items []struct{ Email string } }
	ann.Must(200, "GET", "/api/leads", nil).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].Email != "grace@example.com" {
		t.Fatalf("list after erasure: %+v", page.Items)
	}
	export := ann.Must(200, "GET", "/api/leads/export", nil)
	if strings.Contains(strings.ToLower(string(export.Body)), "ada") {
		t.Fatalf("export after erasure mentions her: %s", export.Body)
	}
	// …the suppression list keeps only a hash, which cannot be removed…
	var sups struct {
		Items []struct{ ID, Kind, Value, Reason string }
	}
	ann.Must(200, "GET", "/api/suppressions", nil).JSON(t, &sups)
	if len(sups.Items) != 1 || sups.Items[0].Kind != "email_hash" || sups.Items[0].Reason != "erasure" ||
		strings.Contains(sups.Items[0].Value, "ada") {
		t.Fatalf("suppressions after erasure: %+v", sups.Items)
	}
	if r := ann.Do("DELETE", "/api/suppressions/"+sups.Items[0].ID, nil); r.Status != 409 || r.ErrorCode() != "erasure_kept" {
		t.Fatalf("removing the erasure hash: %d %s", r.Status, r.Body)
	}
	// …and she is never added again, by import or by hand.
	st := importFile(t, ann, "again.csv", "email,first name\nADA@example.com,Ada\n", nil)
	if st.Created != 0 || st.Suppressed != 1 || !strings.Contains(rowErrors(st)[2], "erased") {
		t.Fatalf("re-import of an erased person: %+v", st)
	}
	if r := ann.Do("POST", "/api/leads", map[string]string{"email": "ada@example.com"}); r.Status != 409 || r.ErrorCode() != "suppressed" {
		t.Fatalf("re-creating an erased person: %d %s", r.Status, r.Body)
	}
	var audit struct {
		Items []struct{ Action, TargetID string }
	}
	ann.Must(200, "GET", "/api/audit-events", nil).JSON(t, &audit)
	found := false
	for _, e := range audit.Items {
		found = found || e.Action == "lead.erased" && e.TargetID == id
	}
	if !found {
		t.Error("no lead.erased audit event")
	}
}

func TestExportNeutralisesFormulas(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	ann.Must(201, "POST", "/api/leads", map[string]any{"email": "eve@example.com", "firstName": "=HYPERLINK(\"http://evil.example\",\"x\")",
		"company": "+cmd|' /C calc'!A0", "title": "@SUM(1+1)", "custom": map[string]string{"note": "-2+3", "plain": "ok, fine"}})
	ann.Must(201, "POST", "/api/leads", map[string]any{"email": "bob@example.com", "firstName": "Bob"})
	r := ann.Must(200, "GET", "/api/leads/export", nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("headers: %v", r.Header)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Body), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("rows: %v", rows)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"email", "firstName", "company", "custom.note", "custom.plain", "status", "createdAt"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("no column %s in %v", h, rows[0])
		}
	}
	eve := rows[2] // oldest last
	if eve[col["email"]] != "eve@example.com" {
		eve = rows[1]
	}
	for h, want := range map[string]string{
		"firstName": "'=HYPERLINK(\"http://evil.example\",\"x\")", "company": "'+cmd|' /C calc'!A0",
		"title": "'@SUM(1+1)", "custom.note": "'-2+3", "custom.plain": "ok, fine", "status": "active",
	} {
		if eve[col[h]] != want {
			t.Errorf("%s = %q, want %q", h, eve[col[h]], want)
		}
	}
	// The export imports back into the same values.
	other := srv.SignUp(t, "Other")
	st := importFile(t, other, "export.csv", string(r.Body), nil)
	if st.Created != 2 {
		t.Fatalf("re-import of the export: %+v", st)
	}
	back := leadByEmail(t, other, "eve@example.com")
	if back["company"] != "+cmd|' /C calc'!A0" || back["custom"].(map[string]any)["note"] != "-2+3" {
		t.Errorf("round trip: %v", back)
	}
}

func TestSuppressions(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")

	email := ann.Must(201, "POST", "/api/suppressions", map[string]string{"email": " Gone@Example.COM ", "reason": "unsubscribe", "source": "crm"}).Map(t)
	if email["kind"] != "email" || email["value"] != "gone@example.com" || email["source"] != "crm" {
		t.Fatalf("email entry: %v", email)
	}
	domain := ann.Must(201, "POST", "/api/suppressions", map[string]string{"domain": "@Competitor.example"}).Map(t)
	if domain["kind"] != "domain" || domain["value"] != "competitor.example" || domain["reason"] != "manual" {
		t.Fatalf("domain entry: %v", domain)
	}
	again := ann.Must(200, "POST", "/api/suppressions", map[string]string{"email": "gone@example.com", "reason": "bounce"}).Map(t)
	if again["id"] != email["id"] || again["reason"] != "unsubscribe" {
		t.Fatalf("adding an existing entry: %v", again)
	}
	for body, field := range map[string]string{
		`{}`: "email", `{"email": "x"}`: "email", `{"domain": "not a domain"}`: "domain",
		`{"email": "a@b.example", "reason": "erasure"}`: "reason",
	} {
		if r := ann.Do("POST", "/api/suppressions", body); r.Status != 422 || !strings.Contains(string(r.Body), field) {
			t.Errorf("POST %s: %d %s", body, r.Status, r.Body)
		}
	}

	// A whole domain (and its subdomains) is kept out of imports and of
	// hand-made leads.
	st := importFile(t, ann, "x.csv", "email\nceo@competitor.example\nsales@eu.competitor.example\ngone@example.com\nkept@example.com\n", nil)
	if st.Created != 1 || st.Suppressed != 3 {
		t.Fatalf("import with suppressions: %+v", st)
	}
	if r := ann.Do("POST", "/api/leads", map[string]string{"email": "cfo@competitor.example"}); r.ErrorCode() != "suppressed" {
		t.Fatalf("lead in a suppressed domain: %d %s", r.Status, r.Body)
	}

	// Bulk add by CSV: a header, addresses and domains, bad rows reported.
	var body strings.Builder
	body.WriteString("Email Address;Note\n")
	body.WriteString("one@example.org;x\nTWO@example.org;y\nspam.example;z\nnot valid;w\none@example.org;dup\n;\n")
	r := upload(t, ann, "/api/suppressions/import", "list.csv", []byte(body.String()), map[string]string{"reason": "complaint", "source": "old tool"})
	var res struct {
		Rows, Added, Existing, Invalid int
		Errors                         []struct{ Row int }
	}
	r.JSON(t, &res)
	if r.Status != 200 || res.Added != 3 || res.Existing != 1 || res.Invalid != 1 || len(res.Errors) != 1 || res.Errors[0].Row != 5 {
		t.Fatalf("bulk add: %d %s", r.Status, r.Body)
	}
	if r := upload(t, ann, "/api/suppressions/import", "l.csv", []byte("email\nm\xfcller@example.de\n"), nil); r.Status != 422 || r.ErrorCode() != "not_utf8" {
		t.Fatalf("latin-1 list: %d %s", r.Status, r.Body)
	}

	// Listed newest first, searchable, filterable, and removable.
	var page struct {
		Items      []struct{ ID, Kind, Value, Reason, Source string }
		NextCursor *string
	}
	ann.Must(200, "GET", "/api/suppressions?q=example.org", nil).JSON(t, &page)
	if len(page.Items) != 2 || page.Items[0].Reason != "complaint" || page.Items[0].Source != "old tool" {
		t.Fatalf("search: %+v", page.Items)
	}
	ann.Must(200, "GET", "/api/suppressions?kind=domain&limit=1", nil).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].Value != "spam.example" || page.NextCursor == nil {
		t.Fatalf("domains, page 1: %+v", page)
	}
	ann.Must(200, "GET", "/api/suppressions?kind=domain&limit=1&cursor="+*page.NextCursor, nil).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].Value != "competitor.example" || page.NextCursor != nil {
		t.Fatalf("domains, page 2: %+v", page)
	}
	ann.Must(204, "DELETE", "/api/suppressions/"+domain["id"].(string), nil)
	ann.Must(201, "POST", "/api/leads", map[string]string{"email": "cfo@competitor.example"})

	var audit struct{ Items []struct{ Action string } }
	ann.Must(200, "GET", "/api/audit-events?limit=200", nil).JSON(t, &audit)
	counts := map[string]int{}
	for _, e := range audit.Items {
		counts[e.Action]++
	}
	if counts["suppression.added"] != 3 || counts["suppression.removed"] != 1 {
		t.Errorf("audit: %v", counts)
	}
	if r := ann.Do("GET", "/api/suppressions?kind=other", nil); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad kind: %d", r.Status)
	}
}

// TestErasureWipesTheThread: after a sequence went out and the lead replied,
// erasing the lead leaves nothing of her in what was sent and received: not
// the addresses, subjects or bodies, not the classification's quoted
// phrases, not the first subject the follow-ups reply under.
func TestErasureWipesTheThread(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	ada := createLead(t, owner, "ada@analytical.test", "Ada")
	cid := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Q1", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00", "inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
	owner.Must(200, "PUT", "/api/campaigns/"+cid+"/sequence", map[string]any{"steps": []map[string]any{
		{"subject": "Quick question, {{firstName}}", "body": "Hello {{firstName}}."}, {"delayDays": 2, "body": "Bumping this."}}})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/leads", map[string]any{"leadIds": []string{ada}})
	owner.Must(200, "POST", "/api/campaigns/"+cid+"/launch", nil)
	if res := cronTick(t, srv); res["sent"].(float64) != 1 {
		t.Fatalf("tick: %v", res)
	}
	msgID, subject := sentMessageID(t, owner, mailboxID, "ada@analytical.test")
	owner.Must(201, "POST", "/api/inboxes/"+mailboxID+"/sandbox/receive", map[string]string{"from": "Ada <ada@analytical.test>",
		"subject": "Re: " + subject, "body": "Interested, tell me more! Ada", "inReplyTo": msgID})
	if res := cronSync(t, srv); res["messages"].(float64) != 1 {
		t.Fatalf("sync: %v", res)
	}
	convID := owner.Must(200, "GET", "/api/replies?campaignId="+cid, nil).Map(t)["items"].([]any)[0].(map[string]any)["id"].(string)

	owner.Must(204, "DELETE", "/api/leads/"+ada, nil)

	ctx := context.Background()
	sc := srv.Store.InWorkspace(owner.WorkspaceID)
	conv, err := sc.Conversation(ctx, convID)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := sc.ConversationMessages(ctx, conv)
	if err != nil || len(msgs) < 2 {
		t.Fatalf("messages of the thread: %d %v", len(msgs), err)
	}
	for _, m := range msgs {
		all := strings.ToLower(strings.Join([]string{m.From, m.To, m.Subject, m.Text, m.HTML, m.Classification}, " "))
		if strings.Contains(all, "ada") || strings.Contains(all, "tell me more") {
			t.Errorf("%s message keeps the person after erasure: %q", m.Direction, all)
		}
	}
	enrolments, err := sc.CampaignLeadsOfLead(ctx, ada)
	if err != nil || len(enrolments) != 1 || enrolments[0].FirstSubject != "" {
		t.Fatalf("enrolment after erasure: %+v %v", enrolments, err)
	}
}
