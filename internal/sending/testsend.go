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
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// TestInput is the body of POST /api/campaigns/{id}/test.
type TestInput struct {
	Step    int    `json:"step"`              // 1-based
	Variant string `json:"variant,omitempty"` // A, B…; default: the lead's own, else A
	LeadID  string `json:"leadId,omitempty"`  // default: the campaign's first lead, else sample values
	To      string `json:"to,omitempty"`      // default: the signed-in user's address (required with an API key)
	InboxID string `json:"inboxId,omitempty"` // default: the campaign's first mailbox
}

// TestResult is what a test send did.
type TestResult struct {
	To        string `json:"to"`
	InboxID   string `json:"inboxId"`
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
	return &TestSender{e: e, limiter: limiter, log: e.log}
}

// Send renders step in.Step of a campaign and sends it through a mailbox.
func (t *TestSender) Send(ctx context.Context, p account.Principal, campaignID string, in TestInput, m account.Meta) (TestResult, error) {
	q := t.e.st.InWorkspace(p.WorkspaceID)
	c, err := q.Campaign(ctx, campaignID)
	if err != nil {
		return TestResult{}, err
	}
	steps, err := q.Sequence(ctx, c.ID)
	if err != nil {
		return TestResult{}, err
	}
	f := problem.Fields{}
	switch {
	case len(steps) == 0:
		f.Add("step", "the campaign has no sequence yet: write one first")
	case in.Step < 1 || in.Step > len(steps):
		f.Add("step", "must be between 1 and %d", len(steps))
	}
	in.Variant = strings.ToUpper(strings.TrimSpace(in.Variant))
	if len(f) == 0 && in.Variant != "" && !hasVariant(steps[in.Step-1], in.Variant) {
		f.Add("variant", "step %d has no variant %s", in.Step, in.Variant)
	}
	to, toErr := t.recipient(p, in.To)
	if toErr != "" {
		f.Add("to", "%s", toErr)
	}
	if err := f.Err(); err != nil {
		return TestResult{}, err
	}

	// The lead: the one asked for (any of the workspace's; another's is
	// 404), else the campaign's first as the preview pane lists them, else
	// sample values: only the recipient's address.
	lead, sample, err := t.pickLead(ctx, q, c.ID, in.LeadID)
	if err != nil {
		return TestResult{}, err
	}
	if sample {
		lead = store.Lead{Email: to}
	}
	letter := in.Variant
	var cl store.CampaignLead
	if !sample {
		cl, err = q.CampaignLeadOf(ctx, c.ID, lead.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return TestResult{}, err
		}
	}
	if letter == "" {
		letter = "A"
		if cl.ID != "" {
			letter = rules.VariantFor(cl.ID, in.Step, len(steps[in.Step-1].Variants))
		}
	}

	ib, err := t.pickInbox(ctx, q, c.ID, in.InboxID)
	if err != nil {
		return TestResult{}, err
	}
	open, ok := t.e.providers[ib.Provider]
	if !ok {
		return TestResult{}, problem.New(problem.Conflict, "provider_unavailable",
			"This server cannot send through %s mailboxes; pick another mailbox.", ib.Provider)
	}
	if sup, suppressed, err := q.Suppressed(ctx, to); err != nil {
		return TestResult{}, err
	} else if suppressed {
		return TestResult{}, problem.New(problem.Conflict, "suppressed",
			"%s is on the suppression list (%s); Leadbitz does not write to it, not even a test.", to, sup.Reason)
	}

	seq, err := ParseSequence(steps)
	if err != nil {
		return TestResult{}, problem.New(problem.Conflict, "message_invalid", "The sequence does not parse: %v.", err)
	}
	var missing []string
	mark := func(name string) string {
		if !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
		return ""
	}
	firstSubject := cl.FirstSubject
	if in.Step > 1 && firstSubject == "" {
		// What step 1 would be called for this lead: the thread a later
		// step with an empty subject replies in.
		first := "A"
		if cl.ID != "" {
			first = rules.VariantFor(cl.ID, 1, len(steps[0].Variants))
		}
		if firstSubject, _, err = seq.render(1, first, lead, "", func(string) string { return "" }); err != nil {
			return TestResult{}, err
		}
	}
	subject, body, err := seq.render(in.Step, letter, lead, firstSubject, mark)
	if err != nil {
		return TestResult{}, err
	}
	subject = "[Test] " + subject

	addr, text, err := q.WorkspaceFooter(ctx, p.WorkspaceID)
	if err != nil {
		return TestResult{}, err
	}
	now := t.e.clock()
	msgID := mailmsg.NewMessageID(mailmsg.Domain(ib.Email))
	out, _, err := compose(message{inbox: ib, lead: store.Lead{Email: to}, step: in.Step, subject: subject, body: body,
		footer: footer{address: strings.TrimSpace(addr), text: strings.TrimSpace(text)}, messageID: msgID, date: now, test: true})
	if err != nil {
		return TestResult{}, problem.New(problem.Conflict, "message_invalid", "The message cannot be built: %v.", err)
	}

	// The limit is taken only for a send that would go: a refused request
	// costs the user nothing.
	if err := t.allow(ctx, p.User.ID); err != nil {
		return TestResult{}, err
	}
	mb, err := open(ctx, p.WorkspaceID, ib)
	if err != nil {
		return TestResult{}, t.providerFailed(ctx, ib, err)
	}
	defer mb.Close()
	sctx, cancel := context.WithTimeout(ctx, t.e.sendTimeout)
	defer cancel()
	if _, err := mb.Send(sctx, out); err != nil {
		return TestResult{}, t.providerFailed(ctx, ib, err)
	}

	res := TestResult{To: to, InboxID: ib.ID, Subject: subject, MessageID: msgID, Step: in.Step, Variant: letter,
		LeadID: lead.ID, Sample: sample, EmptyTags: missing}
	if res.EmptyTags == nil {
		res.EmptyTags = []string{}
	}
	switch {
	case sample:
		res.Note = "The campaign has no leads: rendered with sample values (only the recipient's address); merge tags without a fallback were left empty."
	case len(missing) > 0:
		res.Note = "The lead has no value for " + strings.Join(missing, ", ") + ": left empty in the test. A real send would wait until it is filled in."
	}
	audit := store.AuditEvent{WorkspaceID: p.WorkspaceID, ActorUserID: p.User.ID, ActorAPIKey: p.APIKeyID,
		Action: "campaign.test_sent", TargetType: "campaign", TargetID: c.ID,
		Data: map[string]any{"step": in.Step, "variant": letter, "inboxId": ib.ID, "to": to, "leadId": lead.ID,
			"sample": sample, "messageId": msgID},
		IP: m.IP, RequestID: m.RequestID}
	// The email went out: record it even if the caller has left.
	if err := t.e.st.InsertAudit(context.WithoutCancel(ctx), audit); err != nil {
		return TestResult{}, err
	}
	return res, nil
}

