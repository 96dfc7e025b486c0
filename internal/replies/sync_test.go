package replies_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/store"
)

func TestReplyStopsTheSequence(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	bob := h.lead("bob@acme.test", "Bob")
	c := h.launch(ann, bob)
	first := h.sentTo("ann@acme.test")

	h.deliver(replyMsg("Ann <ann@acme.test>", first.MessageID, "Re: Quick question", "Sounds interesting, tell me more."))
	res := h.sync()
	// The mailbox also returns the two messages it sent: our own copies.
	if res.Stored != 1 || res.Fetched != 3 || !res.Complete {
		t.Fatalf("sync: %+v", res)
	}
	cl := h.campaignLead(c, ann)
	if cl.Status != store.CampaignLeadReplied || cl.RepliedAt == nil {
		t.Fatalf("ann after replying: %s %v", cl.Status, cl.RepliedAt)
	}
	// A person's reply proves the address receives mail.
	if l, err := h.scope().Lead(h.ctx, ann); err != nil || l.Verification == nil ||
		l.Verification.Status != store.VerifyDeliverable || l.Verification.Source != store.VerifySourceReply {
		t.Fatalf("verification after a reply: %+v (%v)", l.Verification, err)
	}
	list := h.list(replies.Query{})
	if len(list) != 1 {
		t.Fatalf("conversations: %d", len(list))
	}
	conv := list[0]
	if conv.Lead == nil || conv.Lead.ID != ann || conv.Campaign == nil || conv.Campaign.ID != c || !conv.Unread ||
		conv.LatestMessage == nil || conv.LatestMessage.Preview != "Sounds interesting, tell me more." ||
		conv.Category != ai.CategoryInterested {
		t.Fatalf("conversation: %+v latest %+v", conv, conv.LatestMessage)
	}
	th, err := h.svc.Thread(h.ctx, h.p.WorkspaceID, conv.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Messages) != 2 || th.Messages[0].Direction != "outbound" || th.Messages[0].MessageID != first.MessageID ||
		th.Messages[1].Direction != "inbound" || th.Messages[1].Kind != "reply" || th.Sequence == nil ||
		th.Sequence.Status != store.CampaignLeadReplied {
		t.Fatalf("thread: %+v", th)
	}
	// Reading changes nothing; MarkRead (a POST) clears unread.
	if l := h.list(replies.Query{Unread: ptr(true)}); len(l) != 1 || !th.Unread {
		t.Fatalf("reading the thread changed its unread mark")
	}
	if v, err := h.svc.MarkRead(h.ctx, h.p.WorkspaceID, conv.ID); err != nil || v.Unread {
		t.Fatalf("mark read: %+v %v", v, err)
	}
	if l := h.list(replies.Query{Unread: ptr(true)}); len(l) != 0 {
		t.Fatalf("marked read, still unread")
	}
	if err := h.svc.MarkUnread(h.ctx, h.p.WorkspaceID, conv.ID); err != nil {
		t.Fatal(err)
	}
	if l := h.list(replies.Query{Unread: ptr(true)}); len(l) != 1 {
		t.Fatalf("marked unread, not unread")
	}
	if _, err := h.svc.MarkRead(h.ctx, h.p.WorkspaceID, conv.ID); err != nil {
		t.Fatal(err)
	}

	// Two days later Bob gets his follow-up; Ann gets nothing more.
	h.clock.Add(49 * time.Hour)
	if r := h.tick(); r.Sent != 1 {
		t.Fatalf("follow-up tick sent %d, want 1 (bob only)", r.Sent)
	}
	if n := h.countSent("ann@acme.test"); n != 1 {
		t.Fatalf("ann got %d messages after replying, want 1", n)
	}
	// Syncing again stores nothing new: the follow-up is our own copy.
	if res := h.sync(); res.Stored != 0 {
		t.Fatalf("second sync stored %d", res.Stored)
	}
}

