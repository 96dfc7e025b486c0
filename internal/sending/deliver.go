package sending

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// outcome is what the provider answered for one claim.
type outcome struct {
	c    *claim
	sent provider.SentMessage
	err  error
}

// sentBatch is a batch whose messages went out (or failed) and that is
// still to be recorded: closed waits until its mailboxes are closed, which
// for a mailbox that copies to Sent means its copies are stored.
type sentBatch struct {
	outcomes []outcome
	released []*claim
	closed   func()
	stops    []stop
	result   Result
}

// send checks suppression again, hands the claims over (claimed →
// sending) and sends them. The batch is recorded by finish.
func (e *Engine) send(ctx context.Context, b *batch) (*sentBatch, error) {
	sb := &sentBatch{stops: b.stops, result: b.result, closed: func() {}}
	if len(b.claims) == 0 {
		return sb, nil
	}
	claims, stopped, err := e.checkSuppressedAtSend(ctx, b.claims)
	if err != nil {
		return nil, err
	}
	sb.released = append(sb.released, stopped...)
	ids := make([]string, len(claims))
	for i, c := range claims {
		ids[i] = c.w.Job.ID
	}
	moved, err := e.st.StartSending(ctx, ids, e.env.Now())
	if err != nil {
		return nil, fmt.Errorf("start sending: %w", err)
	}
	var sendable []*claim
	for _, c := range claims {
		if moved[c.w.Job.ID] {
			sendable = append(sendable, c)
		} else {
			// A stop canceled it after the claim.
			sb.released = append(sb.released, c)
		}
	}
	sb.outcomes, sb.closed = e.sendAll(ctx, sendable)
	return sb, nil
}

// finish records a sent batch once its mailboxes are closed (a send is
// recorded only with its copy to Sent stored), then stops the leads the
// claim decided to stop. It adds what it did to sb.result.
func (e *Engine) finish(ctx context.Context, sb *sentBatch) error {
	sb.closed()
	if e.beforeFinish != nil {
		if err := e.beforeFinish(); err != nil {
			return err
		}
	}
	if sb.outcomes != nil || sb.released != nil { // a batch that claimed nothing has nothing to record
		if err := e.record(ctx, sb.outcomes, sb.released, &sb.result); err != nil {
			return err
		}
	}
	return e.applyStops(ctx, sb.stops)
}

// checkSuppressedAtSend asks the suppression list once more right before
// sending: an unsubscribe or a manual suppression may have landed since the
// claim. Suppressed claims are stopped (enrollment.StopLeads cancels the claimed job) and
// returned so their slots are given back.
func (e *Engine) checkSuppressedAtSend(ctx context.Context, claims []*claim) (keep, stopped []*claim, err error) {
	byWS := map[string][]string{}
	for _, c := range claims {
		byWS[c.ws] = append(byWS[c.ws], c.w.Lead.Email)
	}
	hit := map[string]bool{}
	for ws, emails := range byWS {
		found, err := e.st.InWorkspace(ws).SuppressedAmong(ctx, emails)
		if err != nil {
			return nil, nil, fmt.Errorf("suppression check: %w", err)
		}
		for email := range found {
			hit[ws+"\x00"+email] = true
		}
	}
	var stops []stop
	for _, c := range claims {
		if hit[c.ws+"\x00"+c.w.Lead.Email] {
			stopped = append(stopped, c)
			stops = append(stops, stop{c.ws, c.w.CampaignLead.ID, store.CampaignLeadSuppressed,
				"the address is on the suppression list"})
			continue
		}
		keep = append(keep, c)
	}
	return keep, stopped, e.applyStops(ctx, stops)
}