// recipient is the address a test goes to, or why it cannot be used. An
// API key has no person behind it to default to.
func (t *TestSender) recipient(p account.Principal, to string) (string, string) {
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

func (t *TestSender) pickInbox(ctx context.Context, q store.Scope, campaignID, inboxID string) (store.Inbox, error) {
	if inboxID == "" {
		ids, err := q.CampaignInboxIDs(ctx, campaignID)
		if err != nil {
			return store.Inbox{}, err
		}
		if len(ids) == 0 {
			return store.Inbox{}, problem.New(problem.Conflict, "no_inbox",
				"The campaign has no mailbox to send from: add one, or name one with inboxId.")
		}
		inboxID = ids[0]
	}
	ib, err := q.Inbox(ctx, inboxID)
	if err != nil {
		return store.Inbox{}, err
	}
	switch ib.Status {
	case store.InboxActive:
		return ib, nil
	case store.InboxPaused:
		return store.Inbox{}, problem.New(problem.Conflict, "inbox_paused",
			"The mailbox %s is paused: resume it to send a test from it.", ib.Email)
	default:
		msg := fmt.Sprintf("The mailbox %s is %s", ib.Email, ib.Status)
		if r := strings.TrimSpace(ib.StatusReason); r != "" {
			msg += " (" + r + ")"
		}
		return store.Inbox{}, problem.New(problem.Conflict, "inbox_disconnected", "%s: reconnect it to send a test from it.", msg)
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
func (t *TestSender) providerFailed(ctx context.Context, ib store.Inbox, err error) error {
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