func TestCompanyReplyStopsColleagues(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	bob := h.lead("bob@acme.test", "Bob")
	eve := h.lead("eve@other.test", "Eve")
	g1 := h.lead("g1@gmail.com", "G")
	g2 := h.lead("g2@gmail.com", "H")
	c := h.launch(ann, bob, eve, g1, g2)
	setCampaign(t, h, c, "stop_on_company_reply")

	h.deliver(replyMsg("ann@acme.test", h.sentTo("ann@acme.test").MessageID, "Re: Quick question", "Not now, thanks."))
	h.deliver(replyMsg("g1@gmail.com", h.sentTo("g1@gmail.com").MessageID, "Re: Quick question", "Who are you?"))
	h.sync()
	want := map[string]string{ann: store.CampaignLeadReplied, bob: store.CampaignLeadStopped, eve: store.CampaignLeadActive,
		g1: store.CampaignLeadReplied, g2: store.CampaignLeadActive}
	for id, status := range want {
		if got := h.campaignLead(c, id).Status; got != status {
			t.Errorf("lead %s: %s, want %s", id, got, status)
		}
	}
	if r := h.campaignLead(c, bob).StatusReason; !strings.Contains(r, "acme.test") {
		t.Errorf("bob's reason: %q", r)
	}
}

func TestBouncesAndUnsubscribes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	bob := h.lead("bob@acme.test", "Bob")
	cid := h.lead("cid@acme.test", "Cid")
	c := h.launch(ann, bob, cid)
	h.deliver(hardBounce("ann@acme.test", h.sentTo("ann@acme.test").MessageID))
	h.deliver(softBounce("bob@acme.test", h.sentTo("bob@acme.test").MessageID))
	h.deliver(replyMsg("cid@acme.test", h.sentTo("cid@acme.test").MessageID, "Re: Quick question",
		"Please remove me from your mailing list."))
	if res := h.sync(); res.Stored != 3 {
		t.Fatalf("stored %d", res.Stored)
	}

	// Hard bounce: suppressed, lead bounced, sequence stopped.
	if cl := h.campaignLead(c, ann); cl.Status != store.CampaignLeadBounced {
		t.Fatalf("campaign lead after a hard bounce: %s", cl.Status)
	}
	if s := h.leadStatus(ann); s != store.LeadBounced {
		t.Fatalf("lead status: %s", s)
	}
	// The hard bounce marks the address undeliverable; the soft one does not.
	if l, err := h.scope().Lead(h.ctx, ann); err != nil || l.Verification == nil ||
		l.Verification.Status != store.VerifyUndeliverable || l.Verification.Source != store.VerifySourceBounce ||
		!slices.Equal(l.Verification.Reasons, []string{"hard_bounce"}) {
		t.Fatalf("verification after a hard bounce: %+v (%v)", l.Verification, err)
	}
	if l, err := h.scope().Lead(h.ctx, bob); err != nil || l.Verification != nil {
		t.Fatalf("verification after a soft bounce: %+v (%v)", l.Verification, err)
	}
	if sup, ok := h.suppressed("ann@acme.test"); !ok || sup.Reason != store.ReasonBounce {
		t.Fatalf("suppression: %v %+v", ok, sup)
	}
	// Soft bounce: recorded, nothing else.
	if cl := h.campaignLead(c, bob); cl.Status != store.CampaignLeadActive {
		t.Fatalf("soft bounce changed the lead: %s", cl.Status)
	}
	if _, ok := h.suppressed("bob@acme.test"); ok {
		t.Fatal("soft bounce suppressed the address")
	}
	bounces := h.list(replies.Query{Category: ai.CategoryBounce})
	if len(bounces) != 2 {
		t.Fatalf("bounce conversations: %+v", bounces)
	}
	for _, b := range bounces {
		if b.Lead == nil || b.Lead.ID != ann && b.Lead.ID != bob {
			t.Fatalf("bounce not matched to its lead: %+v", b)
		}
	}
	// Unsubscribe request: suppressed, lead unsubscribed.
	if cl := h.campaignLead(c, cid); cl.Status != store.CampaignLeadUnsubscribed {
		t.Fatalf("campaign lead: %s", cl.Status)
	}
	if s := h.leadStatus(cid); s != store.LeadUnsubscribed {
		t.Fatalf("lead: %s", s)
	}
	if sup, ok := h.suppressed("cid@acme.test"); !ok || sup.Reason != store.ReasonUnsubscribe {
		t.Fatalf("suppression: %+v %v", sup, ok)
	}
	// Only Bob gets the follow-up.
	h.clock.Add(72 * time.Hour)
	if r := h.tick(); r.Sent != 1 || h.countSent("bob@acme.test") != 2 {
		t.Fatalf("follow-ups: %+v", r)
	}
}

