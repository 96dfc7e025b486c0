package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/store"
)

// addLeads stores n leads in the account's workspace, the newest last.
func addLeads(t *testing.T, srv *apptest.Server, a *apptest.Account, n int, status string) []store.Lead {
	t.Helper()
	scope := srv.Store.InWorkspace(a.WorkspaceID)
	var out []store.Lead
	for i := range n {
		l := store.Lead{Email: fmt.Sprintf("%s-%03d@acme.example", status, i), FirstName: "Lee", LastName: fmt.Sprintf("%s %03d", status, i),
			Company: "Acme", Status: status, Custom: map[string]string{"plan": "pro"}}
		if err := scope.CreateLead(context.Background(), &l); err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

func TestLeadsListSearchFilterAndPages(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	if !strings.Contains(string(get(t, a.Client, "/leads", 200).Body), "No leads yet") {
		t.Fatal("an empty workspace does not show the empty state")
	}
	if strings.Contains(string(get(t, a.Client, "/", 200).Body), `step step-done`) {
		t.Fatal("a step is done on a new workspace")
	}
	addLeads(t, srv, a, 55, store.LeadActive)
	addLeads(t, srv, a, 3, store.LeadBounced)

	// The dashboard ticks "Import leads" from the real data.
	dash := doc(t, get(t, a.Client, "/", 200).Body)
	if !strings.Contains(text(dash), "1 of 6 done") {
		t.Errorf("dashboard progress: %q", text(dash))
	}

	first := string(get(t, a.Client, "/leads", 200).Body)
	if n := strings.Count(first, `class="row-link"`); n != 50 {
		t.Errorf("first page shows %d leads, want 50", n)
	}
	if !strings.Contains(first, "Lee bounced 002") || !strings.Contains(first, "Bounced</span>") {
		t.Error("the newest leads (bounced) are not first, with their chip")
	}
	d := doc(t, []byte(first))
	next := ""
	walk(d, func(n *html.Node) {
		if rel, _ := attr(n, "rel"); rel == "next" {
			next, _ = attr(n, "href")
		}
	})
	second := string(get(t, a.Client, next, 200).Body)
	if n := strings.Count(second, `class="row-link"`); n != 8 {
		t.Errorf("second page shows %d leads, want 8", n)
	}

	bounced := string(get(t, a.Client, "/leads?status=bounced", 200).Body)
	if n := strings.Count(bounced, `class="row-link"`); n != 3 {
		t.Errorf("status=bounced shows %d leads", n)
	}
	search := string(get(t, a.Client, "/leads?q=ACTIVE-007", 200).Body)
	if n := strings.Count(search, `class="row-link"`); n != 1 || !strings.Contains(search, "active-007@acme.example") {
		t.Errorf("search shows %d leads", n)
	}
	none := string(get(t, a.Client, "/leads?q=nobody", 200).Body)
	if !strings.Contains(none, "No leads match “nobody”") {
		t.Error("a search with no result does not say so")
	}
	// An unknown status is ignored rather than listing nothing.
	if n := strings.Count(string(get(t, a.Client, "/leads?status=bogus", 200).Body), `class="row-link"`); n != 50 {
		t.Errorf("status=bogus shows %d leads", n)
	}
}

func TestLeadPageShowsFieldsAndStaysInItsWorkspace(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	stranger := srv.SignUp(t, "Sid")
	l := addLeads(t, srv, a, 1, store.LeadActive)[0]
	scope := srv.Store.InWorkspace(a.WorkspaceID)
	if err := scope.AddProvenance(context.Background(), []store.Provenance{{LeadID: l.ID, SourceKind: store.ProvenanceAPI,
		Fields: map[string]string{"company": "Acme", "custom.plan": "pro"}}}); err != nil {
		t.Fatal(err)
	}

	page := string(get(t, a.Client, "/leads/"+l.ID, 200).Body)
	for _, want := range []string{"Lee active 000", "active-000@acme.example", "Company", "plan", "pro", "The API", "set 2 fields"} {
		if !strings.Contains(page, want) {
			t.Errorf("lead page lacks %q", want)
		}
	}
	if r := stranger.Do("GET", "/leads/"+l.ID, nil); r.Status != http.StatusNotFound {
		t.Errorf("another workspace's lead: %d", r.Status)
	}
	if r := a.Do("GET", "/leads/nope", nil); r.Status != http.StatusNotFound {
		t.Errorf("missing lead: %d", r.Status)
	}
	if _, err := scope.EraseLead(context.Background(), l.ID); err != nil {
		t.Fatal(err)
	}
	if r := a.Do("GET", "/leads/"+l.ID, nil); r.Status != http.StatusNotFound {
		t.Errorf("erased lead: %d", r.Status)
	}
}

func TestSuppressionsList(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t, nil)
	a := srv.SignUp(t, "Ann")
	if !strings.Contains(string(get(t, a.Client, "/leads/suppressions", 200).Body), "Nobody is suppressed yet") {
		t.Fatal("no empty state")
	}
	scope := srv.Store.InWorkspace(a.WorkspaceID)
	for _, s := range []store.Suppression{
		{Kind: store.SuppressEmail, Value: "gone@acme.example", Reason: store.ReasonUnsubscribe},
		{Kind: store.SuppressDomain, Value: "competitor.example", Reason: store.ReasonManual},
	} {
		if _, err := scope.AddSuppression(context.Background(), &s); err != nil {
			t.Fatal(err)
		}
	}
	page := string(get(t, a.Client, "/leads/suppressions", 200).Body)
	for _, want := range []string{"gone@acme.example", "Unsubscribed", "Everyone at <strong>competitor.example</strong>", "Blocked by hand"} {
		if !strings.Contains(page, want) {
			t.Errorf("suppressions page lacks %q", want)
		}
	}
	domains := string(get(t, a.Client, "/leads/suppressions?kind=domain", 200).Body)
	if strings.Contains(domains, "gone@acme.example") || !strings.Contains(domains, "competitor.example") {
		t.Error("kind=domain does not filter")
	}
}
