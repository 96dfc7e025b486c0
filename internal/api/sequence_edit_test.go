package api_test

import (
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/apptest"
)

// editStep is one step of a PUT …/sequence body.
func editStep(position, delayDays int, subject, body string) map[string]any {
	st := map[string]any{"delayDays": delayDays, "subject": subject, "body": body}
	if position > 0 {
		st["position"] = position
	}
	return st
}

func putSequence(t *testing.T, owner *apptest.Account, id, query string, steps ...map[string]any) map[string]any {
	t.Helper()
	return owner.Must(200, "PUT", "/api/campaigns/"+id+"/sequence"+query, map[string]any{"steps": steps}).Map(t)
}

// sandboxBodies returns the bodies the sandbox mailbox sent, by recipient,
// oldest first.
func sandboxBodies(t *testing.T, owner *apptest.Account, mailboxID string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, m := range owner.Must(200, "GET", "/api/inboxes/"+mailboxID+"/sandbox/messages", nil).Map(t)["items"].([]any) {
		m := m.(map[string]any)
		body, _ := m["text"].(string)
		if body == "" {
			body, _ = m["body"].(string)
		}
		// The sandbox lists newest first.
		out[m["to"].(string)] = append([]string{body}, out[m["to"].(string)]...)
	}
	return out
}

func stepChange(t *testing.T, sum map[string]any, i int) map[string]any {
	t.Helper()
	steps := sum["steps"].([]any)
	if i >= len(steps) {
		t.Fatalf("summary has %d steps, want step %d: %v", len(steps), i+1, sum)
	}
	return steps[i].(map[string]any)
}

func num(m map[string]any, k string) int {
	f, _ := m[k].(float64)
	return int(f)
}

