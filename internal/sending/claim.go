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
	"github.com/leadbitz/leadbitz/internal/routing"
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
	if perr == nil {
		routesJSON, skipJSON, err := q.InWorkspace(ws).SequenceRoutes(ctx, campaignID)
		if err != nil {
			return nil, err
		}
		defs, skips, err := routing.Parse(routesJSON, skipJSON)
		if perr = err; perr == nil {
			perr = attachRoutes(seq, defs, skips)
		}
	}
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
	mailbox     store.Mailbox
	campaign    store.Campaign
	seq         *Sequence
	subject     string
	text        string // the body as sent: template, signature, footer
	msg         provider.OutgoingMessage
	inReplyTo   string
	references  []string // the thread's ids before this message
	checkFirst  bool     // an earlier attempt may have gone out: ask FindSent first
	mailboxDay  string   // the local days the slots were reserved on
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
	usage     []store.MailboxUsage
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
		now := e.env.Now()
		q := tx.Queries
		picked, err := q.LockDueJobs(ctx, now, e.batchSize)
		if err != nil || len(picked) == 0 {
			return err
		}
		b.picked = len(picked)
		mailboxIDs := distinctValues(picked)
		mailboxes, err := q.LockMailboxes(ctx, mailboxIDs)
		if err != nil {
			return err
		}
		if len(mailboxIDs) > 0 {
			more, err := q.LockDueJobsOfMailboxes(ctx, mailboxIDs, now, e.queueLimit)
			if err != nil {
				return err
			}
			for id, mailbox := range more {
				picked[id] = mailbox
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
		byMailbox := map[string][]*store.JobWork{}
		for i := range work {
			byMailbox[work[i].Job.MailboxID] = append(byMailbox[work[i].Job.MailboxID], &work[i])
		}
		// Jobs whose lead has no mailbox wait for one.
		for _, w := range byMailbox[""] {
			if err := e.hold(ctx, q, b, w, rules.ReasonNoMailbox, "No mailbox of the campaign can send for this lead.", now); err != nil {
				return err
			}
		}
		t := claimTx{q: q, cache: cache, b: b, camps: camps, suppressed: suppressed, now: now}
		for _, mailbox := range mailboxes {
			if err := e.claimMailbox(ctx, t, mailbox, byMailbox[mailbox.ID]); err != nil {
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
		if err := q.SaveMailboxesUsage(ctx, b.usage, now); err != nil {
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

// mailboxLevel are the reasons that belong to the mailbox: a queue of jobs
// blocked by one of them is spread over the mailbox's next slots instead of
// all waking at the same instant.
var mailboxLevel = map[rules.Reason]bool{rules.ReasonMinGap: true, rules.ReasonMailboxDailyCap: true, rules.ReasonRampLimit: true}

// claimMailbox claims one mailbox's due jobs: it loads what deciding needs
// (the campaigns' sequences, the workspace's footer), decides every job
// with decideMailbox, then applies the decisions in the claim's transaction.
func (e *Engine) claimMailbox(ctx context.Context, t claimTx, mailbox store.WorkspaceMailbox, jobs []*store.JobWork) error {
	if len(jobs) == 0 {
		return nil
	}
	seqs, err := sequencesOf(ctx, t, mailbox.WorkspaceID, jobs)
	if err != nil {
		return err
	}
	f, err := t.cache.footer(ctx, t.q, mailbox.WorkspaceID)
	if err != nil {
		return err
	}
	_, canSend := e.providers[mailbox.Provider]
	replied, err := repliedElsewhereOf(ctx, t.q, mailbox.WorkspaceID, seqs, jobs)
	if err != nil {
		return err
	}
	actions, usage, err := decideMailbox(mailboxClaim{mailbox: mailbox, jobs: jobs, camps: t.camps, seqs: seqs,
		repliedElsewhere: replied,
		suppressed:       t.suppressed, canSend: canSend, hasAddress: f.address != "", now: t.now, rnd: e.rnd,
		prepare: func(c *campaignState, seq *Sequence, w *store.JobWork) prepared {
			return e.prepare(mailbox, c, seq, w, f, t.now)
		}})
	if err != nil {
		return err
	}
	if err := e.applyMailbox(ctx, t.q, t.b, actions, t.now); err != nil {
		return err
	}
	if usage != nil {
		t.b.usage = append(t.b.usage, *usage)
	}
	return recordLimitReached(ctx, t.q, mailbox, usage, t.now)
}

// claimTx is what one claim transaction shares between its mailboxes: the
// transaction, the tick's cache, the batch being built, the locked
// campaigns, the suppression answers and the claim's time.
type claimTx struct {
	q          store.Queries
	cache      *tickCache
	b          *batch
	camps      map[string]*campaignState
	suppressed map[string]bool
	now        time.Time
}

// sequencesOf loads the parsed sequence of each locked campaign with a
// readable schedule among the jobs' (from the tick's cache). A sequence
// whose templates no longer parse is kept with its error: its jobs are
// held; any other error ends the claim.
func sequencesOf(ctx context.Context, t claimTx, ws string, jobs []*store.JobWork) (map[string]loadedSequence, error) {
	seqs := map[string]loadedSequence{}
	for _, w := range jobs {
		c := t.camps[w.Job.CampaignID]
		if c == nil || !c.schedOK {
			continue
		}
		if _, ok := seqs[c.ID]; ok {
			continue
		}
		seq, err := t.cache.sequence(ctx, t.q, ws, c.ID)
		var syn *template.SyntaxError
		if err != nil && !errors.As(err, &syn) {
			return nil, err
		}
		seqs[c.ID] = loadedSequence{seq: seq, err: err}
	}
	return seqs, nil
}

// loadedSequence is a campaign's parsed sequence, or the syntax error that
// keeps its jobs from being rendered.
type loadedSequence struct {
	seq *Sequence
	err error
}

// mailboxClaim is everything decideMailbox reads: one mailbox's due jobs and
// what the claim locked and loaded for them.
type mailboxClaim struct {
	mailbox    store.WorkspaceMailbox
	jobs       []*store.JobWork
	camps      map[string]*campaignState // locked, by id; decideMailbox counts its reservations in them
	seqs       map[string]loadedSequence // by campaign id
	suppressed map[string]bool           // workspace id + "\x00" + address
	canSend    bool                      // this build has the mailbox's provider
	hasAddress bool                      // the workspace has a postal address for the footer
	// prepare renders and composes a job that may go (Engine.prepare).
	prepare func(c *campaignState, seq *Sequence, w *store.JobWork) prepared
	now     time.Time
	rnd     rules.Rand
	// repliedElsewhere: lead ids that replied in another campaign, for
	// the skipIf conditions that ask (routes.go).
	repliedElsewhere map[string]bool
}

// actionKind is what the claim does with a job.
type actionKind int

const (
	actHold   actionKind = iota // held until a person acts (reason, detail)
	actCancel                   // canceled (reason), then stop, if any, applied after the claim
	actStop                     // stop applied after the claim; the stop cancels the job
	actDefer                    // moved to runAt (reason)
	actClaim                    // claimed: claim is ready to send
	actSkip                     // skipped by its condition (detail); next is the following job, if any
)

// jobAction is decideMailbox's decision for one job.
type jobAction struct {
	w      *store.JobWork
	kind   actionKind
	reason string
	detail string
	runAt  time.Time
	stop   *stop
	claim  *claim
	next   *store.SendJob // actSkip: the following step's job
}

// decideMailbox decides one mailbox's due jobs in order, follow-ups first
// (they keep threads alive), then by due time, each against the usage the
// jobs before it reserved. It touches no database: it returns what to do
// with each job and the mailbox's usage to save (nil when no slot was
// reserved), and counts reserved sends in the campaigns' states.
func decideMailbox(in mailboxClaim) ([]jobAction, *store.MailboxUsage, error) {
	jobs := in.jobs
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
	actions := make([]jobAction, 0, len(jobs))
	holdAll := func(reason, detail string) ([]jobAction, *store.MailboxUsage, error) {
		for _, w := range jobs {
			actions = append(actions, jobAction{w: w, kind: actHold, reason: reason, detail: detail})
		}
		return actions, nil, nil
	}
	limits, err := input.Limits(in.mailbox.Mailbox)
	if err != nil {
		return holdAll(string(rules.ReasonMailboxError), "The mailbox's time zone is invalid: "+err.Error())
	}
	if !in.canSend {
		return holdAll(rules.ReasonProviderUnavailable, fmt.Sprintf("This build cannot send through %s mailboxes yet.", in.mailbox.Provider))
	}
	d := &mailboxDecider{mailboxClaim: in, limits: limits, today: in.now.In(limits.Timezone).Format(input.DayFormat),
		u: input.Usage(in.mailbox.Mailbox, limits.Timezone, in.now)}
	for _, w := range jobs {
		a, err := d.decide(w)
		if err != nil {
			return nil, nil, err
		}
		actions = append(actions, a)
	}
	if !d.reserved {
		return actions, nil, nil
	}
	return actions, &store.MailboxUsage{ID: in.mailbox.ID, SentToday: d.u.SentToday, Date: d.today,
		LastSentAt: d.u.LastSentAt, NextSendAt: d.u.LastSentAt.Add(d.u.Gap)}, nil
}

// mailboxDecider decides a mailbox's jobs one after the other, keeping the
// usage the jobs before reserved.
type mailboxDecider struct {
	mailboxClaim
	limits   rules.MailboxLimits
	today    string // the mailbox's local date
	u        rules.MailboxUsage
	reserved bool
	spread   *stagger // the queue of jobs a mailbox rule blocks, once one is
}

// decide is the action for one job.
func (d *mailboxDecider) decide(w *store.JobWork) (jobAction, error) {
	c := d.camps[w.Job.CampaignID]
	if c == nil {
		return jobAction{}, fmt.Errorf("job %s: campaign %s not locked", w.Job.ID, w.Job.CampaignID)
	}
	if !c.schedOK {
		return jobAction{w: w, kind: actHold, reason: string(rules.ReasonScheduleInvalid),
			detail: "The campaign's schedule cannot be read."}, nil
	}
	seq := d.seqs[c.ID]
	if seq.err != nil {
		return jobAction{w: w, kind: actHold, reason: rules.ReasonMessageInvalid, detail: seq.err.Error()}, nil
	}
	if why := offTrack(w.Job.Step, w.CampaignLead); why != "" {
		// A reply route took the lead off this track (internal/routing).
		return jobAction{w: w, kind: actCancel, reason: why}, nil
	}
	if seq.seq.stepAt(w.Job.Step) == nil {
		// The sequence was shortened: the lead has had every step.
		a := jobAction{w: w, kind: actCancel, reason: rules.ReasonStepRemoved}
		if w.CampaignLead.Status == store.CampaignLeadActive {
			a.stop = &stop{d.mailbox.WorkspaceID, w.CampaignLead.ID, store.CampaignLeadCompleted,
				fmt.Sprintf("the sequence has no step %d any more", w.Job.Step)}
		}
		return a, nil
	}
	ri := rules.Input{Schedule: c.sched,
		Campaign: rules.Campaign{Status: rules.CampaignStatus(c.Status), DailyLimit: c.DailyLimit, SentToday: c.SentToday,
			AllowRisky: c.AllowRisky},
		Mailbox: rules.Mailbox{Email: d.mailbox.Email, Status: rules.MailboxStatus(d.mailbox.Status), Limits: d.limits, Usage: d.u},
		Lead:    input.LeadSide(w.Lead, w.CampaignLead, d.suppressed[d.mailbox.WorkspaceID+"\x00"+w.Lead.Email]),
		Due:     w.Job.DueAt}
	dec := rules.Decide(d.now, ri)
	switch {
	case dec.Send:
		if skip, detail := seq.seq.skipOf(w.Job.Step, w.Lead, d.repliedElsewhere[w.Lead.ID]); skip {
			return d.skip(c, seq.seq, w, detail), nil
		}
		return d.send(c, seq.seq, w), nil
	case dec.Reason == rules.ReasonLeadStopped:
		a := jobAction{w: w, kind: actCancel, reason: "lead_" + string(ri.Lead.Status)}
		if w.CampaignLead.Status == store.CampaignLeadActive {
			status, reason := leadStop(w.Lead.Status)
			a.stop = &stop{d.mailbox.WorkspaceID, w.CampaignLead.ID, status, reason}
		}
		return a, nil
	case dec.Reason == rules.ReasonSuppressed:
		return jobAction{w: w, kind: actStop, stop: &stop{d.mailbox.WorkspaceID, w.CampaignLead.ID,
			store.CampaignLeadSuppressed, "the address is on the suppression list"}}, nil
	case dec.Reason == rules.ReasonUndeliverable || dec.Reason == rules.ReasonRisky:
		return jobAction{w: w, kind: actStop, stop: &stop{d.mailbox.WorkspaceID, w.CampaignLead.ID,
			store.CampaignLeadSkipped, rules.SkipReason(ri.Lead.Verification, ri.Lead.VerifyReasons)}}, nil
	case dec.NotBefore.IsZero():
		return jobAction{w: w, kind: actHold, reason: string(dec.Reason), detail: dec.Detail()}, nil
	}
	runAt := dec.NotBefore
	if mailboxLevel[dec.Reason] {
		if d.spread == nil {
			d.spread = &stagger{at: d.now, usage: d.u, day: d.today}
		}
		runAt = d.spread.slot(ri, dec.NotBefore, d.limits, c, d.rnd)
	}
	return jobAction{w: w, kind: actDefer, reason: string(dec.Reason), runAt: runAt}, nil
}

// send claims a job every rule lets go, reserving its slot in the
// mailbox's and the campaign's counts, unless it cannot go yet after all:
// the workspace has no postal address, or the message cannot be rendered.
func (d *mailboxDecider) send(c *campaignState, seq *Sequence, w *store.JobWork) jobAction {
	if !d.hasAddress {
		// Launch requires the address; a workspace that removed it since,
		// or launched before it was required, sends nothing until it has
		// one again.
		return jobAction{w: w, kind: actDefer, reason: rules.ReasonNoPostalAddress, runAt: d.now.Add(noAddressWait)}
	}
	p := d.prepare(c, seq, w)
	if p.problem != "" {
		return jobAction{w: w, kind: actHold, reason: p.problemReason, detail: p.problem}
	}
	p.mailboxDay, p.campaignDay = d.today, c.today
	d.u.SentToday++
	d.u.LastSentAt, d.u.Gap = d.now, rules.NextGap(d.limits, d.rnd)
	c.SentToday++
	c.changed, d.reserved = true, true
	return jobAction{w: w, kind: actClaim, claim: p.claim}
}

// applyMailbox carries out decideMailbox's decisions in the claim's
// transaction: holds and cancels at once, deferrals, claims and stops
// gathered into the batch for one statement each (the stops after the claim
// commits: enrollment.StopLeads cancels a suppressed lead's job then).
func (e *Engine) applyMailbox(ctx context.Context, q store.Queries, b *batch, actions []jobAction, now time.Time) error {
	for _, a := range actions {
		switch a.kind {
		case actHold:
			if err := e.hold(ctx, q, b, a.w, a.reason, a.detail, now); err != nil {
				return err
			}
			continue
		case actCancel:
			if err := q.CancelJob(ctx, a.w.Job.ID, a.reason, now); err != nil {
				return err
			}
		case actDefer:
			b.deferrals = append(b.deferrals, store.Deferral{ID: a.w.Job.ID, RunAt: a.runAt, Reason: a.reason})
			b.result.Deferred++
			e.metrics.deferred(a.reason)
		case actClaim:
			b.claims = append(b.claims, a.claim)
		case actSkip:
			if err := applySkip(ctx, q, a, now); err != nil {
				return err
			}
		}
		b.result.Processed++
		if a.stop != nil {
			b.stops = append(b.stops, *a.stop)
		}
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
func (e *Engine) prepare(mailbox store.WorkspaceMailbox, c *campaignState, seq *Sequence, w *store.JobWork,
	f footer, now time.Time) prepared {
	subject, body, err := seq.Render(w.Job.Step, w.Job.Variant, w.Lead, w.CampaignLead.FirstSubject)
	if err != nil {
		var missing *template.MissingFieldsError
		if errors.As(err, &missing) {
			return prepared{problemReason: rules.ReasonMissingField,
				problem: "The lead has no value for " + strings.Join(missing.Fields, ", ") + ", which the message needs."}
		}
		return prepared{problemReason: rules.ReasonMessageInvalid, problem: err.Error()}
	}
	cl := &claim{w: *w, ws: mailbox.WorkspaceID, mailbox: mailbox.Mailbox, campaign: c.Campaign, seq: seq, subject: subject,
		checkFirst: w.Job.MessageID != "", campaignLoc: c.sched.Timezone}
	msgID := w.Job.MessageID
	if msgID == "" {
		msgID = mailmsg.NewMessageID(mailmsg.Domain(mailbox.Email))
	}
	if w.Job.Step > 1 {
		cl.inReplyTo, cl.references = threadOf(w.CampaignLead)
	}
	msg := message{mailbox: mailbox.Mailbox, lead: w.Lead, cl: w.CampaignLead, step: w.Job.Step, subject: subject, body: body,
		footer: f, unsubURL: e.unsub.URL(w.CampaignLead.ID), messageID: msgID, date: now,
		inReplyTo: cl.inReplyTo, references: cl.references}
	cl.msg, cl.text, err = compose(msg)
	if err != nil {
		return prepared{problemReason: rules.ReasonMessageInvalid, problem: err.Error()}
	}
	return prepared{claim: cl}
}

// stagger hands out a mailbox's next slots to a queue of jobs blocked by a
// mailbox rule, by asking Decide at successive moments as if each earlier
// job had gone in its slot. Slots are estimates: each job is decided again
// when its time comes.
type stagger struct {
	at    time.Time
	usage rules.MailboxUsage
	day   string
}

func (s *stagger) slot(in rules.Input, notBefore time.Time, limits rules.MailboxLimits, c *campaignState, rnd rules.Rand) time.Time {
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
		in.Mailbox.Usage = u
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
