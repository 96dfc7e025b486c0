package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/connect"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/realmail"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/smtpimapfake"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/secrets"
	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() { benches["smtp-send"] = benchSMTPSend }

// listmonkMsgsPerSec is what listmonk, a Go mailer built for bulk, sends to
// a local SMTP sink on this kind of machine (the reference figure).
const listmonkMsgsPerSec = 6000

// benchSMTPSend is `leadbitz-bench smtp-send`: `inboxes` SMTP mailboxes,
// each with its own campaign of `leads` leads and every step 1 due, caps,
// ramp and gaps lifted, sent by the real engine tick through the SMTP
// provider (one connection per mailbox, kept by the connect registry) to a
// local SMTP sink that requires STARTTLS and AUTH and discards what it
// accepts. Every message is rendered, built, submitted and recorded with
// its next step. Timed from the first tick to the last recorded send.
//
//	leadbitz-bench smtp-send --db postgres://…/empty_db
func benchSMTPSend(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench smtp-send", flag.ContinueOnError)
	dbURL := dbFlag(fs)
	mailboxes := fs.Int("inboxes", 100, "SMTP mailboxes (one campaign each)")
	leads := fs.Int("leads", 1000, "leads per mailbox")
	workers := fs.Int("workers", 32, "engine send workers")
	batch := fs.Int("batch", 500, "engine claim batch size")
	parallel := fs.Int("parallel", 0, "batches one tick works at once (0: the engine's default, 1 on SQLite, 2 on Postgres)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the sending to this file")
	sentCopy := fs.Bool("copy", false, "append a copy of every message to each mailbox's Sent folder over IMAP")
	realIMAP := fs.Bool("real-imap", false, "use a real Dovecot (internal/provider/smtpimap/realmail; needs root, postfix and dovecot) as the IMAP side")
	imapLatency := fs.Duration("imap-latency", 0, "delay every answer of the IMAP server by this much, as a server across a network would (e.g. 20ms)")
	imapDir := fs.String("imap-dir", "", "with --real-imap, where Dovecot keeps its mail (default the temporary directory; /dev/shm takes this machine's disk out of the measurement, as when the IMAP server is another machine)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, cleanup, err := benchStore(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	user, ws, err := benchWorkspace(ctx, st)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	t0 := time.Now()
	if err := st.SeedSendBench(ctx, store.SendBench{WorkspaceID: ws.ID, Campaigns: *mailboxes, Mailboxes: *mailboxes,
		LeadsPerCampaign: *leads, Now: now}); err != nil {
		return err
	}
	ids, err := st.LiftBenchMailboxLimits(ctx, store.ProviderSMTP)
	if err != nil {
		return err
	}

	tl, err := smtpimapfake.NewTLS()
	if err != nil {
		return err
	}
	sink, err := smtpimapfake.StartSMTP(smtpimapfake.SMTPOptions{Username: "bench", Password: "bench-password",
		TLS: tl.Server, Discard: true})
	if err != nil {
		return err
	}
	defer sink.Close()
	imap, err := smtpimapfake.StartIMAP(smtpimapfake.IMAPOptions{Username: "bench", Password: "bench-password", TLS: tl.Server})
	if err != nil {
		return err
	}
	defer imap.Close()
	var real *realmail.Server
	if *realIMAP {
		users := map[string]string{}
		for i := range *mailboxes {
			users[fmt.Sprintf("box%d@bench.test", i)] = "bench-password"
		}
		if real, err = realmail.Start(ctx, realmail.Options{Domain: "bench.test", Users: users, TLS: tl, Dir: *imapDir}); err != nil {
			return fmt.Errorf("start postfix and dovecot: %w", err)
		}
		defer real.Stop()
	}
	imapHost, imapPort := imap.Host, imap.Port
	if real != nil {
		imapHost, imapPort = real.Host, real.IMAPPort
	}
	if *imapLatency > 0 {
		proxy, err := startLatencyProxy(hostPort(imapHost, imapPort), *imapLatency)
		if err != nil {
			return err
		}
		defer proxy.Close()
		imapPort = proxy.Port()
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	keys, err := secrets.NewKeyRing(key)
	if err != nil {
		return err
	}
	// The fake servers listen on loopback; the benchmark connects every
	// mailbox at once, beyond the per-workspace limit of connection checks.
	reg, err := connect.New(connect.Config{Store: st, Env: env.New(nil, nil), Keys: keys, TLSConfig: tl.Client(), Guard: netguard.AllowLoopback(),
		ConnectLimit: ratelimit.Limit{Count: len(ids) + 1, Per: time.Minute}})
	if err != nil {
		return err
	}
	defer reg.Close()
	// The API's own connect path: each bench mailbox is "reconnected" with
	// the sink's settings after both logins are checked.
	p := account.Principal{User: user, WorkspaceID: ws.ID, Role: store.RoleOwner}
	for i := range ids {
		server := connect.ServerInput{Host: sink.Host, Port: sink.Port, Username: "bench", Password: "bench-password",
			Security: "starttls"}
		imapServer := connect.ServerInput{Host: imapHost, Port: imapPort, Username: "bench", Password: "bench-password",
			Security: "starttls"}
		addr := fmt.Sprintf("box%d@bench.test", i)
		if real != nil {
			imapServer.Username = addr
		}
		if _, err := reg.ConnectSMTP(ctx, p, connect.SMTPInput{Email: addr,
			SMTP: server, IMAP: imapServer, SkipSentCopy: !*sentCopy}, account.Meta{}); err != nil {
			return fmt.Errorf("connect bench mailbox %d: %w", i, err)
		}
	}
	total := *mailboxes * *leads
	due, err := st.MakeBenchJobsDue(ctx, total, time.Now().UTC().Add(-time.Minute))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: seeded %d mailboxes × %d leads (%d due step-1 jobs) and connected them in %s\n",
		st.Dialect(), *mailboxes, *leads, due, time.Since(t0).Round(time.Millisecond))

	engine, err := sending.New(sending.Config{Store: st, Env: env.New(nil, nil), Unsubscribe: sending.NewUnsubscribe(key, "https://bench.example"),
		Metrics: sending.NewMetrics(prometheus.NewRegistry()), Providers: reg.Openers(), Workers: *workers,
		BatchSize: *batch, MaxPerTick: total, Parallel: *parallel})
	if err != nil {
		return err
	}
	connsBefore := sink.Connections()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	sent, ticks := 0, 0
	for sent < due {
		res, err := engine.Tick(ctx)
		if err != nil {
			return err
		}
		ticks++
		if res.Sent == 0 {
			return fmt.Errorf("tick %d sent nothing with %d of %d sent (%+v)", ticks, sent, due, res)
		}
		sent += res.Sent
	}
	took := time.Since(start)
	rate := float64(sent) / took.Seconds()
	side := "no copy to Sent"
	if *sentCopy {
		side = "copy to Sent on the fake IMAP server"
		if real != nil {
			side = "copy to Sent on a real Dovecot"
			if *imapDir != "" {
				side += " keeping its mail in " + *imapDir
			}
		}
		if *imapLatency > 0 {
			side += fmt.Sprintf(" answering %s late", *imapLatency)
		}
	}
	fmt.Fprintf(stdout, "sent %d messages in %s over %d ticks: %.0f msgs/s end to end, %s (%d workers, batch %d, parallel %d, GOMAXPROCS %d)\n",
		sent, took.Round(time.Millisecond), ticks, rate, side, *workers, *batch, *parallel, runtime.GOMAXPROCS(0))
	fmt.Fprintf(stdout, "the sink accepted %d; SMTP connections opened for them: %d (%d mailboxes)\n",
		sink.Count(), sink.Connections()-connsBefore, *mailboxes)
	fmt.Fprintf(stdout, "ratio to listmonk's ~%d msgs/s to such a sink: %.2f\n", listmonkMsgsPerSec, rate/listmonkMsgsPerSec)
	if sink.Count() != sent {
		return fmt.Errorf("the sink accepted %d messages, the engine recorded %d", sink.Count(), sent)
	}
	if *sentCopy && real != nil {
		// Every recorded send has its copy: the engine records a batch
		// after its mailboxes flushed their copies.
		copies := 0
		for i := range *mailboxes {
			msgs, err := real.Messages(ctx, fmt.Sprintf("box%d@bench.test", i), "Sent")
			if err != nil {
				return fmt.Errorf("read Sent of box%d: %w", i, err)
			}
			copies += len(msgs)
		}
		fmt.Fprintf(stdout, "copies in the mailboxes' Sent folders: %d\n", copies)
		if copies != sent {
			return fmt.Errorf("the Sent folders hold %d copies of %d sent messages", copies, sent)
		}
	}
	return nil
}
