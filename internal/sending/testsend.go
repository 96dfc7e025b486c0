package sending

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// TestInput is the body of POST /api/campaigns/{id}/test.
type TestInput struct {
	Step      int    `json:"step"`              // 1-based; a reply route's step is route×100+step (101: route 1's first)
	Variant   string `json:"variant,omitempty"` // A, B…; default: the lead's own, else A
	LeadID    string `json:"leadId,omitempty"`  // default: the campaign's first lead, else sample values
	To        string `json:"to,omitempty"`      // default: the signed-in user's address (required with an API key)
	MailboxID string `json:"inboxId,omitempty"` // default: the campaign's first mailbox
}

// TestResult is what a test send did.
type TestResult struct {
	To        string `json:"to"`
	MailboxID string `json:"inboxId"`
	Subject   string `json:"subject"`
	MessageID string `json:"messageId"` // our Message-ID header
	Step      int    `json:"step"`
	Variant   string `json:"variant"`
	// LeadID is the lead the step was rendered for; "" with Sample, when
	// the campaign has no lead and sample values were used.
	LeadID string `json:"leadId,omitempty"`
	Sample bool   `json:"sample"`
	// EmptyTags are the merge tags without a fallback that had no value:
	// they were left empty in the test (a real send of this lead would be
	// held until the value is filled in).
	EmptyTags []string `json:"emptyTags"`
	Note      string   `json:"note,omitempty"`
}

// Test send limits per user: enough to iterate on a sequence, too few to
// use a test send as a way round the campaign's caps and rules.
var (
	TestSendLimitMinute = ratelimit.Limit{Count: 5, Per: time.Minute}
	TestSendLimitHour   = ratelimit.Limit{Count: 30, Per: time.Hour}
)

// TestSender sends one step of a campaign to a person at once, rendered and
// composed by the engine's own code (Sequence.render, compose) and handed to
// the engine's provider openers, sandbox included. A test send is no part of
// the campaign: no send job, no message row, no campaign-lead change, no
// stats, no unsubscribe link bound to a lead. It is not counted in the
// mailbox's sent-today either: that count is the engine's reservation of
// campaign slots (taken at claim, given back when unused), which replies
// from a conversation do not take either.
type TestSender struct {
	e       *Engine
	limiter ratelimit.Limiter
	log     *slog.Logger
}

// TestSender returns the engine's test sender, rate-limited per user by
// limiter.
func (e *Engine) TestSender(limiter ratelimit.Limiter) *TestSender {
	return &TestSender{e: e, limiter: limiter, log: e.env.Log()}
}

// Send renders step in.Step of a campaign and sends it through a mailbox:
// it reads what the test depends on, decides it (decideTest, no database),
// then applies the plan (rate limit, send, audit).
func (t *TestSender) Send(ctx context.Context, p account.Principal, campaignID string, in TestInput, m account.Meta) (TestResult, error) {
	f, err := t.load(ctx, p, campaignID, in, m)
	if err != nil {
		return TestResult{}, err
	}
	plan, err := decideTest(f)
	if err != nil {
		return TestResult{}, err
	}
	return t.apply(ctx, p, f.mailbox, plan)
}

// testFacts is everything a test send is decided from, read from the store.
type testFacts struct {
	p          account.Principal
	meta       account.Meta
	campaignID string
	in         TestInput // checked by checkTestInput: Step in range, Variant upper case
	to         string
	steps      []store.SequenceStep
	routes     []routing.Route         // the campaign's reply routes
	skips      map[int]*routing.SkipIf // and its steps' conditions
	lead       store.Lead
	sample     bool               // no lead: sample values, lead is only the recipient
	cl         store.CampaignLead // the lead's place in the campaign; zero if none
	mailbox    store.Mailbox
	canSend    bool // the server has an opener for the mailbox's provider
	suppressed *store.Suppression
	footer     footer
	messageID  string
	now        time.Time
}

// testPlan is a decided test send: the message to send, then what to
// answer and audit once it has gone.
type testPlan struct {
	out    provider.OutgoingMessage
	result TestResult
	audit  store.AuditEvent
}