// sendAll sends the claims, Workers at a time, each mailbox opened once.
// Once the sends are over it closes the mailboxes in the background and
// returns a function that waits for that: the next batch is claimed and
// sent while this one's copies to Sent are stored.
func (e *Engine) sendAll(ctx context.Context, claims []*claim) (outcomes []outcome, closed func()) {
	outcomes = make([]outcome, len(claims))
	var mu sync.Mutex
	type opened struct {
		mb  provider.Mailbox
		err error
	}
	boxes := map[string]*opened{}
	open := func(c *claim) (provider.Mailbox, error) {
		mu.Lock()
		defer mu.Unlock()
		if o, ok := boxes[c.mailbox.ID]; ok {
			return o.mb, o.err
		}
		o := &opened{}
		o.mb, o.err = e.providers[c.mailbox.Provider](ctx, c.ws, c.mailbox)
		boxes[c.mailbox.ID] = o
		return o.mb, o.err
	}
	one := func(i int) {
		c := claims[i]
		outcomes[i].c = c
		mb, err := open(c)
		if err != nil {
			outcomes[i].err = err
			return
		}
		outcomes[i].sent, outcomes[i].err = e.sendOne(ctx, mb, c)
	}
	if e.workers <= 1 {
		for i := range claims {
			one(i)
		}
	} else {
		next := make(chan int)
		var wg sync.WaitGroup
		for range min(e.workers, len(claims)) {
			wg.Go(func() {
				for i := range next {
					one(i)
				}
			})
		}
		for i := range claims {
			next <- i
		}
		close(next)
		wg.Wait()
	}
	var closing sync.WaitGroup
	for _, o := range boxes {
		if o.mb != nil {
			closing.Go(func() { _ = o.mb.Close() })
		}
	}
	return outcomes, closing.Wait
}

// sendOne sends a claim. A claim whose job already had a Message-ID may
// have gone out on an earlier attempt (a timeout after the provider accepted
// it, a crash before the record): the provider is asked first.
func (e *Engine) sendOne(ctx context.Context, mb provider.Mailbox, c *claim) (provider.SentMessage, error) {
	// What the provider client logs of this send names the job.
	ctx = env.WithJob(env.WithCampaign(env.WithWorkspace(ctx, c.ws), c.campaign.ID), c.w.Job.ID)
	ctx, cancel := context.WithTimeout(ctx, e.sendTimeout)
	defer cancel()
	if c.checkFirst {
		sent, found, err := mb.FindSent(ctx, c.msg.MessageID)
		if err != nil {
			return provider.SentMessage{}, err
		}
		if found {
			return sent, nil
		}
	}
	return mb.Send(ctx, c.msg)
}

// record writes every outcome in one transaction: decideRecord decides
// the writes (no database), applyRecord makes them.
func (e *Engine) record(ctx context.Context, outcomes []outcome, released []*claim, res *Result) error {
	var sent, failed int
	err := e.st.InTxRetry(ctx, func(tx *store.Tx) error {
		now := e.env.Now()
		plan := decideRecord(outcomes, released, e.maxAttempts, now)
		var err error
		sent, err = e.applyRecord(ctx, tx.Queries, plan, now)
		failed = len(plan.failures)
		return err
	})
	if err != nil {
		return fmt.Errorf("record sends: %w", err)
	}
	res.Sent += sent
	res.Failed += failed
	for _, o := range outcomes {
		if o.err == nil {
			e.metrics.sent(o.c.mailbox.Provider)
		}
	}
	return nil
}

// recordPlan is what recording a batch writes, decided from the outcomes.
// The next steps depend on what RecordSent finds (a lead stopped since the
// claim gets none), so schedule adds them once it has answered.
type recordPlan struct {
	records    []store.SentRecord
	sentClaims map[string]*claim // job id → claim, for records
	failures   []failure
	// Slots given back (mailbox or campaign id → local days), mailboxes
	// to disconnect (id → why) and campaigns to check for completion
	// (id → workspace id).
	mailboxRelease, campaignRelease map[string][]string
	disconnect                      map[string]string
	done                            map[string]string
}

// failure is what recording does with a claim the provider did not take:
// hold it for a reconnect, fail it and its lead, or retry it.
type failure struct {
	c        *claim
	kind     provider.ErrorKind
	msg      string
	hold     bool      // Auth: held until the mailbox is reconnected
	failLead string    // set: the job failed, and the lead with this reason
	retryAt  time.Time // otherwise: the job runs again then
}

