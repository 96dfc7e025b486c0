package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/apptest"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/web"
)

// csvOf is a CSV file of about size bytes.
func csvOf(size int) string {
	return "email\n" + strings.Repeat("someone@example.com\n", size/20)
}

// stagedFiles lists the staged files of a workspace, waiting or kept.
func stagedFiles(t *testing.T, srv *apptest.Server, ws string) []string {
	t.Helper()
	var files []string
	_ = filepath.WalkDir(filepath.Join(web.StagedRoot(srv.Config.DataDir), ws), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	return files
}

func sweep(t *testing.T, srv *apptest.Server, at time.Time) {
	t.Helper()
	if err := srv.SweepUploads(context.Background(), at); err != nil {
		t.Fatal(err)
	}
}

// Staged uploads are bounded: one per person (a new one replaces the old),
// a disk budget per workspace (413) and one for the server (507), each
// refusal saying what to do; and an hour of life, after which the periodic
// sweep removes them.
func TestStagedUploadsHaveAQuotaAndAShortLife(t *testing.T) {
	srv := apptest.Start(t, map[string]string{"LEADBITZ_IMPORT_MAX_BYTES": "2048",
		"LEADBITZ_STAGED_UPLOADS_WORKSPACE_BYTES": "4096", "LEADBITZ_STAGED_UPLOADS_TOTAL_BYTES": "8192"})
	ann := srv.SignUp(t, "Ann")

	first := stagedUpload(t, ann.Client, csvOf(1900))
	second := stagedUpload(t, ann.Client, csvOf(1900))
	get(t, ann.Client, "/leads/import/map/"+first, http.StatusNotFound)
	get(t, ann.Client, "/leads/import/map/"+second, http.StatusOK)
	if files := stagedFiles(t, srv, ann.WorkspaceID); len(files) != 1 {
		t.Fatalf("Ann's staged files %v, want only her latest upload", files)
	}

	// Two colleagues: the third upload of the workspace passes its budget.
	max, zoe := srv.SignUp(t, "Max"), srv.SignUp(t, "Zoe")
	for _, member := range []*apptest.Account{max, zoe} {
		ann.AddMember(member, "member")
		member.Must(http.StatusOK, "POST", "/api/workspaces/"+ann.WorkspaceID+"/switch", nil)
	}
	stagedUpload(t, max.Client, csvOf(1900))
	r := postFile(t, zoe.Client, "/leads/import/upload", "leads.csv", csvOf(1900))
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.Body), "waiting to be imported use") {
		t.Fatalf("over the workspace's budget: %d %.600s", r.Status, text(doc(t, r.Body)))
	}

	// Other workspaces fill the server's budget.
	stagedUpload(t, srv.SignUp(t, "Bob").Client, csvOf(1900))
	stagedUpload(t, srv.SignUp(t, "Cid").Client, csvOf(1900))
	dan := srv.SignUp(t, "Dan")
	r = postFile(t, dan.Client, "/leads/import/upload", "leads.csv", csvOf(1900))
	if r.Status != http.StatusInsufficientStorage || !strings.Contains(string(r.Body), "no room for more uploads") {
		t.Fatalf("over the server's budget: %d %.600s", r.Status, text(doc(t, r.Body)))
	}
	// The API's uploads wait on the same disk.
	if r := postFile(t, dan.Client, "/api/leads/import", "leads.csv", csvOf(1900)); r.Status != http.StatusInsufficientStorage || r.ErrorCode() != "uploads_full" {
		t.Fatalf("API import over the server's budget: %d %s", r.Status, r.Body)
	}

	// Within the hour nothing goes; after it, every waiting upload does.
	sweep(t, srv, time.Now().Add(50*time.Minute))
	get(t, ann.Client, "/leads/import/map/"+second, http.StatusOK)
	sweep(t, srv, time.Now().Add(61*time.Minute))
	get(t, ann.Client, "/leads/import/map/"+second, http.StatusNotFound)
	stagedUpload(t, dan.Client, csvOf(1900))
	stagedUpload(t, zoe.Client, csvOf(1900))
}

// The wizard's copy of its file stays while the import runs (it reads the
// file again to add every lead of it), then an hour after the import ended.
func TestSweepKeepsTheWizardsCopyWhileItsImportRuns(t *testing.T) {
	srv := apptest.Start(t, nil)
	ann := srv.SignUp(t, "Ann")
	id := newWizardCampaign(t, ann, "Kept")
	setup := "/campaigns/" + id + "/setup"
	r := postFile(t, ann.Client, setup+"/leads/upload", "fair.csv", importCSV)
	action := strings.Split(r.Header.Get("Location"), "?")[0]
	token := action[strings.LastIndex(action, "/")+1:]
	r = postForm(t, ann.Client, action, url.Values{"fileName": {"fair.csv"}, "onDuplicate": {"skip"}, "col.0": {"Email"}, "map.0": {"email"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("start the wizard's import: %d %.300s", r.Status, r.Body)
	}
	kept := filepath.Join(web.StagedRoot(srv.Config.DataDir), ann.WorkspaceID, token+".csv")
	if _, err := os.Stat(kept); err != nil {
		t.Fatalf("the wizard's copy is not kept: %v", err)
	}

	// A long import: the wizard's import is running, for hours.
	ctx := context.Background()
	scope := srv.Store.InWorkspace(ann.WorkspaceID)
	running := store.LeadSource{ID: store.NewID(), Kind: store.SourceImport, Name: "big.csv", FileName: "big.csv",
		Status: store.ImportRunning, Options: `{"onDuplicate":"skip"}`, RowsTotal: 10}
	if err := scope.CreateLeadSource(ctx, &running); err != nil {
		t.Fatal(err)
	}
	st, err := scope.CampaignWizard(ctx, id)
	if err != nil || st.Upload != token {
		t.Fatalf("wizard %+v %v", st, err)
	}
	st.ImportID = running.ID
	if err := scope.SaveCampaignWizard(ctx, &st); err != nil {
		t.Fatal(err)
	}
	sweep(t, srv, time.Now().Add(5*time.Hour))
	if _, err := os.Stat(kept); err != nil {
		t.Fatalf("the copy of a running import was swept: %v", err)
	}

	// It ends now: kept for the hour the user has to add its leads.
	if err := scope.FinishImport(ctx, running.ID, store.ImportDone, ""); err != nil {
		t.Fatal(err)
	}
	sweep(t, srv, time.Now().Add(50*time.Minute))
	if _, err := os.Stat(kept); err != nil {
		t.Fatalf("the copy was swept within the hour after its import ended: %v", err)
	}
	sweep(t, srv, time.Now().Add(61*time.Minute))
	if _, err := os.Stat(kept); !os.IsNotExist(err) {
		t.Fatalf("the copy is still there an hour after its import ended: %v", err)
	}
}
