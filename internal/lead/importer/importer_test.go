package importer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}

// owner creates a user with a workspace.
func newOwner(t *testing.T, st *store.Store) account.Principal {
	t.Helper()
	ctx := context.Background()
	u := store.User{Email: "o-" + store.NewID() + "@example.com", PasswordHash: "-"}
	ws := store.Workspace{Name: "w"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateWorkspace(ctx, &ws, u.ID); err != nil {
		t.Fatal(err)
	}
	return account.Principal{User: u, WorkspaceID: ws.ID, Role: store.RoleOwner}
}

// messyFile has n rows with invalid rows and emails repeated far apart, so
// duplicates span batches (and an interruption).
func messyFile(n int) string {
	var b strings.Builder
	b.WriteString("email,first name,company\n")
	for i := range n {
		switch {
		case i%17 == 5:
			fmt.Fprintf(&b, "broken-%d,Nobody,X\n", i)
		case i%13 == 7:
			fmt.Fprintf(&b, "p%d@example.com,Again,Later Co\n", i/2) // repeats an earlier (or later) row
		default:
			fmt.Fprintf(&b, "p%d@example.com,Person %d,Co %d\n", i, i, i)
		}
	}
	return b.String()
}

func submit(t *testing.T, im *Importer, p account.Principal, csv, onDuplicate string) store.LeadSource {
	t.Helper()
	up, err := im.Receive(strings.NewReader(csv), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	src, err := im.Submit(context.Background(), p, account.Meta{}, up, Request{FileName: "f.csv", OnDuplicate: onDuplicate})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func wait(t *testing.T, im *Importer, st *store.Store, p account.Principal, id string) store.LeadSource {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := im.Wait(ctx, id); err != nil {
		t.Fatalf("import %s: %v", id, err)
	}
	src, err := st.InWorkspace(p.WorkspaceID).LeadSource(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if src.Status == store.ImportRunning {
		t.Fatalf("import let go while still running: %+v", src)
	}
	return src
}

// outcome is what an import left: its counts, its row errors and the leads.
func outcome(t *testing.T, st *store.Store, p account.Principal, id string) (store.ImportCounts, []store.RowError, map[string]string) {
	t.Helper()
	ctx := context.Background()
	sc := st.InWorkspace(p.WorkspaceID)
	src, err := sc.LeadSource(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := sc.ImportRowErrors(ctx, id, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	leads := map[string]string{}
	err = sc.EachLead(ctx, store.LeadQuery{}, func(l store.Lead) error {
		leads[l.Email] = l.FirstName + "/" + l.Company
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return src.ImportCounts, errs, leads
}

// An import interrupted by a stop (graceful) or a crash resumes where its
// last batch ended and ends exactly as if it had never stopped.
func TestInterruptedImportResumes(t *testing.T) {
	st := storetest.New(t)
	const rows = 2000
	file := messyFile(rows)
	cfg := Config{Workers: 1, BatchSize: 10, Heartbeat: 20 * time.Millisecond, StaleAfter: 150 * time.Millisecond}

	// The reference: one uninterrupted run.
	refOwner := newOwner(t, st)
	ref := New(st, env.New(nil, nil), Config{Dir: t.TempDir(), Workers: 1, BatchSize: 10})
	if err := ref.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	refSrc := wait(t, ref, st, refOwner, submit(t, ref, refOwner, file, "update").ID)
	ref.Stop()
	wantCounts, wantErrs, wantLeads := outcome(t, st, refOwner, refSrc.ID)
	if refSrc.Status != store.ImportDone || wantCounts.RowsDone != rows || wantCounts.Duplicates == 0 || wantCounts.Invalid == 0 {
		t.Fatalf("reference import: %+v", refSrc)
	}

	for _, crash := range []bool{false, true} {
		t.Run(fmt.Sprintf("crash=%v", crash), func(t *testing.T) {
			p := newOwner(t, st)
			cfg.Dir = t.TempDir()
			first := New(st, env.New(nil, nil), cfg)
			batched := make(chan struct{}, 1)
			first.afterBatch = func() {
				select {
				case batched <- struct{}{}:
				default:
				}
			}
			if err := first.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			id := submit(t, first, p, file, "update").ID
			select {
			case <-batched: // some rows are in: interrupt it now
			case <-time.After(30 * time.Second):
				t.Fatal("no batch was committed")
			}
			if crash {
				// Workers die; nothing is released, the heartbeat ages.
				first.cancel()
				first.wg.Wait()
			} else {
				first.Stop()
			}
			mid, err := st.InWorkspace(p.WorkspaceID).LeadSource(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if mid.Status != store.ImportRunning || mid.RowsDone == 0 || mid.RowsDone >= rows || mid.RowsDone%10 != 0 {
				t.Fatalf("not interrupted mid-way: %+v", mid)
			}
			if (mid.HeartbeatAt == nil) == crash {
				t.Fatalf("heartbeat after stop (crash=%v): %v", crash, mid.HeartbeatAt)
			}

			// The second replica starts after the first's heartbeat went
			// stale (its clock is a minute ahead), so it takes the import
			// over as it starts.
			second := New(st, env.New(slog.New(slog.NewTextHandler(t.Output(), nil)), func() time.Time { return time.Now().Add(time.Minute) }), cfg)
			if err := second.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			defer second.Stop()
			done := wait(t, second, st, p, id)
			if done.Status != store.ImportDone {
				t.Fatalf("resumed import: %+v", done)
			}
			counts, errs, leads := outcome(t, st, p, id)
			if counts != wantCounts {
				t.Errorf("counts %+v, want %+v", counts, wantCounts)
			}
			if fmt.Sprint(errs) != fmt.Sprint(wantErrs) {
				t.Errorf("row errors differ from the uninterrupted run")
			}
			if fmt.Sprint(leads) != fmt.Sprint(wantLeads) {
				t.Errorf("leads differ from the uninterrupted run")
			}
			if _, err := os.Stat(filepath.Join(cfg.Dir, id+".csv")); !os.IsNotExist(err) {
				t.Errorf("upload left behind: %v", err)
			}
		})
	}
}

func TestInterruptedImportWithoutItsFileFails(t *testing.T) {
	st := storetest.New(t)
	p := newOwner(t, st)
	dir := t.TempDir()
	first := New(st, env.New(nil, nil), Config{Dir: dir, Workers: 1, BatchSize: 10})
	if err := first.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	id := submit(t, first, p, messyFile(3000), "skip").ID
	first.Stop()
	src, err := st.InWorkspace(p.WorkspaceID).LeadSource(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if src.Status != store.ImportRunning {
		t.Skipf("the import finished before the stop (%+v)", src.ImportCounts)
	}
	// Another replica, without the file, takes the import over.
	other := New(st, env.New(nil, nil), Config{Dir: t.TempDir()})
	if err := other.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer other.Stop()
	got := wait(t, other, st, p, id)
	if got.Status != store.ImportFailed || !strings.Contains(got.Error, "import the file again") || got.FinishedAt == nil {
		t.Fatalf("import without its file: %+v", got)
	}
}

func TestReceiveRefusesOversizedFiles(t *testing.T) {
	im := New(nil, env.New(nil, nil), Config{Dir: t.TempDir()})
	if _, err := im.Receive(strings.NewReader(strings.Repeat("x", 101)), 100); err != ErrTooLarge {
		t.Fatalf("101 bytes over a 100 limit: %v", err)
	}
	up, err := im.Receive(strings.NewReader(strings.Repeat("x", 100)), 100)
	if err != nil || up.Size != 100 {
		t.Fatalf("100 bytes: %v %+v", err, up)
	}
	up.Discard()
	left, _ := os.ReadDir(im.cfg.Dir)
	if len(left) != 0 {
		t.Fatalf("files left: %v", left)
	}
}

// A run that stops on a database error keeps the import: it stays held (a
// waiter is not let go) and runs again from its last batch at the next
// heartbeat, ending as an uninterrupted run would.
func TestImportRetriedAfterADatabaseError(t *testing.T) {
	st := storetest.New(t)
	p := newOwner(t, st)
	im := New(st, env.New(nil, nil), Config{Dir: t.TempDir(), Workers: 1, BatchSize: 10, Heartbeat: 10 * time.Millisecond})
	var runs atomic.Int32
	im.beforeRun = func() error {
		if runs.Add(1) == 1 {
			return errors.New("connection reset by peer")
		}
		return nil
	}
	if err := im.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer im.Stop()
	src := wait(t, im, st, p, submit(t, im, p, messyFile(100), "skip").ID)
	if src.Status != store.ImportDone || src.RowsDone != 100 {
		t.Fatalf("import after a retry: %+v", src)
	}
	if n := runs.Load(); n != 2 {
		t.Errorf("%d runs, want 2", n)
	}
}
