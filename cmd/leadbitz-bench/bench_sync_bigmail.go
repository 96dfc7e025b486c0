package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai/offline"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() { benches["sync-bigmail"] = benchSyncBigmail }

// benchSyncBigmail is `leadbitz-bench sync-bigmail`: an IMAP mailbox (the
// in-process fake, on loopback) holds one reply of --size bytes (a short
// text, then a generated attachment: the server never holds it either),
// and one inbox sync reads it through smtpimap and the reply loop with
// LEADBITZ_MAX_INBOUND_BYTES = --max-bytes. It reports what the server
// sent of the message, what was stored, and the process's peak RSS (VmHWM,
// which includes the fake server) and Go heap.
//
//	leadbitz-bench sync-bigmail --size 524288000 [--db postgres://…/empty_db]
//
// --db migrates and writes into the database it names: give it an empty one.
func benchSyncBigmail(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench sync-bigmail", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	size := fs.Int64("size", 500<<20, "size of the message in the mailbox, in bytes")
	maxBytes := fs.Int64("max-bytes", provider.DefaultMaxMessageBytes, "LEADBITZ_MAX_INBOUND_BYTES")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, cleanup, err := benchStore(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	_, ws, err := benchWorkspace(ctx, st)
	if err != nil {
		return err
	}
	const addr, password = "sam@sender.test", "bench"
	mailbox := store.Mailbox{Provider: store.ProviderSMTP, Email: addr, DisplayName: "Sam", DailyCap: 1000, RampStartedAt: time.Now()}
	if err := st.InWorkspace(ws.ID).CreateMailbox(ctx, &mailbox); err != nil {
		return err
	}
	srv, err := smtpimapfake.StartIMAP(smtpimapfake.IMAPOptions{Username: addr, Password: password})
	if err != nil {
		return err
	}
	defer srv.Close()
	head := mailfake.AttachmentHead("Ann <ann@acme.test>", addr, "Re: Quick question", "<big@acme.test>",
		"<first@sender.test>", "Sounds interesting: the slides are attached.")
	if _, err := srv.DeliverGenerated(head, *size, time.Now()); err != nil {
		return err
	}
	open := func(context.Context, string, store.Mailbox) (provider.Mailbox, error) {
		return smtpimap.New(smtpimap.Config{Address: addr, SkipSentCopy: true, MaxMessageBytes: *maxBytes,
			SMTP: smtpimap.Server{Host: srv.Host, Port: 1, Security: smtpimap.Plain},
			IMAP: smtpimap.Server{Host: srv.Host, Port: srv.Port, Username: addr, Password: password, Security: smtpimap.Plain}})
	}
	svc, err := replies.New(replies.Config{Store: st, Env: env.New(nil, nil), Fallback: offline.Classify, MaxInboundBytes: *maxBytes,
		Providers: map[string]provider.Opener{store.ProviderSMTP: open}})
	if err != nil {
		return err
	}
	runtime.GC()
	rssBefore := peakRSS()
	start := time.Now()
	res, err := svc.Sync(ctx, mailbox.ID)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(stdout, "mailbox: one message of %d MiB; limit %d MiB\n", *size>>20, *maxBytes>>20)
	fmt.Fprintf(stdout, "sync: %d fetched, %d stored in %s; the server sent %.1f MiB of the message\n",
		res.Fetched, res.Stored, elapsed.Round(time.Millisecond), float64(srv.GeneratedBytesSent())/(1<<20))
	fmt.Fprintf(stdout, "peak RSS: %.0f MiB before the sync, %.0f MiB after (process, fake server included)\n",
		float64(rssBefore)/(1<<20), float64(peakRSS())/(1<<20))
	fmt.Fprintf(stdout, "Go heap: %.0f MiB allocated during the run, %.0f MiB obtained from the OS\n",
		float64(ms.TotalAlloc)/(1<<20), float64(ms.HeapSys)/(1<<20))
	if res.Stored != 1 {
		return fmt.Errorf("stored %d messages, want 1", res.Stored)
	}
	return nil
}