// decideRecord decides a batch's writes from the provider's answers: every
// released or failed claim gives its slots back; a sent claim is recorded.
func decideRecord(outcomes []outcome, released []*claim, maxAttempts int, now time.Time) *recordPlan {
	p := &recordPlan{sentClaims: map[string]*claim{}, mailboxRelease: map[string][]string{},
		campaignRelease: map[string][]string{}, disconnect: map[string]string{}, done: map[string]string{}}
	for _, c := range released {
		p.release(c)
	}
	for _, o := range outcomes {
		if o.err == nil {
			p.records = append(p.records, sentRecord(o.c, o.sent, now))
			p.sentClaims[o.c.w.Job.ID] = o.c
		}
	}
	for _, o := range outcomes {
		if o.err == nil {
			continue
		}
		c := o.c
		p.release(c)
		f := failure{c: c, kind: provider.Kind(o.err), msg: errorText(o.err)}
		switch f.kind {
		case provider.Auth:
			f.hold = true
			p.disconnect[c.mailbox.ID] = f.msg
		case provider.Permanent:
			f.failLead = "The provider refused the message: " + f.msg
		default: // Transient, RateLimited, anything unclassified
			attempts := c.w.Job.Attempts + 1
			if attempts >= maxAttempts {
				f.failLead = fmt.Sprintf("Gave up after %d attempts; the provider's last answer: %s", attempts, f.msg)
			} else {
				f.retryAt = now.Add(max(retryDelay(attempts), provider.RetryAfter(o.err)))
			}
		}
		if f.failLead != "" {
			p.done[c.campaign.ID] = c.ws
		}
		p.failures = append(p.failures, f)
	}
	return p
}

func (p *recordPlan) release(c *claim) {
	p.mailboxRelease[c.mailbox.ID] = append(p.mailboxRelease[c.mailbox.ID], c.mailboxDay)
	p.campaignRelease[c.campaign.ID] = append(p.campaignRelease[c.campaign.ID], c.campaignDay)
}

// schedule decides the next step of each recorded job from the campaign
// lead statuses RecordSent returned (job id → status): a lead still active
// with steps left gets its next job (by workspace); otherwise its campaign
// may be done.
func (p *recordPlan) schedule(statuses map[string]string, now time.Time) map[string][]store.SendJob {
	next := map[string][]store.SendJob{}
	for id, leadStatus := range statuses {
		c := p.sentClaims[id]
		if c.seq.isLast(c.w.Job.Step) || leadStatus != store.CampaignLeadActive {
			p.done[c.campaign.ID] = c.ws
			continue
		}
		next[c.ws] = append(next[c.ws], nextJob(c, now))
	}
	return next
}

// applyRecord makes a plan's writes and returns how many jobs were
// recorded sent. Rows are touched in the order the claim and
// enrollment.StopLeads use — jobs and campaign leads, then mailboxes by id,
// then campaigns by id — so concurrent ticks never deadlock.
func (e *Engine) applyRecord(ctx context.Context, q store.Queries, p *recordPlan, now time.Time) (int, error) {
	statuses, err := q.RecordSent(ctx, p.records, now)
	if err != nil {
		return 0, fmt.Errorf("record sent jobs: %w", err)
	}
	next := p.schedule(statuses, now)
	if err := recordSentEvents(ctx, q, p, statuses); err != nil {
		return 0, err
	}
	for _, f := range p.failures {
		e.metrics.failed(f.kind.String())
		if err := applyFailure(ctx, q, f, now); err != nil {
			return 0, err
		}
	}
	for ws, jobs := range next {
		if _, err := q.InWorkspace(ws).InsertSendJobs(ctx, jobs); err != nil {
			return 0, fmt.Errorf("schedule next steps: %w", err)
		}
	}
	for _, id := range sortedKeys(p.mailboxRelease) {
		for _, day := range p.mailboxRelease[id] {
			if err := q.ReleaseMailboxSlot(ctx, id, day); err != nil {
				return 0, err
			}
		}
	}
	for _, id := range sortedKeys(p.disconnect) {
		if err := disconnectMailbox(ctx, q, p, id, now); err != nil {
			return 0, err
		}
	}
	for _, id := range sortedKeys(p.campaignRelease) {
		for _, day := range p.campaignRelease[id] {
			if err := q.ReleaseCampaignSlot(ctx, id, day); err != nil {
				return 0, err
			}
		}
	}
	return len(statuses), completeCampaigns(ctx, q, p.done, now)
}

