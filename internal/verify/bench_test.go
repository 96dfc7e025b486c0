package verify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/dnscheck"
	"github.com/leadbitz/leadbitz/internal/dnscheck/dnsfake"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
	"github.com/leadbitz/leadbitz/internal/verify"
)

// BenchmarkRunAfterImport is the pass an import waits on: 20,000 new leads
// over 500 domains (40 leads a domain, as a company list has), each domain
// asked once of a DNS server on loopback. Reported per lead; "cached" is
// the same with every domain already answered: the database's share.
func BenchmarkRunAfterImport(b *testing.B) {
	b.Run("cold", func(b *testing.B) { benchRun(b, false) })
	b.Run("cached", func(b *testing.B) { benchRun(b, true) })
}

// benchRun runs the pass; warm: with every domain's answer cached (the
// database's share alone).
func benchRun(b *testing.B, warm bool) {
	const leads, domains = 20_000, 500
	ctx := context.Background()
	dns := dnsfake.Start(b)
	for d := range domains {
		dns.Set(fmt.Sprintf("co%d.test", d), dnsfake.Records{MX: []dnsfake.MX{{Pref: 10, Host: "mx.co.test"}}})
	}
	st := storetest.New(b)
	owner := store.User{Email: "owner@example.com", PasswordHash: "x"}
	if err := st.CreateUser(ctx, &owner); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		w := store.Workspace{Name: fmt.Sprint("W", i)}
		if err := st.CreateWorkspace(ctx, &w, owner.ID); err != nil {
			b.Fatal(err)
		}
		batch := make([]store.Lead, 0, leads)
		for n := range leads {
			batch = append(batch, store.Lead{Email: fmt.Sprintf("p%d@co%d.test", n, n%domains)})
		}
		if _, err := st.InWorkspace(w.ID).InsertLeads(ctx, batch); err != nil {
			b.Fatal(err)
		}
		// A fresh service: nothing cached, as after a restart.
		v := verify.New(st, env.New(nil, func() time.Time { return now }), dnscheck.New(dnscheck.Options{Server: dns.Addr}))
		if warm {
			for d := range domains {
				v.Domain(ctx, fmt.Sprintf("co%d.test", d))
			}
		}
		b.StartTimer()
		res, err := v.Run(ctx, w.ID, verify.Selection{}, false)
		if err != nil || res.Checked != leads || res.Domains != domains {
			b.Fatalf("run: %+v %v", res, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*leads), "µs/lead")
}
