package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/problem"
)

func writeFile(t *testing.T, path string, size int, mtime time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

func wantProblem(t *testing.T, err error, kind problem.Kind, code string) {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Kind != kind || p.Code != code {
		t.Fatalf("error %v, want a problem %s", err, code)
	}
}

// Files on disk (but not those still being written) and reservations count
// against the budgets: a workspace's against its own (413) and everything
// against the server's (507). Releasing gives the room back.
func TestBudgetCountsFilesAndReservations(t *testing.T) {
	root := t.TempDir()
	imports, staged := filepath.Join(root, "imports"), filepath.Join(root, "web-uploads")
	wsA, wsB := filepath.Join(staged, "ws-a"), filepath.Join(staged, "ws-b")
	now := time.Now()
	writeFile(t, filepath.Join(wsA, "user-1", "t1.csv"), 300, now)
	writeFile(t, filepath.Join(wsA, "t2.csv"), 300, now) // a wizard's kept copy
	writeFile(t, filepath.Join(wsA, "user-2", "t3.csv.part"), 5000, now)
	writeFile(t, filepath.Join(imports, "import-1.csv"), 200, now)
	b := NewBudget(2000, 1000, imports, staged)
	if got := DiskUsage(staged); got != 600 {
		t.Fatalf("disk usage %d, want 600 (a .part file is not counted)", got)
	}

	release, err := b.Reserve(wsA, 400) // 600 + 400 = the workspace's 1000
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Reserve(wsA, 1)
	wantProblem(t, err, problem.TooLarge, "workspace_uploads_full")
	if msg := err.Error(); !strings.Contains(msg, "1000 bytes") || !strings.Contains(msg, "a new one replaces it") {
		t.Errorf("message %q does not say what is used and what to do", msg)
	}
	release()
	release() // twice is harmless
	if _, err := b.Reserve(wsA, 400); err != nil {
		t.Fatalf("after release: %v", err)
	}
	// The server: 800 on disk + 400 reserved; another workspace fits 800 more.
	if _, err := b.Reserve(wsB, 800); err != nil {
		t.Fatal(err)
	}
	_, err = b.Reserve(wsB, 1)
	wantProblem(t, err, problem.InsufficientStorage, "uploads_full")
	_, err = b.Reserve("", 1) // the importer's files count too
	wantProblem(t, err, problem.InsufficientStorage, "uploads_full")

	var none *Budget
	if _, err := none.Reserve(wsA, 1<<40); err != nil {
		t.Fatalf("no budget: %v", err)
	}
}

// The API's uploads (Receive) wait in the import directory: they count
// against the server's budget, and their reservation holds until Submit or
// Discard.
func TestReceiveCountsAgainstTheBudget(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "queued-import.csv"), 600, time.Now())
	im := New(nil, env.New(nil, nil), Config{Dir: dir, Budget: NewBudget(1000, 1000, dir)})
	up, err := im.Receive(strings.NewReader("email\na@example.com\n"), 300)
	if err != nil {
		t.Fatal(err)
	}
	_, err = im.Receive(strings.NewReader("email\n"), 300) // 600 + 300 reserved + 300 > 1000
	wantProblem(t, err, problem.InsufficientStorage, "uploads_full")
	up.Discard()
	if up2, err := im.Receive(strings.NewReader("email\n"), 300); err != nil {
		t.Fatalf("after the first upload was discarded: %v", err)
	} else {
		up2.Discard()
	}
}

// Received files never submitted (a crash in between) are removed after
// StagedTTL; the files of imports stay until their import ends.
func TestSweepUploadsRemovesAbandonedReceivedFiles(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	old, recent, imp := filepath.Join(dir, "upload-0001.part"), filepath.Join(dir, "upload-0002.part"), filepath.Join(dir, "0190-import.csv")
	writeFile(t, old, 10, now.Add(-StagedTTL-time.Minute))
	writeFile(t, recent, 10, now.Add(-StagedTTL+time.Minute))
	writeFile(t, imp, 10, now.Add(-48*time.Hour))
	im := New(nil, env.New(nil, nil), Config{Dir: dir})
	if n := im.SweepUploads(now); n != 1 {
		t.Errorf("removed %d files, want 1", n)
	}
	for path, want := range map[string]bool{old: false, recent: true, imp: true} {
		if _, err := os.Stat(path); (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", filepath.Base(path), err == nil, want)
		}
	}
}