// applyFailure writes one failure's job (and lead) change.
func applyFailure(ctx context.Context, q store.Queries, f failure, now time.Time) error {
	job := f.c.w.Job.ID
	switch {
	case f.hold:
		return q.RecordHeld(ctx, job, "inbox_disconnected", f.msg, now)
	case f.failLead != "":
		if err := q.RecordFailed(ctx, job, f.msg, now); err != nil {
			return err
		}
		return q.FailCampaignLead(ctx, f.c.ws, f.c.w.CampaignLead.ID, f.failLead, now)
	default:
		return q.RecordRetry(ctx, job, f.retryAt, rules.ReasonRetry, f.msg, now)
	}
}

// completeCampaigns completes the campaigns (id → workspace id) that have
// nothing left to do, in id order, one statement per run of the same
// workspace: a batch is usually one workspace, and the runs keep the id
// order the claim locks campaigns in.
func completeCampaigns(ctx context.Context, q store.Queries, done map[string]string, now time.Time) error {
	ids := sortedKeys(done)
	for len(ids) > 0 {
		n := 1
		for n < len(ids) && done[ids[n]] == done[ids[0]] {
			n++
		}
		completed, err := q.InWorkspace(done[ids[0]]).CompleteCampaignsIfDone(ctx, ids[:n], now)
		if err != nil {
			return err
		}
		if err := event.Record(ctx, q, done[ids[0]], event.CampaignsCompleted(completed)...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// sentRecord is what RecordSent stores for a claim the provider accepted.
// The provider's Message-ID wins over ours when it rewrote it: replies
// quote what actually went out.
func sentRecord(c *claim, sent provider.SentMessage, now time.Time) store.SentRecord {
	msgID := c.msg.MessageID
	if sent.MessageID != "" {
		msgID = sent.MessageID
	}
	threadID := sent.ThreadID
	if threadID == "" {
		threadID = c.w.CampaignLead.ThreadID
	}
	refs := append(append([]string{}, c.references...), msgID)
	return store.SentRecord{JobID: c.w.Job.ID, WorkspaceID: c.ws, CampaignLeadID: c.w.CampaignLead.ID,
		MailboxID: c.mailbox.ID, Step: c.w.Job.Step, LastStep: c.seq.isLast(c.w.Job.Step), MessageID: msgID,
		ProviderMessageID: sent.ProviderID, ThreadID: threadID, InReplyTo: c.inReplyTo, References: refs,
		From: c.mailbox.Email, To: c.w.Lead.Email, Subject: c.subject, Body: c.text, SentAt: now}
}

// nextJob is the step after a claim's, due its delay after now in the
// campaign's zone, from the same mailbox.
func nextJob(c *claim, now time.Time) store.SendJob {
	next, _ := c.seq.followingJob(c.w.Job.Step, c.campaign.ID, c.w.CampaignLead, c.w.Lead.ID, c.mailbox.ID, c.campaignLoc, now)
	return next
}

// retryDelay backs off transient failures: 1, 2, 4 … minutes, at most an
// hour.
func retryDelay(attempts int) time.Duration {
	d := time.Minute << min(max(attempts-1, 0), 6)
	return min(d, time.Hour)
}

// errorText is the provider's answer for the user, never a secret (provider
// errors carry none).
func errorText(err error) string {
	s := err.Error()
	if len(s) > 500 {
		s = strings.ToValidUTF8(s[:500], "")
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
