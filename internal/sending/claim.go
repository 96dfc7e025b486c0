package sending

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/template"
)

// noAddressWait is how long a job waits, and then waits again, while its
// workspace has no postal address to put in the footer.
const noAddressWait = 15 * time.Minute

// tickCache keeps what one Tick reads once: parsed sequences and footers.
type tickCache struct {
	sequences map[string]*Sequence
	seqErrs   map[string]error
	footers   map[string]footer
}

func newTickCache() *tickCache {
	return &tickCache{sequences: map[string]*Sequence{}, seqErrs: map[string]error{}, footers: map[string]footer{}}
}

func (c *tickCache) sequence(ctx context.Context, q store.Queries, ws, campaignID string) (*Sequence, error) {
	if seq, ok := c.sequences[campaignID]; ok {
		return seq, c.seqErrs[campaignID]
	}
	steps, err := q.InWorkspace(ws).Sequence(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	seq, perr := ParseSequence(steps)
	c.sequences[campaignID], c.seqErrs[campaignID] = seq, perr
	return seq, perr
}

func (c *tickCache) footer(ctx context.Context, q store.Queries, ws string) (footer, error) {
	if f, ok := c.footers[ws]; ok {
		return f, nil
	}
	addr, text, err := q.WorkspaceFooter(ctx, ws)
	if err != nil {
		return footer{}, err
	}
	f := footer{address: strings.TrimSpace(addr), text: strings.TrimSpace(text)}
	c.footers[ws] = f
	return f, nil
}

// claim is one job the claim reserved a slot for, ready to send.
type claim struct {
	w           store.JobWork
	ws          string
	inbox       store.Inbox
	campaign    store.Campaign
	seq         *Sequence
	subject     string
	text        string // the body as sent: template, signature, footer
	msg         provider.OutgoingMessage
	inReplyTo   string
	references  []string // the thread's ids before this message
	checkFirst  bool     // an earlier attempt may have gone out: ask FindSent first
	inboxDay    string   // the local days the slots were reserved on
	campaignDay string
	campaignLoc *time.Location
}

// batch is what one claim transaction decided.
type batch struct {
	picked int // jobs first picked; fewer than BatchSize means none is left
	result Result
	claims []*claim
	stops  []stop
	// Writes gathered while deciding, sent as one statement each.
	deferrals []store.Deferral
	usage     []store.InboxUsage
}

// campaignState is a locked campaign with its daily count as the claim
// reserves it.
type campaignState struct {
	store.WorkspaceCampaign
	sched   rules.Schedule
	schedOK bool
	today   string
	changed bool
}

// claim runs one claim transaction: lock due jobs, their mailboxes and
// campaigns, decide each job with rules.Decide against the locked usage,
// reserve a slot for each job that may go, and move or hold the others.
func (e *Engine) claim(ctx context.Context, cache *tickCache) (*batch, error) {
	var b *batch
	err := e.st.InTxRetry(ctx, func(tx *store.Tx) error {
		b = &batch{}
		now := e.clock()
		q := tx.Queries
		picked, err := q.LockDueJobs(ctx, now, e.batchSize)
		if err != nil || len(picked) == 0 {
			return err
		}
		b.picked = len(picked)
		inboxIDs := distinctValues(picked)
		inboxes, err := q.LockInboxes(ctx, inboxIDs)
		if err != nil {
			return err
		}
		if len(inboxIDs) > 0 {
			more, err := q.LockDueJobsOfInboxes(ctx, inboxIDs, now, e.queueLimit)
			if err != nil {
				return err
			}
			for id, inbox := range more {
				picked[id] = inbox
			}
		}
		ids := make([]string, 0, len(picked))
		for id := range picked {
			ids = append(ids, id)
		}
		work, err := q.JobsWork(ctx, ids)
		if err != nil {
			return err
		}
		camps, err := e.lockCampaigns(ctx, q, work, now)
		if err != nil {
			return err
		}
		suppressed, err := suppressedOf(ctx, q, work)
		if err != nil {
			return err
		}
		byInbox := map[string][]*store.JobWork{}
		for i := range work {
			byInbox[work[i].Job.InboxID] = append(byInbox[work[i].Job.InboxID], &work[i])
		}
		// Jobs whose lead has no mailbox wait for one.
		for _, w := range byInbox[""] {
			if err := e.hold(ctx, q, b, w, rules.ReasonNoInbox, "No mailbox of the campaign can send for this lead.", now); err != nil {
				return err
			}
		}
		for _, inbox := range inboxes {
			if err := e.claimInbox(ctx, q, cache, b, inbox, byInbox[inbox.ID], camps, suppressed, now); err != nil {
				return err
			}
		}
		ws := make([]string, 0, len(camps))
		for id := range camps {
			ws = append(ws, id)
		}
		sort.Strings(ws)
		for _, id := range ws {
			if c := camps[id]; c.changed {
				if err := q.SaveCampaignUsage(ctx, id, c.SentToday, c.today); err != nil {
					return err
				}
			}
		}
		if err := q.DeferJobs(ctx, b.deferrals, now); err != nil {
			return err
		}
		if err := q.SaveInboxesUsage(ctx, b.usage, now); err != nil {
			return err
		}
		marks := make([]store.ClaimMark, len(b.claims))
		links := make([]store.UnsubscribeLink, len(b.claims))
		for i, c := range b.claims {
			marks[i] = store.ClaimMark{ID: c.w.Job.ID, MessageID: c.msg.MessageID}
			links[i] = store.UnsubscribeLink{ID: c.w.CampaignLead.ID, WorkspaceID: c.ws, Email: c.w.Lead.Email}
		}
		// The unsubscribe link each message carries resolves on its own
		// from now on, whatever is deleted later (Unsubscribe.Lookup).
		if err := q.SaveUnsubscribeLinks(ctx, links, now); err != nil {
			return err
		}
		return q.MarkJobsClaimed(ctx, marks, now)
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

func distinctValues(m map[string]string) []string {
	var list []string
	for _, v := range m {
		if v != "" && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	sort.Strings(list)
	return list
}

// lockCampaigns locks the jobs' campaigns and reads their schedule and
// today's count.
func (e *Engine) lockCampaigns(ctx context.Context, q store.Queries, work []store.JobWork, now time.Time) (map[string]*campaignState, error) {
	var ids []string
	for _, w := range work {
		if !slices.Contains(ids, w.Job.CampaignID) {
			ids = append(ids, w.Job.CampaignID)
		}
	}
	sort.Strings(ids)
	locked, err := q.LockCampaigns(ctx, ids)
	if err != nil {
		return nil, err
	}
	camps := make(map[string]*campaignState, len(locked))
	for _, c := range locked {
		st := &campaignState{WorkspaceCampaign: c}
		st.sched, err = input.Schedule(c.Campaign)
		st.schedOK = err == nil
		loc := time.UTC
		if st.schedOK {
			loc = st.sched.Timezone
		}
		st.today = now.In(loc).Format(input.DayFormat)
		if c.SentTodayDate != st.today {
			st.SentToday, st.SentTodayDate = 0, st.today
		}
		camps[c.ID] = st
	}
	return camps, nil
}

// suppressedOf asks the suppression list about every lead of the batch, one
// query per workspace (store.Scope.SuppressedAmong: the same rule as
// Suppressed).
func suppressedOf(ctx context.Context, q store.Queries, work []store.JobWork) (map[string]bool, error) {
	byWS := map[string][]string{}
	for _, w := range work {
		byWS[w.Job.WorkspaceID] = append(byWS[w.Job.WorkspaceID], w.Lead.Email)
	}
	out := map[string]bool{}
	for ws, emails := range byWS {
		found, err := q.InWorkspace(ws).SuppressedAmong(ctx, emails)
		if err != nil {
			return nil, err
		}
		for email := range found {
			out[ws+"\x00"+email] = true
		}
	}
	return out, nil
}

// inboxLevel are the reasons that belong to the mailbox: a queue of jobs
// blocked by one of them is spread over the mailbox's next slots instead of
// all waking at the same instant.
var inboxLevel = map[rules.Reason]bool{rules.ReasonMinGap: true, rules.ReasonInboxDailyCap: true, rules.ReasonRampLimit: true}

// claimInbox decides one mailbox's due jobs in order: follow-ups first
// (they keep threads alive), then by due time.
func (e *Engine) claimInbox(ctx context.Context, q store.Queries, cache *tickCache, b *batch, inbox store.WorkspaceInbox,
	jobs []*store.JobWork, camps map[string]*campaignState, suppressed map[string]bool, now time.Time) error {
	if len(jobs) == 0 {
		return nil
	}
	sort.Slice(jobs, func(i, j int) bool {
		a, c := jobs[i].Job, jobs[j].Job
		if (a.Step > 1) != (c.Step > 1) {
			return a.Step > 1
		}
		if !a.DueAt.Equal(c.DueAt) {
			return a.DueAt.Before(c.DueAt)
		}
		return a.ID < c.ID
	})
	limits, err := input.Limits(inbox.Inbox)
	if err != nil {
		for _, w := range jobs {
			if err := e.hold(ctx, q, b, w, string(rules.ReasonInboxError), "The mailbox's time zone is invalid: "+err.Error(), now); err != nil {
				return err
			}
		}
		return nil
	}
	if _, ok := e.providers[inbox.Provider]; !ok {
		for _, w := range jobs {
			if err := e.hold(ctx, q, b, w, rules.ReasonProviderUnavailable,
				fmt.Sprintf("This build cannot send through %s mailboxes yet.", inbox.Provider), now); err != nil {
				return err
			}
		}
		return nil
	}
	loc := limits.Timezone
	today := now.In(loc).Format(input.DayFormat)
	u := input.Usage(inbox.Inbox, loc, now)
	reserved := false
	var spread *stagger
	for _, w := range jobs {
		c := camps[w.Job.CampaignID]
		if c == nil {
			return fmt.Errorf("job %s: campaign %s not locked", w.Job.ID, w.Job.CampaignID)
		}
		if !c.schedOK {
			if err := e.hold(ctx, q, b, w, string(rules.ReasonScheduleInvalid), "The campaign's schedule cannot be read.", now); err != nil {
				return err
			}
			continue
		}
		seq, err := cache.sequence(ctx, q, inbox.WorkspaceID, c.ID)
		if err != nil {
			var syn *template.SyntaxError
			if !errors.As(err, &syn) {
				return err
			}
			if err := e.hold(ctx, q, b, w, rules.ReasonMessageInvalid, err.Error(), now); err != nil {
				return err
			}
			continue
		}
		if w.Job.Step > len(seq.Steps) {
			// The sequence was shortened: the lead has had every step.
			if err := q.CancelJob(ctx, w.Job.ID, rules.ReasonStepRemoved, now); err != nil {
				return err
			}
			b.result.Processed++
			if w.CampaignLead.Status == store.CampaignLeadActive {
				b.stops = append(b.stops, stop{inbox.WorkspaceID, w.CampaignLead.ID, store.CampaignLeadCompleted,
					fmt.Sprintf("the sequence has no step %d any more", w.Job.Step)})
			}
			continue
		}
		in := rules.Input{Schedule: c.sched,
			Campaign: rules.Campaign{Status: rules.CampaignStatus(c.Status), DailyLimit: c.DailyLimit, SentToday: c.SentToday},
			Inbox:    rules.Inbox{Email: inbox.Email, Status: rules.InboxStatus(inbox.Status), Limits: limits, Usage: u},
			Lead:     input.LeadSide(w.Lead, w.CampaignLead, suppressed[inbox.WorkspaceID+"\x00"+w.Lead.Email]),
			Due:      w.Job.DueAt}
		d := rules.Decide(now, in)
		if d.Send {
			f, err := cache.footer(ctx, q, inbox.WorkspaceID)
			if err != nil {
				return err
			}
			if f.address == "" {
				// Launch requires the address; a workspace that removed it
				// since, or launched before it was required, sends nothing
				// until it has one again.
				b.deferrals = append(b.deferrals, store.Deferral{ID: w.Job.ID, RunAt: now.Add(noAddressWait), Reason: rules.ReasonNoPostalAddress})
				b.result.Processed++
				b.result.Deferred++
				e.metrics.deferred(rules.ReasonNoPostalAddress)
				continue
			}
			cl, err := e.prepare(ctx, q, cache, inbox, c, seq, w, now)
			if err != nil {
				return err
			}
			if cl.problem != "" {
				if err := e.hold(ctx, q, b, w, cl.problemReason, cl.problem, now); err != nil {
					return err
				}
				continue
			}
			cl.inboxDay, cl.campaignDay = today, c.today
			b.claims = append(b.claims, cl.claim)
			b.result.Processed++
			u.SentToday++
			u.LastSentAt, u.Gap = now, rules.NextGap(limits, e.rnd)
			c.SentToday++
			c.changed, reserved = true, true
			continue
		}
		switch {
		case d.Reason == rules.ReasonLeadStopped:
			if err := q.CancelJob(ctx, w.Job.ID, "lead_"+string(in.Lead.Status), now); err != nil {
				return err
			}
			b.result.Processed++
			if w.CampaignLead.Status == store.CampaignLeadActive {
				status, reason := leadStop(w.Lead.Status)
				b.stops = append(b.stops, stop{inbox.WorkspaceID, w.CampaignLead.ID, status, reason})
			}
		case d.Reason == rules.ReasonSuppressed:
			// enrollment.StopLeads, after this transaction, cancels the job.
			b.result.Processed++
			b.stops = append(b.stops, stop{inbox.WorkspaceID, w.CampaignLead.ID, store.CampaignLeadSuppressed,
				"the address is on the suppression list"})
		case d.NotBefore.IsZero():
			if err := e.hold(ctx, q, b, w, string(d.Reason), d.Detail(), now); err != nil {
				return err
			}
		default:
			runAt := d.NotBefore
			if inboxLevel[d.Reason] {
				if spread == nil {
					spread = &stagger{at: now, usage: u, day: today}
				}
				runAt = spread.slot(in, d.NotBefore, limits, c, e.rnd)
			}
			b.deferrals = append(b.deferrals, store.Deferral{ID: w.Job.ID, RunAt: runAt, Reason: string(d.Reason)})
			b.result.Processed++
			b.result.Deferred++
			e.metrics.deferred(string(d.Reason))
		}
	}
	if reserved {
		b.usage = append(b.usage, store.InboxUsage{ID: inbox.ID, SentToday: u.SentToday, Date: today,
			LastSentAt: u.LastSentAt, NextSendAt: u.LastSentAt.Add(u.Gap)})
	}
	return nil
}

// leadStop maps a workspace-wide lead status to the campaign lead's stop.
func leadStop(leadStatus string) (status, reason string) {
	switch leadStatus {
	case store.LeadBounced:
		return store.CampaignLeadBounced, "the lead's address bounced"
	case store.LeadUnsubscribed:
		return store.CampaignLeadUnsubscribed, "the lead unsubscribed"
	default:
		return store.CampaignLeadStopped, "the lead is " + leadStatus
	}
}

func (e *Engine) hold(ctx context.Context, q store.Queries, b *batch, w *store.JobWork, reason, detail string, now time.Time) error {
	b.result.Processed++
	b.result.Deferred++
	e.metrics.deferred(reason)
	return q.HoldJob(ctx, w.Job.ID, reason, detail, now)
}

// prepared is a rendered, composed claim, or the problem that keeps the job
// from being sent.
type prepared struct {
	*claim
	problem, problemReason string
}

// prepare renders and composes one job. The seed makes the text the same on
// every attempt; a job that already has a Message-ID keeps it, and is asked
// about (FindSent) before it is sent again.
func (e *Engine) prepare(ctx context.Context, q store.Queries, cache *tickCache, inbox store.WorkspaceInbox,
	c *campaignState, seq *Sequence, w *store.JobWork, now time.Time) (prepared, error) {
	subject, body, err := seq.Render(w.Job.Step, w.Job.Variant, w.Lead, w.CampaignLead.FirstSubject)
	if err != nil {
		var missing *template.MissingFieldsError
		if errors.As(err, &missing) {
			return prepared{problemReason: rules.ReasonMissingField,
				problem: "The lead has no value for " + strings.Join(missing.Fields, ", ") + ", which the message needs."}, nil
		}
		return prepared{problemReason: rules.ReasonMessageInvalid, problem: err.Error()}, nil
	}
	f, err := cache.footer(ctx, q, inbox.WorkspaceID)
	if err != nil {
		return prepared{}, err
	}
	cl := &claim{w: *w, ws: inbox.WorkspaceID, inbox: inbox.Inbox, campaign: c.Campaign, seq: seq, subject: subject,
		checkFirst: w.Job.MessageID != "", campaignLoc: c.sched.Timezone}
	msgID := w.Job.MessageID
	if msgID == "" {
		msgID = mailmsg.NewMessageID(mailmsg.Domain(inbox.Email))
	}
	if w.Job.Step > 1 {
		cl.inReplyTo, cl.references = threadOf(w.CampaignLead)
	}
	msg := message{inbox: inbox.Inbox, lead: w.Lead, cl: w.CampaignLead, step: w.Job.Step, subject: subject, body: body,
		footer: f, unsubURL: e.unsub.URL(w.CampaignLead.ID), messageID: msgID, date: now,
		inReplyTo: cl.inReplyTo, references: cl.references}
	cl.msg, cl.text, err = compose(msg)
	if err != nil {
		return prepared{problemReason: rules.ReasonMessageInvalid, problem: err.Error()}, nil
	}
	return prepared{claim: cl}, nil
}

// stagger hands out a mailbox's next slots to a queue of jobs blocked by a
// mailbox rule, by asking Decide at successive moments as if each earlier
// job had gone in its slot. Slots are estimates: each job is decided again
// when its time comes.
type stagger struct {
	at    time.Time
	usage rules.InboxUsage
	day   string
}

func (s *stagger) slot(in rules.Input, notBefore time.Time, limits rules.InboxLimits, c *campaignState, rnd rules.Rand) time.Time {
	loc := limits.Timezone
	at := notBefore
	if s.at.After(at) {
		at = s.at
	}
	found := false
	for range 32 {
		u := s.usage
		if at.In(loc).Format(input.DayFormat) != s.day {
			u.SentToday = 0
		}
		in.Inbox.Usage = u
		if at.In(c.sched.Timezone).Format(input.DayFormat) != c.today {
			in.Campaign.SentToday = 0
		}
		d := rules.Decide(at, in)
		if d.Send {
			found = true
			break
		}
		if d.NotBefore.IsZero() {
			break
		}
		at = d.NotBefore
	}
	if !found {
		return notBefore
	}
	if day := at.In(loc).Format(input.DayFormat); day != s.day {
		s.day, s.usage.SentToday = day, 0
	}
	s.usage.SentToday++
	s.usage.LastSentAt, s.usage.Gap = at, rules.NextGap(limits, rnd)
	s.at = at
	return at
}