// load reads the campaign, checks the input, and reads the lead, mailbox,
// suppression and footer a test send is decided from.
func (t *TestSender) load(ctx context.Context, p account.Principal, campaignID string, in TestInput, m account.Meta) (testFacts, error) {
	q := t.e.st.InWorkspace(p.WorkspaceID)
	c, err := q.Campaign(ctx, campaignID)
	if err != nil {
		return testFacts{}, err
	}
	steps, err := q.Sequence(ctx, c.ID)
	if err != nil {
		return testFacts{}, err
	}
	routes, skips, err := routing.Load(ctx, q, c.ID)
	if err != nil {
		return testFacts{}, err
	}
	in, to, err := checkTestInput(p, steps, routes, in)
	if err != nil {
		return testFacts{}, err
	}
	f := testFacts{p: p, meta: m, campaignID: c.ID, in: in, to: to, steps: steps, routes: routes, skips: skips}

	// The lead: the one asked for (any of the workspace's; another's is
	// 404), else the campaign's first as the preview pane lists them, else
	// sample values: only the recipient's address.
	f.lead, f.sample, err = t.pickLead(ctx, q, c.ID, in.LeadID)
	if err != nil {
		return testFacts{}, err
	}
	if f.sample {
		f.lead = store.Lead{Email: to}
	} else {
		f.cl, err = q.CampaignLeadOf(ctx, c.ID, f.lead.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return testFacts{}, err
		}
	}
	if f.mailbox, err = t.pickMailbox(ctx, q, c.ID, in.MailboxID); err != nil {
		return testFacts{}, err
	}
	_, f.canSend = t.e.providers[f.mailbox.Provider]
	sup, suppressed, err := q.Suppressed(ctx, to)
	if err != nil {
		return testFacts{}, err
	}
	if suppressed {
		f.suppressed = &sup
	}
	addr, text, err := q.WorkspaceFooter(ctx, p.WorkspaceID)
	if err != nil {
		return testFacts{}, err
	}
	f.footer = footer{address: strings.TrimSpace(addr), text: strings.TrimSpace(text)}
	f.now = t.e.env.Now()
	f.messageID = mailmsg.NewMessageID(mailmsg.Domain(f.mailbox.Email))
	return f, nil
}

// checkTestInput checks the step, variant and recipient of a test against
// the campaign's sequence, all at once: a 422 names every bad field. It
// returns the input with its variant upper-cased, and the recipient.
func checkTestInput(p account.Principal, steps []store.SequenceStep, routes []routing.Route, in TestInput) (TestInput, string, error) {
	f := problem.Fields{}
	route, k := routing.Split(in.Step)
	switch {
	case len(steps) == 0:
		f.Add("step", "the campaign has no sequence yet: write one first")
	case route == 0 && (k < 1 || k > len(steps)):
		f.Add("step", "must be between 1 and %d, or a reply route's step (101 for route 1's first)", len(steps))
	case route > len(routes) || (route > 0 && (k < 1 || k > len(routes[route-1].Steps))):
		f.Add("step", "names no step of a reply route (the campaign has %d)", len(routes))
	}
	in.Variant = strings.ToUpper(strings.TrimSpace(in.Variant))
	if len(f) == 0 && in.Variant != "" {
		if route == 0 && !hasVariant(steps[k-1], in.Variant) || route > 0 && in.Variant != "A" {
			f.Add("variant", "%s has no variant %s", routing.StepLabel(in.Step, routes), in.Variant)
		}
	}
	to, toErr := recipient(p, in.To)
	if toErr != "" {
		f.Add("to", "%s", toErr)
	}
	return in, to, f.Err()
}

// decideTest decides a test send from its facts, with no database: the
// variant, the rendered and composed message, the answer and the audit
// event; or the problem that stops it.
func decideTest(f testFacts) (testPlan, error) {
	if !f.canSend {
		return testPlan{}, problem.New(problem.Conflict, "provider_unavailable",
			"This server cannot send through %s mailboxes; pick another mailbox.", f.mailbox.Provider)
	}
	if f.suppressed != nil {
		return testPlan{}, problem.New(problem.Conflict, "suppressed",
			"%s is on the suppression list (%s); Leadbitz does not write to it, not even a test.", f.to, f.suppressed.Reason)
	}
	seq, err := ParseSequence(f.steps)
	if err == nil {
		err = attachRoutes(seq, f.routes, f.skips)
	}
	if err != nil {
		return testPlan{}, problem.New(problem.Conflict, "message_invalid", "The sequence does not parse: %v.", err)
	}
	// The variant: the one asked for, else the lead's own, else A.
	letter := f.in.Variant
	if letter == "" {
		letter = variantOf(f.cl, f.in.Step, f.steps)
	}
	var missing []string
	mark := func(name string) string {
		if !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
		return ""
	}
	firstSubject := f.cl.FirstSubject
	if f.in.Step > 1 && firstSubject == "" {
		// What step 1 would be called for this lead: the thread a later
		// step with an empty subject replies in.
		first := variantOf(f.cl, 1, f.steps)
		if firstSubject, _, err = seq.render(1, first, f.lead, "", func(string) string { return "" }); err != nil {
			return testPlan{}, err
		}
	}
	subject, body, err := seq.render(f.in.Step, letter, f.lead, firstSubject, mark)
	if err != nil {
		return testPlan{}, err
	}
	subject = "[Test] " + subject
	out, _, err := compose(message{mailbox: f.mailbox, lead: store.Lead{Email: f.to}, step: f.in.Step, subject: subject, body: body,
		footer: f.footer, messageID: f.messageID, date: f.now, test: true})
	if err != nil {
		return testPlan{}, problem.New(problem.Conflict, "message_invalid", "The message cannot be built: %v.", err)
	}

	res, audit := testOutcome(f, letter, subject, missing)
	return testPlan{out: out, result: res, audit: audit}, nil
}