func TestOutOfOfficePausesUntilTheReturnDate(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	bob := h.lead("bob@acme.test", "Bob")
	cid := h.lead("cid@acme.test", "Cid")
	c := h.launch(ann, bob)
	c3 := h.launch(cid)
	setCampaign(t, h, c3, "stop_on_auto_reply")
	back := h.clock.Now().AddDate(0, 0, 10).Truncate(24 * time.Hour)
	noDate := func(to string) string {
		return strings.Replace(outOfOffice(to, h.sentTo(to).MessageID, time.Time{}), "until Monday, 1 January 0001 ", "", 1)
	}
	h.deliver(outOfOffice("ann@acme.test", h.sentTo("ann@acme.test").MessageID, back))
	h.deliver(noDate("bob@acme.test"))
	h.deliver(noDate("cid@acme.test"))
	h.sync()

	cl := h.campaignLead(c, ann)
	if cl.Status != store.CampaignLeadActive {
		t.Fatalf("out-of-office stopped the lead: %s", cl.Status)
	}
	until, err := h.scope().CampaignLeadPausedUntil(h.ctx, cl.ID)
	if err != nil || until == nil || !until.Equal(back) {
		t.Fatalf("paused until %v (%v), want %v", until, err, back)
	}
	// Without a stated date: a week. With stop_on_auto_reply: stopped.
	until, err = h.scope().CampaignLeadPausedUntil(h.ctx, h.campaignLead(c, bob).ID)
	if err != nil || until == nil || until.Sub(h.clock.Now()) < 6*24*time.Hour || until.Sub(h.clock.Now()) > 8*24*time.Hour {
		t.Fatalf("paused until %v, want about a week from now", until)
	}
	if cl := h.campaignLead(c3, cid); cl.Status != store.CampaignLeadStopped {
		t.Fatalf("stop_on_auto_reply: %s", cl.Status)
	}
	for _, conv := range h.list(replies.Query{}) {
		if conv.Category != ai.CategoryOutOfOffice {
			t.Fatalf("conversation: %+v", conv)
		}
	}
	th, err := h.svc.Thread(h.ctx, h.p.WorkspaceID, h.list(replies.Query{CampaignID: c3})[0].ID, false)
	if err != nil || th.Sequence == nil || th.Sequence.Status != store.CampaignLeadStopped {
		t.Fatalf("thread: %+v %v", th.Sequence, err)
	}
	// The follow-ups were due after two days: they wait for the return dates.
	h.clock.Add(3 * 24 * time.Hour)
	if r := h.tick(); r.Sent != 0 {
		t.Fatalf("follow-up went out during the absence")
	}
	h.clock.Add(back.Sub(h.clock.Now()) + time.Hour)
	if r := h.tick(); r.Sent != 2 || h.countSent("ann@acme.test") != 2 {
		t.Fatalf("follow-ups after the return dates: sent %d", r.Sent)
	}
}

