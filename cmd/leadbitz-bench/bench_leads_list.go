package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() { benches["leads-list"] = benchLeadsList }

// benchLeadsList is `leadbitz-bench leads-list`: it fills a workspace with
// --leads leads (the same shape as bench import's file), then times the first
// page (50 leads) of the lead list for a mix of searches and filters a user
// makes — no search, an email prefix, a name, a company, a rare substring,
// no match, two letters, a status — and prints p50/p99/max per query and
// overall.
//
//	leadbitz-bench leads-list --leads 1000000 --db postgres://…
func benchLeadsList(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench leads-list", flag.ContinueOnError)
	n := fs.Int("leads", 1_000_000, "leads in the workspace")
	dbURL := dbFlag(fs)
	runs := fs.Int("runs", 50, "times each query is run")
	reuse := fs.String("workspace", "", "time the queries on this workspace of --db (seeded by an earlier run) instead of seeding a new one")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, cleanup, err := benchStore(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	p := account.Principal{WorkspaceID: *reuse}
	if *reuse == "" {
		user, ws, err := benchWorkspace(ctx, st)
		if err != nil {
			return err
		}
		start := time.Now()
		if err := seedLeads(ctx, st.InWorkspace(ws.ID), *n); err != nil {
			return err
		}
		if err := st.RefreshLeadStats(ctx); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "seeded workspace %s with %d leads on %s in %s\n", ws.ID, *n, st.Dialect(), time.Since(start).Round(time.Second))
		p = account.Principal{User: user, WorkspaceID: ws.ID, Role: store.RoleOwner}
	}
	svc := lead.New(st, env.New(nil, nil))
	queries := []struct {
		name string
		q    lead.Query
	}{
		{"first page", lead.Query{}},
		{"email prefix", lead.Query{Search: "grace.hopper.12"}},
		{"full name", lead.Query{Search: "ada lovelace"}},
		{"company", lead.Query{Search: "company 4242"}},
		{"rare substring", lead.Query{Search: "77777@"}},
		{"no match", lead.Query{Search: "zzzzqx"}},
		{"two letters", lead.Query{Search: "ed"}},
		{"common word", lead.Query{Search: "turing"}},
		{"status bounced", lead.Query{Status: store.LeadBounced}},
		{"status + search", lead.Query{Status: store.LeadActive, Search: "knuth.31"}},
	}
	var all []time.Duration
	fmt.Fprintf(stdout, "%-16s %8s %8s %8s %6s\n", "query", "p50", "p99", "max", "found")
	for _, qc := range queries {
		var times []time.Duration
		found := 0
		for range *runs {
			t0 := time.Now()
			page, err := svc.List(ctx, p, qc.q, "", 50)
			if err != nil {
				return fmt.Errorf("%s: %w", qc.name, err)
			}
			times = append(times, time.Since(t0))
			found = len(page)
		}
		all = append(all, times...)
		p50, p99, max := percentiles(times)
		fmt.Fprintf(stdout, "%-16s %8s %8s %8s %6d\n", qc.name, p50, p99, max, min(found, 50))
	}
	p50, p99, max := percentiles(all)
	fmt.Fprintf(stdout, "%-16s %8s %8s %8s\n", "all", p50, p99, max)
	return nil
}

func percentiles(d []time.Duration) (p50, p99, max time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(p float64) time.Duration {
		return s[min(len(s)-1, int(p*float64(len(s))))].Round(10 * time.Microsecond)
	}
	return at(0.50), at(0.99), s[len(s)-1].Round(10 * time.Microsecond)
}

// seedLeads inserts n leads in transactions of 5,000, shaped like
// writeBenchCSV's rows.
func seedLeads(ctx context.Context, sc store.Scope, n int) error {
	firsts := []string{"Ada", "Grace", "Alan", "Barbara", "Edsger", "Frances", "Donald", "Margaret", "Ken", "Radia"}
	lasts := []string{"Lovelace", "Hopper", "Turing", "Liskov", "Dijkstra", "Allen", "Knuth", "Hamilton", "Thompson", "Perlman"}
	batch := make([]store.Lead, 0, 5000)
	flush := func() error {
		_, err := sc.InsertLeads(ctx, batch)
		batch = batch[:0]
		return err
	}
	for i := range n {
		first, last := firsts[i%len(firsts)], lasts[(i/10)%len(lasts)]
		l := store.Lead{
			Email:     fmt.Sprintf("%s.%s.%d@company%d.com", lower(first), lower(last), i, i/7),
			FirstName: first, LastName: last, Company: fmt.Sprintf("Company %d, Inc", i/7),
			Title: "Engineer", Website: fmt.Sprintf("https://company%d.com", i/7), Country: "France",
		}
		if i%1000 == 999 {
			l.Status = store.LeadBounced
		}
		batch = append(batch, l)
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(batch) > 0 {
		return flush()
	}
	return nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
