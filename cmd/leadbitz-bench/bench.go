// Command leadbitz-bench runs the project's benchmarks: each sets up its own
// data (seeders, fake mail servers) and prints its figures. It is a command
// of its own so that the product binary, cmd/leadbitz, carries none of the
// fakes and seeders (cmd/leadbitz/deps_test.go checks it).
//
//	go run ./cmd/leadbitz-bench <name> [flags]
//
// Figures go in docs/benchmarks.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/leadbitz/leadbitz/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := bench(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "leadbitz-bench:", err)
		os.Exit(1)
	}
}

// A bench is a `leadbitz-bench <name>` subcommand: a benchmark that sets up
// its own data and prints its figures.
type benchFunc func(ctx context.Context, args []string, stdout io.Writer) error

// benches is filled by the bench_*.go files.
var benches = map[string]benchFunc{}

func bench(ctx context.Context, args []string, stdout io.Writer) error {
	names := make([]string, 0, len(benches))
	for n := range benches {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(args) == 0 || benches[args[0]] == nil {
		return fmt.Errorf("usage: leadbitz-bench <%s> [flags]", strings.Join(names, "|"))
	}
	return benches[args[0]](ctx, args[1:], stdout)
}

// dbFlag is every bench's -db flag, the URL benchStore opens.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "", "database URL (default: a new SQLite file in a temporary directory)")
}

// benchStore opens (and migrates) the database a bench runs on: url, or a
// new SQLite file in a temporary directory when url is empty. cleanup
// removes what it created.
func benchStore(ctx context.Context, url string) (*store.Store, func(), error) {
	removeDir := func() {}
	if url == "" {
		dir, err := os.MkdirTemp("", "leadbitz-bench-")
		if err != nil {
			return nil, nil, err
		}
		removeDir = func() { os.RemoveAll(dir) }
		url = "sqlite://" + dir + "/bench.db"
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		removeDir()
		return nil, nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		removeDir()
		return nil, nil, err
	}
	return st, func() { st.Close(); removeDir() }, nil
}

// benchWorkspace creates a user and an empty workspace for a bench run.
func benchWorkspace(ctx context.Context, st *store.Store) (store.User, store.Workspace, error) {
	u := store.User{Email: "bench-" + store.NewID() + "@example.com", Name: "Bench", PasswordHash: "-"}
	ws := store.Workspace{Name: "bench", FooterAddress: "1 Bench Street, Springfield"}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		return tx.CreateWorkspace(ctx, &ws, u.ID)
	})
	return u, ws, err
}

// peakRSS is the process's peak resident set (VmHWM) in bytes, or 0 where
// /proc is not available.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