func TestMailMatchingNothingIsAnOther(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	h.launch(ann)
	h.deliver(replyMsg("stranger@else.test", "<unknown@nowhere.test>", "Partnership?", "Hello, want to partner?"))
	// A lead writing fresh (no In-Reply-To) is matched by address.
	h.deliver(strings.Replace(replyMsg("Ann@Acme.test", "", "New topic", "Also, call me."), "In-Reply-To: \nReferences: \n", "", 1))
	h.sync()
	others := h.list(replies.Query{Others: true})
	if len(others) != 1 || others[0].Lead != nil || others[0].Campaign != nil || others[0].Subject != "Partnership?" {
		t.Fatalf("others: %+v", others)
	}
	all := h.list(replies.Query{})
	if len(all) != 2 {
		t.Fatalf("conversations: %d", len(all))
	}
	for _, c := range all {
		if c.ID != others[0].ID && (c.Lead == nil || c.Lead.ID != ann) {
			t.Fatalf("fresh mail from a lead not matched by address: %+v", c)
		}
	}
}

func TestSameMessageTwiceIsStoredOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	h.launch(ann)
	msg := replyMsg("ann@acme.test", h.sentTo("ann@acme.test").MessageID, "Re: Quick question", "Yes please.")
	h.deliver(msg)
	h.deliver(msg) // the provider hands it over twice
	if res := h.sync(); res.Stored != 1 {
		t.Fatalf("stored %d, want 1", res.Stored)
	}
	// A rescan from the start (an expired cursor) stores nothing again.
	resetCursor(t, h)
	if res := h.sync(); res.Stored != 0 || res.Fetched == 0 {
		t.Fatalf("rescan: %+v", res)
	}
	th := h.list(replies.Query{})
	full, err := h.svc.Thread(h.ctx, h.p.WorkspaceID, th[0].ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(th) != 1 || len(full.Messages) != 2 {
		t.Fatalf("conversations %d, messages %d", len(th), len(full.Messages))
	}
}

// failingFetch fails the Fetch calls after the first `ok` ones.
type failingFetch struct {
	provider.Mailbox
	ok    *int
	err   error
	calls *int
}

func (f failingFetch) Fetch(ctx context.Context, cursor string) (provider.Page, error) {
	*f.calls++
	if *f.calls > *f.ok {
		return provider.Page{}, f.err
	}
	return f.Mailbox.Fetch(ctx, cursor)
}

func TestRestartMidSyncResumesWithoutLossOrDuplicates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var ids []string
	for i := range 150 {
		ids = append(ids, h.lead(strings.Repeat("x", i%3+1)+"-"+store.NewID()[24:]+"@acme.test", "L"))
	}
	h.launch(ids...)
	// 150 sent copies + 150 replies: three pages of 100.
	for _, id := range ids {
		l, _ := h.scope().Lead(h.ctx, id)
		h.deliver(replyMsg(l.Email, h.sentTo(l.Email).MessageID, "Re: Quick question", "Tell me more."))
	}
	ok, calls := 2, 0
	h.wrap = func(m provider.Mailbox) provider.Mailbox {
		return failingFetch{Mailbox: m, ok: &ok, calls: &calls, err: &provider.Error{Kind: provider.Transient, Code: "503", Message: "try later"}}
	}
	res, err := h.svc.Sync(h.ctx, h.mailbox.ID)
	if err == nil || res.Pages != 2 {
		t.Fatalf("first sync: %+v %v", res, err)
	}
	target, _ := h.st.MailboxToSync(h.ctx, h.mailbox.ID)
	if target.ConsecutiveFailures != 1 || !strings.Contains(target.LastError, "try later") || target.Cursor != "200" {
		t.Fatalf("mailbox after a failed page: failures %d, error %q, cursor %q", target.ConsecutiveFailures,
			target.LastError, target.Cursor)
	}
	// "Restart": a new service, the provider healthy again.
	h.wrap = nil
	h.svc = h.newService(replies.Config{})
	res = h.sync()
	if res.Stored != 100 || !res.Complete {
		t.Fatalf("resumed sync: %+v (50 of the 150 replies were stored before the failure)", res)
	}
	n := 0
	for _, c := range h.list(replies.Query{Limit: 200}) {
		if c.LatestMessage != nil {
			n++
		}
	}
	if n != 150 {
		t.Fatalf("conversations after resume: %d, want 150", n)
	}
	target, _ = h.st.MailboxToSync(h.ctx, h.mailbox.ID)
	if target.ConsecutiveFailures != 0 || target.LastError != "" || target.LastSyncAt == nil {
		t.Fatalf("health after recovery: %+v", target)
	}
}