// testOutcome is what a test send answers and audits once it has gone.
func testOutcome(f testFacts, letter, subject string, missing []string) (TestResult, store.AuditEvent) {
	res := TestResult{To: f.to, MailboxID: f.mailbox.ID, Subject: subject, MessageID: f.messageID, Step: f.in.Step, Variant: letter,
		LeadID: f.lead.ID, Sample: f.sample, EmptyTags: missing}
	if res.EmptyTags == nil {
		res.EmptyTags = []string{}
	}
	switch {
	case f.sample:
		res.Note = "The campaign has no leads: rendered with sample values (only the recipient's address); merge tags without a fallback were left empty."
	case len(missing) > 0:
		res.Note = "The lead has no value for " + strings.Join(missing, ", ") + ": left empty in the test. A real send would wait until it is filled in."
	}
	audit := store.AuditEvent{WorkspaceID: f.p.WorkspaceID, ActorUserID: f.p.User.ID, ActorAPIKey: f.p.APIKeyID,
		Action: "campaign.test_sent", TargetType: "campaign", TargetID: f.campaignID,
		Data: map[string]any{"step": f.in.Step, "variant": letter, "inboxId": f.mailbox.ID, "to": f.to, "leadId": f.lead.ID,
			"sample": f.sample, "messageId": f.messageID},
		IP: f.meta.IP, RequestID: f.meta.RequestID}
	return res, audit
}

// variantOf is the variant a campaign lead gets at step; A for a lead
// outside the campaign or sample values.
func variantOf(cl store.CampaignLead, step int, steps []store.SequenceStep) string {
	if r, _ := routing.Split(step); cl.ID == "" || r > 0 { // a route step has one variant
		return "A"
	}
	return rules.VariantFor(cl.ID, step, len(steps[step-1].Variants))
}

// apply sends a decided test through the mailbox and audits it.
func (t *TestSender) apply(ctx context.Context, p account.Principal, ib store.Mailbox, plan testPlan) (TestResult, error) {
	// The limit is taken only for a send that would go: a refused request
	// costs the user nothing.
	if err := t.allow(ctx, p.User.ID); err != nil {
		return TestResult{}, err
	}
	mb, err := t.e.providers[ib.Provider](ctx, p.WorkspaceID, ib)
	if err != nil {
		return TestResult{}, t.providerFailed(ctx, ib, err)
	}
	defer mb.Close()
	sctx, cancel := context.WithTimeout(ctx, t.e.sendTimeout)
	defer cancel()
	if _, err := mb.Send(sctx, plan.out); err != nil {
		return TestResult{}, t.providerFailed(ctx, ib, err)
	}
	// The email went out: record it even if the caller has left.
	if err := t.e.st.InsertAudit(context.WithoutCancel(ctx), plan.audit); err != nil {
		return TestResult{}, err
	}
	return plan.result, nil
}

// recipient is the address a test goes to, or why it cannot be used. An
// API key has no person behind it to default to.
func recipient(p account.Principal, to string) (string, string) {
	to = strings.TrimSpace(to)
	if to == "" {
		if p.APIKeyID != "" || p.User.Email == "" {
			return "", "is required with an API key"
		}
		return p.User.Email, ""
	}
	a, err := mail.ParseAddress(to)
	if err != nil || a.Address != to || !strings.Contains(to, "@") {
		return "", "must be an email address"
	}
	return to, ""
}

