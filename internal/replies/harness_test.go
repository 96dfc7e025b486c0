package replies_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/ai/offline"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/provider/sandbox"
	"github.com/leadbitz/leadbitz/internal/replies"
	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}

// clock is a settable time shared by what the tests run (mailfake.Clock).
type clock = mailfake.Clock

// harness is one workspace with a sandbox mailbox, the campaign service,
// the send engine and the reply loop on a fresh database of the dialect
// under test.
type harness struct {
	t       *testing.T
	ctx     context.Context
	st      *store.Store
	clock   *clock
	p       account.Principal
	camps   *campaign.Service
	engine  *sending.Engine
	svc     *replies.Service
	mailbox store.Mailbox
	// wrap, when set, wraps every mailbox the engine and the reply loop
	// open (tests inject failures with it).
	wrap func(provider.Mailbox) provider.Mailbox
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	st := storetest.New(t)
	ctx := context.Background()
	u, w := storetest.Workspace(t, st)
	h := &harness{t: t, ctx: ctx, st: st, clock: mailfake.NewClock(time.Now().UTC().Truncate(time.Second)),
		p: account.Principal{User: u, WorkspaceID: w.ID, Role: store.RoleOwner}}
	h.camps = campaign.New(st, env.New(nil, h.clock.Now))
	var err error
	h.engine, err = sending.New(sending.Config{Store: st, Providers: h.providers(), Env: env.New(nil, h.clock.Now),
		Unsubscribe: sending.NewUnsubscribe([]byte("0123456789abcdef0123456789abcdef"), "https://app.example.com"),
		Rand:        rand.New(rand.NewPCG(1, 2)), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	h.svc = h.newService(replies.Config{})
	h.mailbox = h.newMailbox("sam@sender.test")
	return h
}

func (h *harness) providers() map[string]provider.Opener {
	return map[string]provider.Opener{
		store.ProviderSandbox: func(_ context.Context, ws string, i store.Mailbox) (provider.Mailbox, error) {
			var mb provider.Mailbox = sandbox.New(h.st, ws, i.ID)
			if h.wrap != nil {
				mb = h.wrap(mb)
			}
			return mb, nil
		},
	}
}

// newService builds a reply loop (a "restart" builds a new one).
func (h *harness) newService(cfg replies.Config) *replies.Service {
	h.t.Helper()
	cfg.Store, cfg.Env = h.st, env.New(nil, h.clock.Now)
	if cfg.Fallback == nil {
		cfg.Fallback = offline.Classify
	}
	if cfg.Providers == nil {
		cfg.Providers = h.providers()
	}
	s, err := replies.New(cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

func (h *harness) scope() store.Scope { return h.st.InWorkspace(h.p.WorkspaceID) }

func (h *harness) newMailbox(email string) store.Mailbox {
	h.t.Helper()
	i := store.Mailbox{Provider: store.ProviderSandbox, Email: email, DisplayName: "Sam", DailyCap: 1000,
		MinGapSeconds: 0, RampStartedAt: h.clock.Now()}
	err := h.st.InTx(h.ctx, func(tx *store.Tx) error {
		s := tx.InWorkspace(h.p.WorkspaceID)
		if err := s.CreateMailbox(h.ctx, &i); err != nil {
			return err
		}
		return s.CreateSandboxMailbox(h.ctx, i.ID)
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return i
}

func (h *harness) lead(email, first string) string {
	h.t.Helper()
	l := store.Lead{Email: email, FirstName: first, Company: "Acme"}
	if err := h.scope().CreateLead(h.ctx, &l); err != nil {
		h.t.Fatal(err)
	}
	return l.ID
}

func ptr[T any](v T) *T { return &v }

// launch starts a two-step campaign (the follow-up two days later, in the
// same thread) on the harness mailbox with the leads, and sends step 1.
func (h *harness) launch(leadIDs ...string) string {
	h.t.Helper()
	in := campaign.Input{Name: ptr("Q1"), Timezone: ptr("UTC"), SendDays: &[]int{1, 2, 3, 4, 5, 6, 7},
		SendStart: ptr("00:00"), SendEnd: ptr("24:00"), MailboxIDs: &[]string{h.mailbox.ID}}
	v, err := h.camps.Create(h.ctx, h.p, in, account.Meta{})
	if err != nil {
		h.t.Fatal(err)
	}
	seq := campaign.SequenceInput{Steps: []campaign.StepInput{
		{Subject: "Quick question", Body: "Hi {{firstName | \"there\"}}, a question about {{company}}."},
		{DelayDays: 2, Body: "Just bumping this."},
	}}
	if _, err := h.camps.PutSequence(h.ctx, h.p, v.ID, seq, account.Meta{}); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.camps.AddLeads(h.ctx, h.p, v.ID, leadIDs, account.Meta{}); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.camps.Launch(h.ctx, h.p, v.ID, account.Meta{}); err != nil {
		h.t.Fatal(err)
	}
	if res := h.tick(); res.Sent != len(leadIDs) {
		h.t.Fatalf("launch tick sent %d, want %d", res.Sent, len(leadIDs))
	}
	return v.ID
}

func (h *harness) tick() sending.Result {
	h.t.Helper()
	res, err := h.engine.Tick(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return res
}

// sentTo returns the latest message the mailbox sent to addr.
func (h *harness) sentTo(addr string) *mailmsg.Inbound {
	h.t.Helper()
	list, err := h.scope().SandboxMessagesAfter(h.ctx, h.mailbox.ID, 0, 100000)
	if err != nil {
		h.t.Fatal(err)
	}
	var last *mailmsg.Inbound
	for _, m := range list {
		if m.Folder != store.SandboxSent {
			continue
		}
		in, err := mailmsg.Parse(m.Raw)
		if err != nil {
			h.t.Fatal(err)
		}
		if len(in.To) > 0 && in.To[0].Address == addr {
			last = in
		}
	}
	if last == nil {
		h.t.Fatalf("nothing was sent to %s", addr)
	}
	return last
}

func (h *harness) countSent(addr string) int {
	h.t.Helper()
	list, err := h.scope().SandboxMessagesAfter(h.ctx, h.mailbox.ID, 0, 100000)
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, m := range list {
		in, _ := mailmsg.Parse(m.Raw)
		if m.Folder == store.SandboxSent && len(in.To) > 0 && in.To[0].Address == addr {
			n++
		}
	}
	return n
}

// deliver puts a raw message into the harness mailbox's inbox folder.
func (h *harness) deliver(raw string) {
	h.t.Helper()
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\n", "\r\n")
	if _, err := sandbox.New(h.st, h.p.WorkspaceID, h.mailbox.ID).Deliver(h.ctx, []byte(raw)); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) sync() replies.SyncResult {
	h.t.Helper()
	res, err := h.svc.Sync(h.ctx, h.mailbox.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return res
}

func (h *harness) campaignLead(campaignID, leadID string) store.CampaignLead {
	h.t.Helper()
	cl, err := h.scope().CampaignLeadOf(h.ctx, campaignID, leadID)
	if err != nil {
		h.t.Fatal(err)
	}
	return cl
}

func (h *harness) leadStatus(id string) string {
	h.t.Helper()
	l, err := h.scope().Lead(h.ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return l.Status
}

func (h *harness) list(q replies.Query) []replies.ConversationView {
	h.t.Helper()
	if q.Limit == 0 {
		q.Limit = 50
	}
	p, err := h.svc.List(h.ctx, h.p.WorkspaceID, q)
	if err != nil {
		h.t.Fatal(err)
	}
	return p.Items
}

func (h *harness) suppressed(addr string) (store.Suppression, bool) {
	h.t.Helper()
	sup, ok, err := h.scope().Suppressed(h.ctx, addr)
	if err != nil {
		h.t.Fatal(err)
	}
	return sup, ok
}

// Messages the tests receive.

func replyMsg(from, inReplyTo, subject, body string) string {
	return fmt.Sprintf("From: %s\nTo: sam@sender.test\nSubject: %s\nDate: %s\nMessage-ID: <%s@lead.test>\n"+
		"In-Reply-To: %s\nReferences: %s\nContent-Type: text/plain; charset=utf-8\n\n%s\n",
		from, subject, time.Now().UTC().Format(time.RFC1123Z), store.NewID(), inReplyTo, inReplyTo, body)
}

func hardBounce(rcpt, original string) string {
	return fmt.Sprintf(`From: MAILER-DAEMON@mx.sender.test (Mail Delivery System)
To: sam@sender.test
Subject: Undelivered Mail Returned to Sender
Date: %s
Message-ID: <%s@mx.sender.test>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

<%s>: host mx.lead.test said: 550 5.1.1 User unknown

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.sender.test

Final-Recipient: rfc822; %s
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--B1
Content-Type: text/rfc822-headers

Message-ID: %s
From: Sam <sam@sender.test>
To: %s
Subject: Quick question

--B1--
`, time.Now().UTC().Format(time.RFC1123Z), store.NewID(), rcpt, rcpt, original, rcpt)
}

func softBounce(rcpt, original string) string {
	return strings.NewReplacer("550 5.1.1 User unknown", "552 5.2.2 Mailbox full", "Status: 5.1.1", "Status: 5.2.2").
		Replace(hardBounce(rcpt, original))
}

func outOfOffice(from, inReplyTo string, back time.Time) string {
	return fmt.Sprintf("From: %s\nTo: sam@sender.test\nSubject: Automatic reply: Quick question\nDate: %s\n"+
		"Message-ID: <%s@lead.test>\nIn-Reply-To: %s\nReferences: %s\nAuto-Submitted: auto-replied\n"+
		"X-Auto-Response-Suppress: All\nContent-Type: text/plain\n\n"+
		"Thank you for your email. I am out of the office until %s with limited access to email.\n",
		from, time.Now().UTC().Format(time.RFC1123Z), store.NewID(), inReplyTo, inReplyTo, back.Format("Monday, 2 January 2006"))
}

var metaNone = account.Meta{}

// setCampaign turns on a campaign's reply setting (a column the campaign
// API does not expose yet).
func setCampaign(t *testing.T, h *harness, campaignID, column string) {
	t.Helper()
	if _, err := h.st.DB().ExecContext(h.ctx, "UPDATE campaigns SET "+column+" = TRUE WHERE id = '"+campaignID+"'"); err != nil {
		t.Fatal(err)
	}
}

// resetCursor forgets where the harness mailbox's sync stopped, as an
// expired provider cursor does.
func resetCursor(t *testing.T, h *harness) {
	t.Helper()
	if _, err := h.st.DB().ExecContext(h.ctx, "UPDATE inbox_connections SET sync_cursor = '' WHERE id = '"+h.mailbox.ID+"'"); err != nil {
		t.Fatal(err)
	}
}