func TestAuthFailureDisconnectsTheMailbox(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ok, calls := 0, 0
	h.wrap = func(m provider.Mailbox) provider.Mailbox {
		return failingFetch{Mailbox: m, ok: &ok, calls: &calls, err: &provider.Error{Kind: provider.Auth,
			Code: "invalid_grant", Message: "Token has been expired or revoked."}}
	}
	_, err := h.svc.Sync(h.ctx, h.mailbox.ID)
	if !provider.IsAuth(err) {
		t.Fatalf("sync error: %v", err)
	}
	i, _ := h.scope().Mailbox(h.ctx, h.mailbox.ID)
	if i.Status != store.MailboxDisconnected || !strings.Contains(i.StatusReason, "revoked") {
		t.Fatalf("mailbox: %s %q", i.Status, i.StatusReason)
	}
	events, err := h.scope().AuditEvents(h.ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 || events[0].Action != "inbox.disconnected" || events[0].TargetID != h.mailbox.ID {
		t.Fatalf("audit: %+v", events)
	}
	// A disconnected mailbox is not read again by a pass.
	calls = 0
	if tot, err := h.svc.SyncAll(h.ctx); err != nil || calls != 0 || tot.Mailboxes != 0 {
		t.Fatalf("SyncAll read a disconnected mailbox: %+v calls %d err %v", tot, calls, err)
	}
}

func TestConcurrentSyncsStoreOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var ids []string
	for range 20 {
		ids = append(ids, h.lead("p-"+store.NewID()[24:]+"@acme.test", "P"))
	}
	h.launch(ids...)
	for _, id := range ids {
		l, _ := h.scope().Lead(h.ctx, id)
		h.deliver(replyMsg(l.Email, h.sentTo(l.Email).MessageID, "Re: Quick question", "Interested."))
	}
	// Two processes: each has its own Service.
	a, b := h.newService(replies.Config{}), h.newService(replies.Config{})
	errs := make(chan error, 2)
	for _, s := range []*replies.Service{a, b} {
		go func() {
			_, err := s.Sync(h.ctx, h.mailbox.ID)
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := len(h.list(replies.Query{Limit: 100})); got != 20 {
		t.Fatalf("conversations: %d, want 20", got)
	}
}

func TestCategories(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ann := h.lead("ann@acme.test", "Ann")
	h.launch(ann)
	first := h.sentTo("ann@acme.test").MessageID
	h.deliver(replyMsg("ann@acme.test", first, "Re: Quick question", "Sounds good, let's talk."))
	h.sync()
	conv := h.list(replies.Query{})[0]
	got, err := h.svc.Categorize(h.ctx, h.p, conv.ID, replies.CategorizeInput{Category: ptr(ai.CategoryWrongPerson)}, metaNone)
	if err != nil || got.Category != ai.CategoryWrongPerson || got.CategorySource != store.CategoryManual {
		t.Fatalf("manual category: %+v %v", got, err)
	}
	if _, err := h.svc.Categorize(h.ctx, h.p, conv.ID, replies.CategorizeInput{Category: ptr("vip")}, metaNone); err == nil {
		t.Fatal("an unknown category was accepted")
	}
	// A new message and an explicit ask for AI both leave it as set.
	h.deliver(replyMsg("ann@acme.test", first, "Re: Quick question", "Please remove me from your list."))
	h.sync()
	got, err = h.svc.Categorize(h.ctx, h.p, conv.ID, replies.CategorizeInput{}, metaNone)
	if err != nil || got.Category != ai.CategoryWrongPerson {
		t.Fatalf("after AI: %+v %v", got, err)
	}
	events, _ := h.scope().AuditEvents(h.ctx, "", 10)
	found := false
	for _, e := range events {
		found = found || e.Action == "reply.category_set" && e.TargetID == conv.ID
	}
	if !found {
		t.Fatal("no reply.category_set audit event")
	}

	// Without a manual category, asking uses the configured categorizer.
	bob := h.lead("bob@acme.test", "Bob")
	fake := &fakeCategorizer{answer: ai.Category{Category: ai.CategoryMeetingRequest, Confidence: 0.9, Generator: ai.GeneratorOpenAI}}
	h.svc = h.newService(replies.Config{Categorizer: fake})
	h.launch(bob)
	h.deliver(replyMsg("bob@acme.test", h.sentTo("bob@acme.test").MessageID, "Re: Quick question", "Hmm, maybe."))
	h.sync()
	if fake.calls != 0 {
		t.Fatal("sync asked the explicit categorizer")
	}
	for _, c := range h.list(replies.Query{}) {
		if c.Lead != nil && c.Lead.ID == bob {
			conv = c
		}
	}
	got, err = h.svc.Categorize(h.ctx, h.p, conv.ID, replies.CategorizeInput{}, metaNone)
	if err != nil || got.Category != ai.CategoryMeetingRequest || got.CategorySource != store.CategoryAI ||
		got.Suggestion == nil || fake.calls != 1 || fake.user != h.p.User.ID || !strings.Contains(fake.in.OurLastMessage, "question") {
		t.Fatalf("categorize: %+v %v, fake %+v", got, err, fake)
	}
	fake.err = errors.New("model down")
	got, err = h.svc.Categorize(h.ctx, h.p, conv.ID, replies.CategorizeInput{}, metaNone)
	if err != nil || got.Suggestion == nil || got.Suggestion.Generator == ai.GeneratorOpenAI {
		t.Fatalf("a failing categorizer should fall back to the offline rules: %+v %v", got, err)
	}
}

// The reply loop knows no categoriser of its own: New refuses a Config
// without Fallback, and the injected Fallback is what answers when sync
// has no categorizer and when the explicit one fails.
func TestFallbackIsInjected(t *testing.T) {
	h := newHarness(t)
	if _, err := replies.New(replies.Config{Store: h.st, Providers: h.providers()}); err == nil {
		t.Fatal("New accepted a Config without Fallback")
	}
	injected := func(ai.ReplyInput) ai.Category {
		return ai.Category{Category: ai.CategoryOther, Confidence: 0.5, Reasons: []string{"injected"}, Generator: ai.GeneratorOffline}
	}
	fake := &fakeCategorizer{err: errors.New("model down")}
	h.svc = h.newService(replies.Config{Categorizer: fake, Fallback: injected})
	ann := h.lead("ann@acme.test", "Ann")
	h.launch(ann)
	h.deliver(replyMsg("ann@acme.test", h.sentTo("ann@acme.test").MessageID, "Re: Quick question", "Interesting, tell me more."))
	h.sync()
	var conv replies.ConversationView
	for _, c := range h.list(replies.Query{}) {
		if c.Lead != nil && c.Lead.ID == ann {
			conv = c
		}
	}
	if conv.Category != ai.CategoryOther || fake.calls != 0 {
		t.Fatalf("sync without an AutoCategorizer: category %q, explicit categorizer asked %d times", conv.Category, fake.calls)
	}
	got, err := h.svc.Categorize(h.ctx, h.p, conv.ID, replies.CategorizeInput{}, metaNone)
	if err != nil || fake.calls != 1 || got.Suggestion == nil || !slices.Equal(got.Suggestion.Reasons, []string{"injected"}) {
		t.Fatalf("a failing categorizer should fall back to the injected rules: %+v %v", got.Suggestion, err)
	}
}

type fakeCategorizer struct {
	answer ai.Category
	err    error
	calls  int
	user   string
	in     ai.ReplyInput
}

func (f *fakeCategorizer) Categorize(_ context.Context, _, userID string, in ai.ReplyInput) (ai.Category, error) {
	f.calls++
	f.user, f.in = userID, in
	return f.answer, f.err
}
