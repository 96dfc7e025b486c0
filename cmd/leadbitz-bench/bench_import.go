package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/lead/importer"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() { benches["import"] = benchImport }

// benchImport is `leadbitz-bench import`: it writes a CSV of --rows rows ×
// 10 columns (an Apollo-like header, unique emails), then runs the real
// import pipeline on it — upload streamed to the import directory, header
// and mapping checked, rows counted, read, normalised and written in batched
// transactions with one provenance record per lead — and prints rows/s and
// the process's peak RSS.
//
//	leadbitz-bench import --rows 1000000                      # SQLite in a temp dir
//	leadbitz-bench import --rows 1000000 --db postgres://…    # an empty Postgres database
func benchImport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench import", flag.ContinueOnError)
	rows := fs.Int("rows", 1_000_000, "rows in the generated file")
	dbURL := dbFlag(fs)
	batch := fs.Int("batch", 0, "rows per transaction (default: the importer's, 2000)")
	parallel := fs.Int("parallel", 0, "batches written at once (default: the importer's, 2 on Postgres, 1 on SQLite)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the import to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, cleanup, err := benchStore(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	dir, err := os.MkdirTemp("", "leadbitz-bench-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	csvPath := filepath.Join(dir, "leads.csv")
	size, err := writeBenchCSV(csvPath, *rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d rows × 10 columns (%.1f MB) on %s\n", *rows, float64(size)/(1<<20), st.Dialect())

	user, ws, err := benchWorkspace(ctx, st)
	if err != nil {
		return err
	}
	im := importer.New(st, env.New(nil, nil), importer.Config{Dir: filepath.Join(dir, "imports"), Workers: 1, BatchSize: *batch,
		Parallel: *parallel})
	if err := im.Start(ctx); err != nil {
		return err
	}
	defer im.Stop()
	p := account.Principal{User: user, WorkspaceID: ws.ID, Role: store.RoleOwner}

	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	f, err := os.Open(csvPath)
	if err != nil {
		return err
	}
	up, err := im.Receive(f, size+1)
	f.Close()
	if err != nil {
		return err
	}
	src, err := im.Submit(ctx, p, account.Meta{}, up, importer.Request{FileName: "leads.csv", Source: "bench"})
	if err != nil {
		return err
	}
	var final importer.Status
	for {
		if final, err = im.Status(ctx, p, src.ID, 0, 1); err != nil {
			return err
		}
		if final.Status != store.ImportRunning {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	elapsed := time.Since(start)
	if final.Status != store.ImportDone {
		return fmt.Errorf("import %s: %s", final.Status, final.FailureReason)
	}
	if final.Created != *rows {
		return fmt.Errorf("import created %d leads of %d rows (%+v)", final.Created, *rows, final.ImportCounts)
	}
	fmt.Fprintf(stdout, "imported %d rows in %s: %.0f rows/s; peak RSS %.0f MB\n",
		final.RowsDone, elapsed.Round(time.Millisecond), float64(final.RowsDone)/elapsed.Seconds(), float64(peakRSS())/(1<<20))
	return nil
}

// writeBenchCSV writes n rows of plausible leads and returns the file size.
func writeBenchCSV(path string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	firsts := []string{"Ada", "Grace", "Alan", "Barbara", "Edsger", "Frances", "Donald", "Margaret", "Ken", "Radia"}
	lasts := []string{"Lovelace", "Hopper", "Turing", "Liskov", "Dijkstra", "Allen", "Knuth", "Hamilton", "Thompson", "Perlman"}
	titles := []string{"CEO", "CTO", "VP Sales", "Head of Growth", "Founder", "Marketing Manager", "Engineer"}
	zones := []string{"Europe/Paris", "America/New_York", "Europe/Berlin", "America/Los_Angeles", "Asia/Tokyo"}
	countries := []string{"France", "United States", "Germany", "United States", "Japan"}
	fmt.Fprint(w, "First Name,Last Name,Title,Company,Email,Website,Person Linkedin Url,Corporate Phone,Time Zone,Country\r\n")
	for i := range n {
		first, last := firsts[i%len(firsts)], lasts[(i/10)%len(lasts)]
		company := fmt.Sprintf("Company %d", i/7)
		z := i % len(zones)
		fmt.Fprintf(w, "%s,%s,%s,\"%s, Inc\",%s.%s.%d@company%d.com,https://company%d.com,https://www.linkedin.com/in/%s-%s-%d,+1 415 555 %04d,%s,%s\r\n",
			first, last, titles[i%len(titles)], company, first, last, i, i/7, i/7, first, last, i, i%10000, zones[z], countries[z])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	info, err := f.Stat()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}
