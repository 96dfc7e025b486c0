package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/ai/offline"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/replies/classify"
	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/store"
)

func init() { benches["sync"] = benchSync }

// benchSync is `leadbitz-bench sync`: it launches a campaign to --messages
// leads from a sandbox mailbox (step 1 recorded as sent), gives the mailbox
// as many earlier conversations with other people, fills the mailbox
// with as many inbound messages — 70 % replies of several kinds, 10 % hard
// bounces (RFC 3464 reports of our Message-ID), 5 % soft bounces, 10 %
// out-of-office notices with a return date, 5 % mail that matches nothing —
// and times one inbox sync over all of them: fetch, parse, classify,
// categorise, thread, store and act (stop, suppress, pause), page by page
// with the cursor committed with each page.
//
//	leadbitz-bench sync --messages 10000 --db postgres://…
func benchSync(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench sync", flag.ContinueOnError)
	n := fs.Int("messages", 10_000, "inbound messages to sync")
	dbURL := dbFlag(fs)
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the sync to this file")
	analyze := fs.Bool("analyze", true, "refresh planner statistics after seeding, as a grown database has them")
	routes := fs.Bool("routes", false, "give the campaign a reply route every human reply enters (internal/routing)")
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
	p := account.Principal{User: user, WorkspaceID: ws.ID, Role: store.RoleOwner}
	setupStart := time.Now()
	mailboxID, raws, err := seedSyncBench(ctx, st, p, *n, *routes)
	if err != nil {
		return err
	}
	if *analyze {
		if err := st.RefreshReplyStats(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "seeded %d leads, %d sent and %d inbound messages on %s in %s\n", *n, *n, len(raws),
		st.Dialect(), time.Since(setupStart).Round(time.Millisecond))

	// The CPU part alone, for comparison: parse and classify every message.
	cpuStart := time.Now()
	for _, raw := range raws {
		if _, err := classify.ClassifyRaw(raw); err != nil {
			return err
		}
	}
	cpu := time.Since(cpuStart)

	svc, err := replies.New(replies.Config{Store: st, Env: env.New(nil, nil), Fallback: offline.Classify, MaxPages: 1 << 20, Providers: map[string]provider.Opener{
		store.ProviderSandbox: sandbox.Opener(st)}})
	if err != nil {
		return err
	}
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
	cpu0 := processCPU()
	start := time.Now()
	res, err := svc.Sync(ctx, mailboxID)
	elapsed := time.Since(start)
	syncCPU := processCPU() - cpu0
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "parse + classify alone: %s (%.0f msgs/s)\n", cpu.Round(time.Millisecond), float64(len(raws))/cpu.Seconds())
	fmt.Fprintf(stdout, "sync: %d fetched (incl. %d own sent copies), %d stored, %d pages in %s: %.0f msgs/s\n",
		res.Fetched, res.Fetched-len(raws), res.Stored, res.Pages, elapsed.Round(time.Millisecond),
		float64(res.Stored)/elapsed.Seconds())
	fmt.Fprintf(stdout, "sync used %s of CPU in this process (reading on %d cores, overlapped with the database work)\n",
		syncCPU.Round(time.Millisecond), runtime.GOMAXPROCS(0))
	if res.Stored != len(raws) {
		return fmt.Errorf("stored %d of %d messages", res.Stored, len(raws))
	}
	return nil
}

// seedSyncBench creates the mailbox, leads, a launched campaign with step 1
// recorded as sent to each lead, and the inbound messages in the mailbox.
func seedSyncBench(ctx context.Context, st *store.Store, p account.Principal, n int, routes bool) (string, [][]byte, error) {
	mailbox := store.Mailbox{Provider: store.ProviderSandbox, Email: "sam@sender.test", DisplayName: "Sam", DailyCap: 1000,
		RampStartedAt: time.Now()}
	leads := make([]store.Lead, n)
	for i := range leads {
		leads[i] = store.Lead{ID: store.NewID(), Email: fmt.Sprintf("lead%d@company%d.test", i, i), FirstName: "Lead",
			Company: fmt.Sprintf("Company %d", i)}
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		if err := q.CreateMailbox(ctx, &mailbox); err != nil {
			return err
		}
		if err := q.CreateSandboxMailbox(ctx, mailbox.ID); err != nil {
			return err
		}
		_, err := q.InsertLeads(ctx, leads)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	camps := campaign.New(st, env.New(nil, nil))
	c, err := camps.Create(ctx, p, campaign.Input{Name: ptrTo("Bench"), Timezone: ptrTo("UTC"),
		MailboxIDs: &[]string{mailbox.ID}}, account.Meta{})
	if err != nil {
		return "", nil, err
	}
	seq := campaign.SequenceInput{Steps: []campaign.StepInput{{Subject: "Quick question", Body: "Hello"},
		{DelayDays: 3, Body: "Bumping this"}}}
	if routes {
		seq.Routes = []campaign.RouteInput{{Name: "Every reply", When: routing.When{Categories: []string{"interested",
			"meeting_request", "not_interested", "wrong_person", "other"}}, Steps: []routing.Step{{DelayDays: 1, Body: "Thanks!"}}}}
	}
	if _, err := camps.PutSequence(ctx, p, c.ID, seq, account.Meta{}); err != nil {
		return "", nil, err
	}
	ids := make([]string, n)
	for i, l := range leads {
		ids[i] = l.ID
	}
	if _, err := camps.AddLeads(ctx, p, c.ID, ids, account.Meta{}); err != nil {
		return "", nil, err
	}
	if _, err := camps.Launch(ctx, p, c.ID, account.Meta{}); err != nil {
		return "", nil, err
	}

	now := time.Now().UTC()
	if err := seedConversationHistory(ctx, st, p.WorkspaceID, mailbox.ID, n, now); err != nil {
		return "", nil, err
	}
	back := now.AddDate(0, 0, 12).Format("2 January 2006")
	raws := make([][]byte, 0, n)
	err = st.InTx(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		for i, l := range leads {
			cl, err := q.CampaignLeadOf(ctx, c.ID, l.ID)
			if err != nil {
				return err
			}
			ours := mailmsg.NewMessageID("sender.test")
			sent := store.Message{MailboxID: mailbox.ID, CampaignLeadID: cl.ID, Direction: store.DirectionOutbound,
				MessageID: ours, From: mailbox.Email, To: l.Email, Subject: "Quick question", Text: "Hello", OccurredAt: now}
			if _, err := q.InsertMessage(ctx, &sent); err != nil {
				return err
			}
			raw := benchInbound(i, l.Email, ours, back, now)
			raws = append(raws, raw)
			if err := q.AppendSandboxMessage(ctx, &store.SandboxMessage{MailboxID: mailbox.ID, Folder: store.SandboxMailbox,
				MessageID: fmt.Sprintf("<in%d@bench.test>", i), ThreadID: "t" + cl.ID, Raw: raw}); err != nil {
				return err
			}
		}
		return nil
	})
	return mailbox.ID, raws, err
}

