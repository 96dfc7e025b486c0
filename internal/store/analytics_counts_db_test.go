package store_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

// TestAnalyticsCountersEqualRecount runs a scripted mix of what the engine
// writes (sends in two steps and two variants, replies, conversations and
// their recategorisation, bounces, unsubscribes, a complaint, a reply later
// turned unsubscribe, a send after a reply, a change of the positive
// categories), some in transactions, then checks that the counters the
// writers kept equal a recount from the rows: the workspace's rebuild after
// every step, and migration 0022's backfill at the end.
func TestAnalyticsCountersEqualRecount(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sc := workspace(t, st)
	var mailboxes []string
	for _, email := range []string{"a@send.example", "b@send.example"} {
		m := store.Mailbox{Provider: "sandbox", Email: email}
		if err := sc.CreateMailbox(ctx, &m); err != nil {
			t.Fatal(err)
		}
		mailboxes = append(mailboxes, m.ID)
	}
	c := store.Campaign{Name: "c", Timezone: "Asia/Kathmandu", SendDays: []int{1}, SendStartMinute: 540, SendEndMinute: 1020}
	if err := sc.CreateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	const n = 12
	var cls []store.CampaignLead
	for i := range n {
		l := store.Lead{Email: "lead" + string(rune('a'+i)) + "@example.com"}
		if err := sc.CreateLead(ctx, &l); err != nil {
			t.Fatal(err)
		}
		cl := store.CampaignLead{CampaignID: c.ID, LeadID: l.ID}
		if _, err := sc.AddCampaignLead(ctx, &cl); err != nil {
			t.Fatal(err)
		}
		if err := sc.SetCampaignLeadMailbox(ctx, cl.ID, mailboxes[i%2]); err != nil {
			t.Fatal(err)
		}
		cls = append(cls, cl)
	}
	base := time.Date(2026, 3, 2, 23, 50, 0, 0, time.UTC)
	// check compares the counters the writers kept with the workspace's
	// rebuild from the rows, after every step of the script (the rebuild
	// leaves them right, so each step is checked on its own).
	check := func(after string) {
		t.Helper()
		kept, err := sc.AnalyticsCounters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.InWorkspace(sc.WorkspaceID()).RebuildAnalytics(ctx) }); err != nil {
			t.Fatal(err)
		}
		got, err := sc.AnalyticsCounters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, kept) {
			t.Errorf("after %s the counters differ from a recount:\nkept:\n%s\nrecount:\n%s", after,
				strings.Join(kept, "\n"), strings.Join(got, "\n"))
		}
	}
	send := func(step int, at time.Time, idx ...int) {
		t.Helper()
		var jobs []store.SendJob
		var recs []store.SentRecord
		for _, i := range idx {
			j := store.SendJob{ID: store.NewID(), CampaignID: c.ID, CampaignLeadID: cls[i].ID, LeadID: cls[i].LeadID,
				MailboxID: mailboxes[i%2], Step: step, Variant: []string{"A", "B"}[i%2], Status: store.JobSending, DueAt: at}
			jobs = append(jobs, j)
			recs = append(recs, store.SentRecord{JobID: j.ID, WorkspaceID: sc.WorkspaceID(), CampaignLeadID: cls[i].ID,
				MailboxID: mailboxes[i%2], Step: step, MessageID: "<" + j.ID + "@x>", References: []string{"<" + j.ID + "@x>"},
				SentAt: at})
		}
		if _, err := sc.InsertSendJobs(ctx, jobs); err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.RecordSent(ctx, recs, at)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		check("sends of step " + strconv.Itoa(step))
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	send(1, base, all...)                         // step 1, across a UTC midnight from the next sends
	send(2, base.Add(3*24*time.Hour), 0, 1, 2, 3) // step 2 for four of them
	stop := func(status, reason string, at time.Time, replied map[string]time.Time, idx ...int) {
		t.Helper()
		var ids []string
		for _, i := range idx {
			ids = append(ids, cls[i].ID)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			_, _, err := tx.InWorkspace(sc.WorkspaceID()).StopCampaignLeads(ctx, ids, replied, status, reason, at)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		check("a stop as " + status)
	}
	day := func(d int) time.Time { return base.Add(time.Duration(d) * 24 * time.Hour) }
	// Replies: lead 0 after step 2 (stops), lead 4 after step 1 (a campaign
	// that goes on: replied_at only), lead 5 replied and stopped.
	stop(store.CampaignLeadReplied, "replied", day(4), map[string]time.Time{cls[0].ID: day(4)}, 0)
	if err := sc.MarkCampaignLeadsReplied(ctx, map[string]time.Time{cls[4].ID: day(1)}); err != nil {
		t.Fatal(err)
	}
	check("MarkCampaignLeadsReplied")
	if err := sc.MarkCampaignLeadReplied(ctx, cls[5].ID, day(2)); err != nil {
		t.Fatal(err)
	}
	check("MarkCampaignLeadReplied")
	stop(store.CampaignLeadReplied, "replied", day(2), nil, 5)
	// Conversations: 0 interested, 4 interested then recategorised, 5 other
	// then a reply classified as a meeting request.
	convs := []*store.Conversation{
		{MailboxID: mailboxes[0], CampaignID: c.ID, CampaignLeadID: cls[0].ID, LeadID: cls[0].LeadID, Category: "interested", CategorySource: "rules", LastMessageAt: day(4)},
		{MailboxID: mailboxes[0], CampaignID: c.ID, CampaignLeadID: cls[4].ID, LeadID: cls[4].LeadID, Category: "interested", CategorySource: "rules", LastMessageAt: day(1)},
	}
	if err := sc.InsertConversations(ctx, convs); err != nil {
		t.Fatal(err)
	}
	check("InsertConversations")
	other := store.Conversation{MailboxID: mailboxes[1], CampaignID: c.ID, CampaignLeadID: cls[5].ID, LeadID: cls[5].LeadID,
		Category: "other", CategorySource: "rules", LastMessageAt: day(2)}
	if err := sc.CreateConversation(ctx, &other); err != nil {
		t.Fatal(err)
	}
	check("CreateConversation")
	if _, err := sc.SetConversationCategory(ctx, convs[1].ID, "not_interested", store.CategoryManual); err != nil {
		t.Fatal(err)
	}
	check("SetConversationCategory")
	if err := sc.AddToConversation(ctx, other.ID, store.Activity{Inbound: true, At: day(3), Category: "meeting_request", CategorySource: "rules"}); err != nil {
		t.Fatal(err)
	}
	check("AddToConversation")
	// The lead that replied in a campaign that goes on gets step 2, then
	// unsubscribes; others bounce, unsubscribe, complain.
	send(2, day(3), 4)
	stop(store.CampaignLeadUnsubscribed, "asked to be removed", day(5), nil, 4)
	stop(store.CampaignLeadBounced, "hard bounce", day(3).Add(time.Hour), nil, 1, 6)
	stop(store.CampaignLeadUnsubscribed, "one-click", day(1), nil, 7)
	stop(store.CampaignLeadSuppressed, store.ComplaintReason, day(2), nil, 8)
	stop(store.CampaignLeadSuppressed, "the address is on the suppression list", day(2), nil, 9)
	// Lead 5's reply is later found to be an unsubscribe (the latest stop wins).
	stop(store.CampaignLeadUnsubscribed, "asked to be removed in a reply", day(6), nil, 5)

	kept, err := sc.AnalyticsCounters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tallies, err := sc.VariantTallies(ctx, store.AnalyticsFilter{CampaignID: c.ID, From: day(-10), To: day(10)})
	if err != nil {
		t.Fatal(err)
	}
	var total store.VariantTally
	for _, v := range tallies {
		total.Sent += v.Sent
		total.Replied += v.Replied
		total.Positive += v.Positive
		total.Bounced += v.Bounced
		total.Unsubscribed += v.Unsubscribed
		total.Complained += v.Complained
	}
	// Replied 0, 4, 5; positive 0 (interested) and 5 (meeting request), not 4
	// (recategorised); bounced 1, 6; unsubscribed 4, 5, 7; complained 8.
	want := store.VariantTally{Sent: 17, Replied: 3, Positive: 2, Bounced: 2, Unsubscribed: 3, Complained: 1}
	if total != want {
		t.Errorf("totals %+v, want %+v", total, want)
	}

	recount := func(what string, rebuild func() error) {
		t.Helper()
		if err := rebuild(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		got, err := sc.AnalyticsCounters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, kept) {
			t.Errorf("%s differs from the counters the writers kept:\nkept:\n%s\nrecount:\n%s", what,
				strings.Join(kept, "\n"), strings.Join(got, "\n"))
		}
	}
	recount("the migration's backfill", func() error {
		if err := st.ClearAnalytics(ctx); err != nil {
			return err
		}
		return st.ExecMigrationFile(ctx, "0022_analytics_counts."+st.Dialect().String()+".sql")
	})

	// Counting "not_interested" as positive moves lead 4's reply in.
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		return tx.InWorkspace(sc.WorkspaceID()).SetPositiveCategories(ctx, []string{"interested", "meeting_request", "not_interested"})
	}); err != nil {
		t.Fatal(err)
	}
	tallies, err = sc.VariantTallies(ctx, store.AnalyticsFilter{CampaignID: c.ID, From: day(-10), To: day(10)})
	if err != nil {
		t.Fatal(err)
	}
	positive := 0
	for _, v := range tallies {
		positive += v.Positive
	}
	if positive != 3 {
		t.Errorf("positive after the setting change: %d, want 3", positive)
	}
}