// TestEditRunningSequence edits a running campaign as a user would: a dry
// run first, then the save; leads who had step 1 get the new step 2, those
// who had step 2 keep v1, and the stats show both versions. Then a step is
// added, the campaign's steps cannot be reordered, and a step is deleted.
func TestEditRunningSequence(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	owner.Must(200, "PATCH", "/api/inboxes/"+mailboxID, map[string]any{"dailyCap": 50})
	ann := createLead(t, owner, "ann@acme.test", "Ann")
	bob := createLead(t, owner, "bob@acme.test", "Bob")
	cat := createLead(t, owner, "cat@acme.test", "Cat")
	dan := createLead(t, owner, "dan@acme.test", "Dan")
	id := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Edit me", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00",
		"inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
	step1 := editStep(0, 0, "Hi {{firstName}}", "First for {{firstName}}")
	putSequence(t, owner, id, "", step1, editStep(0, 0, "", "Second v1"), editStep(0, 5, "", "Third"))
	owner.Must(200, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{ann, bob}})
	owner.Must(200, "POST", "/api/campaigns/"+id+"/launch", nil)
	if n := num(cronTick(t, srv), "sent"); n != 2 {
		t.Fatalf("first tick sent %d, want step 1 to ann and bob", n)
	}
	if n := num(cronTick(t, srv), "sent"); n != 2 {
		t.Fatalf("second tick sent %d, want step 2 to ann and bob", n)
	}
	owner.Must(200, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{cat, dan}})
	if n := num(cronTick(t, srv), "sent"); n != 2 {
		t.Fatalf("third tick sent %d, want step 1 to cat and dan", n)
	}
	// Now ann and bob wait 5 days for step 3; cat and dan's step 2 is due.

	edited := []map[string]any{step1, editStep(0, 0, "", "Second v2"), editStep(0, 5, "", "Third")}
	dry := putSequence(t, owner, id, "?dryRun=true", edited...)
	s2 := stepChange(t, dry, 1)
	if dry["dryRun"] != true || num(dry, "version") != 1 || num(dry, "newVersion") != 2 || s2["change"] != "edited" ||
		num(s2, "alreadySent") != 2 || num(s2, "pendingNewText") != 2 || num(s2, "timingChanged") != 0 ||
		stepChange(t, dry, 0)["change"] != "unchanged" || num(stepChange(t, dry, 2), "leadsAhead") != 4 {
		t.Fatalf("dry run: %v", dry)
	}
	seq := owner.Must(200, "GET", "/api/campaigns/"+id+"/sequence", nil).Map(t)
	if num(seq, "version") != 1 || seq["steps"].([]any)[1].(map[string]any)["body"] != "Second v1" {
		t.Fatalf("a dry run changed the sequence: %v", seq)
	}

	saved := putSequence(t, owner, id, "", edited...)
	if num(saved, "version") != 2 || saved["edit"] == nil {
		t.Fatalf("save: %v", saved)
	}
	if n := num(cronTick(t, srv), "sent"); n != 2 {
		t.Fatalf("tick after the edit sent %d, want step 2 to cat and dan", n)
	}
	bodies := sandboxBodies(t, owner, mailboxID)
	for _, who := range []string{"ann@acme.test", "bob@acme.test"} {
		if got := bodies[who]; len(got) != 2 || !strings.Contains(got[1], "Second v1") {
			t.Errorf("%s got %q, want step 2 of version 1", who, got)
		}
	}
	for _, who := range []string{"cat@acme.test", "dan@acme.test"} {
		if got := bodies[who]; len(got) != 2 || !strings.Contains(got[1], "Second v2") {
			t.Errorf("%s got %q, want step 2 of version 2", who, got)
		}
	}
	c := owner.Must(200, "GET", "/api/campaigns/"+id, nil).Map(t)
	versions := map[[2]int]int{}
	for _, v := range c["stepVersions"].([]any) {
		v := v.(map[string]any)
		versions[[2]int{num(v, "step"), num(v, "version")}] = num(v, "sent")
	}
	if num(c, "sequenceVersion") != 2 || versions[[2]int{2, 1}] != 2 || versions[[2]int{2, 2}] != 2 ||
		versions[[2]int{1, 1}] != 4 {
		t.Fatalf("stats per version: %v", c["stepVersions"])
	}
	x := owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+cat+"/explain", nil).Map(t)
	if sent := x["sent"].([]any); num(x, "sequenceVersion") != 2 || len(sent) != 2 ||
		num(sent[0].(map[string]any), "version") != 1 || num(sent[1].(map[string]any), "version") != 2 {
		t.Fatalf("explain's versions: %v", x)
	}
	x = owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+ann+"/explain", nil).Map(t)
	if sent := x["sent"].([]any); len(sent) != 2 || num(sent[1].(map[string]any), "version") != 1 {
		t.Fatalf("explain's versions for a lead who had step 2 before the edit: %v", x)
	}
	audit := owner.Must(200, "GET", "/api/audit-events", nil)
	if !strings.Contains(string(audit.Body), "Second v1") || !strings.Contains(string(audit.Body), "Second v2") {
		t.Errorf("the audit log does not keep both versions: %s", audit.Body)
	}

	// Every lead now waits 5 days for step 3. A step added before it
	// goes to all four now; step 3 follows it.
	added := []map[string]any{editStep(1, 0, "Hi {{firstName}}", "First for {{firstName}}"),
		editStep(2, 0, "", "Second v2"), editStep(0, 0, "", "Inserted"), editStep(3, 5, "", "Third")}
	dry = putSequence(t, owner, id, "?dryRun=true", added...)
	if s3, s4 := stepChange(t, dry, 2), stepChange(t, dry, 3); s3["change"] != "added" || num(s3, "scheduled") != 4 ||
		num(s4, "from") != 3 || num(s4, "pendingNewText") != 0 {
		t.Fatalf("dry run of an added step: %v", dry)
	}
	putSequence(t, owner, id, "", added...)
	if n := num(cronTick(t, srv), "sent"); n != 4 {
		t.Fatalf("tick after adding a step sent %d, want the new step to all four", n)
	}
	for who, got := range sandboxBodies(t, owner, mailboxID) {
		if len(got) != 3 || !strings.Contains(got[2], "Inserted") {
			t.Errorf("%s got %q, want the added step third", who, got)
		}
	}
	x = owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+ann+"/explain", nil).Map(t)
	if num(x, "nextStep") != 4 || num(x, "stepsSent") != 3 {
		t.Fatalf("explain after the added step: %v", x)
	}

	// Reordering is refused, naming the field, in a dry run too.
	for _, q := range []string{"?dryRun=true", ""} {
		r := owner.Do("PUT", "/api/campaigns/"+id+"/sequence"+q, map[string]any{"steps": []map[string]any{
			added[0], editStep(4, 5, "", "Third"), editStep(2, 0, "", "Second v2")}})
		if r.Status != 409 || r.ErrorCode() != "reorder_refused" || !strings.Contains(string(r.Body), "steps[2].position") {
			t.Fatalf("reorder%s: %d %s", q, r.Status, r.Body)
		}
	}

	// Deleting the last step cancels its pending jobs: the leads are done.
	kept := []map[string]any{added[0], added[1], editStep(3, 0, "", "Inserted")}
	dry = putSequence(t, owner, id, "?dryRun=true", kept...)
	del := dry["deleted"].([]any)
	if len(del) != 1 || num(del[0].(map[string]any), "position") != 4 || num(del[0].(map[string]any), "canceled") != 4 ||
		num(dry, "leadsCompleted") != 4 {
		t.Fatalf("dry run of a deletion: %v", dry)
	}
	putSequence(t, owner, id, "", kept...)
	c = owner.Must(200, "GET", "/api/campaigns/"+id, nil).Map(t)
	if st := c["stats"].(map[string]any); num(st, "completed") != 4 || num(st, "scheduled") != 0 || c["status"] != "completed" {
		t.Fatalf("after deleting the last step: %v, %v", c["status"], st)
	}
	if n := num(cronTick(t, srv), "sent"); n != 0 {
		t.Fatalf("tick after the deletion sent %d", n)
	}
	var feed struct {
		Items []struct {
			Data struct {
				Campaign struct{ ID string }
				Lead     struct{ ID, Email string }
			}
		}
	}
	owner.Must(200, "GET", "/api/events?types=lead.sequence_finished", nil).JSON(t, &feed)
	finished := map[string]bool{}
	for _, e := range feed.Items {
		if e.Data.Campaign.ID == id && e.Data.Lead.Email != "" {
			finished[e.Data.Lead.ID] = true
		}
	}
	if len(finished) != 4 {
		t.Fatalf("lead.sequence_finished after the deletion: %+v", feed.Items)
	}
}