// seedConversationHistory gives the mailbox n earlier conversations (mail
// from people who are not leads, in threads of their own), as a mailbox that
// has been in use has: the planner statistics taken after seeding then
// describe a table with rows spread over many threads, not an empty one
// (statistics that say "empty" plan the sync's lookups of conversations by
// thread as scans of the whole mailbox, and the foreign-key checks of new
// messages as sequential scans, for as long as the plans are cached).
func seedConversationHistory(ctx context.Context, st *store.Store, ws, mailboxID string, n int, now time.Time) error {
	return st.InTx(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(ws)
		for i := range n {
			c := store.Conversation{MailboxID: mailboxID, ThreadID: fmt.Sprintf("earlier-%d", i),
				Subject: "Earlier question", LastMessageAt: now.Add(-time.Duration(i+1) * time.Hour)}
			if err := q.CreateConversation(ctx, &c); err != nil {
				return err
			}
		}
		return nil
	})
}

var benchReplies = []string{
	"Sounds interesting, can you send more details?",
	"Not interested, thanks.",
	"Happy to chat - how about Tuesday at 10am?",
	"I'm not the right person, please talk to our CTO.",
	"Maybe next quarter, we just signed with someone else.",
	"What does it cost?",
	"Thanks, I will forward this to my team.",
}

// benchInbound is message i of the mix, answering our message ours.
func benchInbound(i int, lead, ours, back string, now time.Time) []byte {
	date := now.Format(time.RFC1123Z)
	id := fmt.Sprintf("<in%d@bench.test>", i)
	var s string
	switch k := i % 20; {
	case k < 14:
		s = fmt.Sprintf("From: %s\r\nTo: sam@sender.test\r\nSubject: Re: Quick question\r\nDate: %s\r\nMessage-ID: %s\r\n"+
			"In-Reply-To: %s\r\nReferences: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\n"+
			"On Mon, Sam <sam@sender.test> wrote:\r\n> Hello\r\n", lead, date, id, ours, ours, benchReplies[i%len(benchReplies)])
	case k < 17:
		status, code, text := "5.1.1", "550", "User unknown"
		if k == 16 {
			status, code, text = "4.2.2", "452", "Mailbox full"
		}
		s = fmt.Sprintf("From: MAILER-DAEMON@mx.sender.test (Mail Delivery System)\r\nTo: sam@sender.test\r\n"+
			"Subject: Undelivered Mail Returned to Sender\r\nDate: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n"+
			"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\n"+
			"Content-Type: text/plain\r\n\r\n<%s>: %s %s %s\r\n\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"+
			"Reporting-MTA: dns; mx.sender.test\r\n\r\nFinal-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: %s\r\n"+
			"Diagnostic-Code: smtp; %s %s %s\r\n\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: %s\r\n"+
			"To: %s\r\nSubject: Quick question\r\n\r\n--B--\r\n",
			date, id, lead, code, status, text, lead, status, code, status, text, ours, lead)
	case k < 19:
		s = fmt.Sprintf("From: %s\r\nTo: sam@sender.test\r\nSubject: Automatic reply: Quick question\r\nDate: %s\r\n"+
			"Message-ID: %s\r\nIn-Reply-To: %s\r\nAuto-Submitted: auto-replied\r\nContent-Type: text/plain\r\n\r\n"+
			"Thank you for your email. I am out of the office until %s with limited access to email.\r\n",
			lead, date, id, ours, back)
	default:
		s = fmt.Sprintf("From: someone%d@elsewhere.test\r\nTo: sam@sender.test\r\nSubject: Partnership\r\nDate: %s\r\n"+
			"Message-ID: %s\r\nContent-Type: text/plain\r\n\r\nHello, would you like to partner with us?\r\n", i, date, id)
	}
	return []byte(s)
}

func ptrTo[T any](v T) *T { return &v }

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