func (t *TestSender) pickLead(ctx context.Context, q store.Scope, campaignID, leadID string) (store.Lead, bool, error) {
	if leadID != "" {
		l, err := q.Lead(ctx, leadID)
		if err != nil {
			return store.Lead{}, false, err
		}
		if l.Status == store.LeadErased {
			return store.Lead{}, false, problem.InvalidField("leadId", "this lead was erased")
		}
		return l, false, nil
	}
	leads, err := q.Leads(ctx, store.LeadQuery{CampaignID: campaignID, Limit: 25})
	if err != nil {
		return store.Lead{}, false, err
	}
	for _, l := range leads {
		if l.Status != store.LeadErased {
			return l, false, nil
		}
	}
	return store.Lead{}, true, nil
}

func (t *TestSender) pickMailbox(ctx context.Context, q store.Scope, campaignID, mailboxID string) (store.Mailbox, error) {
	if mailboxID == "" {
		ids, err := q.CampaignMailboxIDs(ctx, campaignID)
		if err != nil {
			return store.Mailbox{}, err
		}
		if len(ids) == 0 {
			return store.Mailbox{}, problem.New(problem.Conflict, "no_inbox",
				"The campaign has no mailbox to send from: add one, or name one with inboxId.")
		}
		mailboxID = ids[0]
	}
	ib, err := q.Mailbox(ctx, mailboxID)
	if err != nil {
		return store.Mailbox{}, err
	}
	switch ib.Status {
	case store.MailboxActive:
		return ib, nil
	case store.MailboxPaused:
		return store.Mailbox{}, problem.New(problem.Conflict, "inbox_paused",
			"The mailbox %s is paused: resume it to send a test from it.", ib.Email)
	default:
		msg := fmt.Sprintf("The mailbox %s is %s", ib.Email, ib.Status)
		if r := strings.TrimSpace(ib.StatusReason); r != "" {
			msg += " (" + r + ")"
		}
		return store.Mailbox{}, problem.New(problem.Conflict, "inbox_disconnected", "%s: reconnect it to send a test from it.", msg)
	}
}

func (t *TestSender) allow(ctx context.Context, userID string) error {
	for _, l := range []ratelimit.Limit{TestSendLimitMinute, TestSendLimitHour} {
		key := fmt.Sprintf("testsend:user:%s:%d", userID, int(l.Per.Seconds()))
		res, err := t.limiter.Allow(ctx, key, l)
		if err != nil {
			t.log.ErrorContext(ctx, "test send rate limiter failed", "err", err)
			return problem.New(problem.Unavailable, "rate_limiter_unavailable",
				"Test sends are paused because the rate limiter is not answering. Try again shortly.")
		}
		if !res.Allowed {
			secs := int(res.RetryAfter.Seconds() + 0.999)
			return &problem.Error{Kind: problem.RateLimited, Code: "rate_limited", RetryAfter: res.RetryAfter,
				Message: fmt.Sprintf("You have sent %d test emails in the last %s, the most allowed. Try again in %d seconds.",
					l.Count, map[time.Duration]string{time.Minute: "minute", time.Hour: "hour"}[l.Per], secs),
				Details: map[string]any{"limit": l.Count, "windowSeconds": int(l.Per.Seconds())}}
		}
	}
	return nil
}

// providerFailed is a 502 with the provider's classified answer: its kind,
// code and words, which never hold a credential. Other errors (a network
// failure, a timeout) are logged and said in general terms, since their
// text may name internal addresses.
func (t *TestSender) providerFailed(ctx context.Context, ib store.Mailbox, err error) error {
	details := map[string]any{"kind": provider.Kind(err).String(), "provider": ib.Provider}
	var pe *provider.Error
	msg := "The mailbox's provider did not take the email"
	if errors.As(err, &pe) {
		if pe.Code != "" {
			details["providerCode"] = pe.Code
		}
		if pe.Message != "" {
			details["providerMessage"] = pe.Message
			msg += ": " + pe.Message
		}
	} else {
		t.log.WarnContext(ctx, "test send failed", "inbox_id", ib.ID, "err", err)
		msg += " (it could not be reached in time)"
	}
	switch provider.Kind(err) {
	case provider.Auth:
		msg += ". The mailbox needs to be reconnected."
	case provider.RateLimited, provider.Transient:
		msg += ". Try again in a few minutes."
	default:
		msg += "."
	}
	return &problem.Error{Kind: problem.BadGateway, Code: "provider_error", Message: msg, Details: details}
}

func hasVariant(st store.SequenceStep, letter string) bool {
	for _, v := range st.Variants {
		if v.Variant == letter {
			return true
		}
	}
	return false
}