// TestDeleteMiddleStepOfRunningCampaign deletes step 2 while two leads wait
// for it and two have had it: the first two are moved on to what was step
// 3, the others keep waiting for it, now step 2, and every lead's next job
// is a step it never had.
func TestDeleteMiddleStepOfRunningCampaign(t *testing.T) {
	srv, owner, mailboxID := sendingServer(t)
	ann := createLead(t, owner, "ann@acme.test", "Ann")
	bob := createLead(t, owner, "bob@acme.test", "Bob")
	cat := createLead(t, owner, "cat@acme.test", "Cat")
	dan := createLead(t, owner, "dan@acme.test", "Dan")
	id := owner.Must(201, "POST", "/api/campaigns", map[string]any{"name": "Shorter", "timezone": "UTC",
		"sendDays": []int{1, 2, 3, 4, 5, 6, 7}, "sendStart": "00:00", "sendEnd": "24:00",
		"inboxIds": []string{mailboxID}}).Map(t)["id"].(string)
	putSequence(t, owner, id, "", editStep(0, 0, "Hi", "One"), editStep(0, 0, "", "Two"), editStep(0, 4, "", "Three"))
	owner.Must(200, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{ann, bob}})
	owner.Must(200, "POST", "/api/campaigns/"+id+"/launch", nil)
	cronTick(t, srv)
	cronTick(t, srv)
	owner.Must(200, "POST", "/api/campaigns/"+id+"/leads", map[string]any{"leadIds": []string{cat, dan}})
	if n := num(cronTick(t, srv), "sent"); n != 2 {
		t.Fatalf("third tick sent %d, want step 1 to cat and dan", n)
	}
	// ann and bob had steps 1 and 2 and wait for 3; cat and dan wait for 2.

	shorter := []map[string]any{editStep(1, 0, "Hi", "One"), editStep(3, 4, "", "Three")}
	dry := putSequence(t, owner, id, "?dryRun=true", shorter...)
	del := dry["deleted"].([]any)
	s2 := stepChange(t, dry, 1)
	if len(del) != 1 || num(del[0].(map[string]any), "position") != 2 || num(del[0].(map[string]any), "canceled") != 2 ||
		num(del[0].(map[string]any), "alreadySent") != 2 || num(s2, "from") != 3 || num(s2, "scheduled") != 2 ||
		num(dry, "leadsCompleted") != 0 {
		t.Fatalf("dry run of deleting step 2: %v", dry)
	}
	putSequence(t, owner, id, "", shorter...)
	for _, lead := range []string{ann, bob, cat, dan} {
		x := owner.Must(200, "GET", "/api/campaigns/"+id+"/leads/"+lead+"/explain", nil).Map(t)
		if num(x, "nextStep") != 2 || num(x, "stepsSent") != 1 || x["reason"] != "step_delay" {
			t.Errorf("explain of %s after deleting step 2: %v", lead, x)
		}
	}
	c := owner.Must(200, "GET", "/api/campaigns/"+id, nil).Map(t)
	if st := c["stats"].(map[string]any); num(st, "scheduled") != 4 || num(st, "sent") != 6 {
		t.Fatalf("stats after deleting step 2: %v", st)
	}
	if n := num(cronTick(t, srv), "sent"); n != 0 {
		t.Fatalf("a tick right after the deletion sent %d; every next step is 4 days away", n)
	}
}

func TestOpenAPIDescribesTheSequenceDryRun(t *testing.T) {
	srv := apptest.Start(t, nil)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string } `json:"parameters"`
			Responses  map[string]struct {
				Content map[string]struct {
					Schema struct {
						OneOf []struct{ Title string } `json:"oneOf"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	srv.Client(t).Must(200, "GET", "/api/openapi.json", nil).JSON(t, &doc)
	op := doc.Paths["/api/campaigns/{id}/sequence"]["put"]
	found := false
	for _, p := range op.Parameters {
		found = found || p.Name == "dryRun" && p.In == "query"
	}
	schemas := op.Responses["200"].Content["application/json"].Schema.OneOf
	if !found || len(schemas) != 2 || schemas[1].Title != "EditSummary" {
		t.Fatalf("PUT …/sequence in the OpenAPI description: %+v", op)
	}
}
