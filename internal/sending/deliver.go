package sending

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

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

// deliver checks suppression again, hands the claims over (claimed →
// sending), sends them and records every outcome.
func (e *Engine) deliver(ctx context.Context, cache *tickCache, b *batch, res *Result) error {
	if len(b.claims) == 0 {
		return nil
	}
	var released []*claim
	claims, stopped, err := e.checkSuppressedAtSend(ctx, b.claims)
	if err != nil {
		return err
	}
	released = append(released, stopped...)
	ids := make([]string, len(claims))
	for i, c := range claims {
		ids[i] = c.w.Job.ID
	}
	moved, err := e.st.StartSending(ctx, ids, e.clock())
	if err != nil {
		return fmt.Errorf("start sending: %w", err)
	}
	var sendable []*claim
	for _, c := range claims {
		if moved[c.w.Job.ID] {
			sendable = append(sendable, c)
		} else {
			// A stop canceled it after the claim.
			released = append(released, c)
		}
	}
	outcomes := e.sendAll(ctx, sendable)
	return e.record(ctx, outcomes, released, res)
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
func (e *Engine) sendAll(ctx context.Context, claims []*claim) []outcome {
	outcomes := make([]outcome, len(claims))
	var mu sync.Mutex
	type opened struct {
		mb  provider.Mailbox
		err error
	}
	boxes := map[string]*opened{}
	open := func(c *claim) (provider.Mailbox, error) {
		mu.Lock()
		defer mu.Unlock()
		if o, ok := boxes[c.inbox.ID]; ok {
			return o.mb, o.err
		}
		o := &opened{}
		o.mb, o.err = e.providers[c.inbox.Provider](ctx, c.ws, c.inbox)
		boxes[c.inbox.ID] = o
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
	for _, o := range boxes {
		if o.mb != nil {
			_ = o.mb.Close()
		}
	}
	return outcomes
}

// sendOne sends a claim. A claim whose job already had a Message-ID may
// have gone out on an earlier attempt (a timeout after the provider accepted
// it, a crash before the record): the provider is asked first.
func (e *Engine) sendOne(ctx context.Context, mb provider.Mailbox, c *claim) (provider.SentMessage, error) {
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

// record writes every outcome in one transaction. Rows are touched in the
// order the claim and enrollment.StopLeads use — jobs and campaign leads, then mailboxes
// by id, then campaigns by id — so concurrent ticks never deadlock.
func (e *Engine) record(ctx context.Context, outcomes []outcome, released []*claim, res *Result) error {
	var sent, failed int
	err := e.st.InTxRetry(ctx, func(tx *store.Tx) error {
		sent, failed = 0, 0
		now := e.clock()
		q := tx.Queries
		inboxRelease := map[string][]string{} // inbox id → days
		campaignRelease := map[string][]string{}
		release := func(c *claim) {
			inboxRelease[c.inbox.ID] = append(inboxRelease[c.inbox.ID], c.inboxDay)
			campaignRelease[c.campaign.ID] = append(campaignRelease[c.campaign.ID], c.campaignDay)
		}
		for _, c := range released {
			release(c)
		}
		disconnect := map[string]string{}
		done := map[string]string{} // campaign id → workspace id, to check for completion
		next := map[string][]store.SendJob{}
		var records []store.SentRecord
		sentClaims := map[string]*claim{}
		for _, o := range outcomes {
			if o.err == nil {
				records = append(records, sentRecord(o.c, o.sent, now))
				sentClaims[o.c.w.Job.ID] = o.c
			}
		}
		statuses, err := q.RecordSent(ctx, records, now)
		if err != nil {
			return fmt.Errorf("record sent jobs: %w", err)
		}
		for id, leadStatus := range statuses {
			c := sentClaims[id]
			sent++
			if c.w.Job.Step >= len(c.seq.Steps) || leadStatus != store.CampaignLeadActive {
				done[c.campaign.ID] = c.ws
				continue
			}
			next[c.ws] = append(next[c.ws], nextJob(c, now))
		}
		for _, o := range outcomes {
			c := o.c
			if o.err == nil {
				continue
			}
			failed++
			kind := provider.Kind(o.err)
			e.metrics.failed(kind.String())
			msg := errorText(o.err)
			switch kind {
			case provider.Auth:
				release(c)
				disconnect[c.inbox.ID] = msg
				if err := q.RecordHeld(ctx, c.w.Job.ID, "inbox_disconnected", msg, now); err != nil {
					return err
				}
			case provider.Permanent:
				release(c)
				if err := q.RecordFailed(ctx, c.w.Job.ID, msg, now); err != nil {
					return err
				}
				if err := q.FailCampaignLead(ctx, c.ws, c.w.CampaignLead.ID, "The provider refused the message: "+msg, now); err != nil {
					return err
				}
				done[c.campaign.ID] = c.ws
			default: // Transient, RateLimited, anything unclassified
				release(c)
				attempts := c.w.Job.Attempts + 1
				if attempts >= e.maxAttempts {
					if err := q.RecordFailed(ctx, c.w.Job.ID, msg, now); err != nil {
						return err
					}
					reason := fmt.Sprintf("Gave up after %d attempts; the provider's last answer: %s", attempts, msg)
					if err := q.FailCampaignLead(ctx, c.ws, c.w.CampaignLead.ID, reason, now); err != nil {
						return err
					}
					done[c.campaign.ID] = c.ws
					continue
				}
				runAt := now.Add(max(retryDelay(attempts), provider.RetryAfter(o.err)))
				if err := q.RecordRetry(ctx, c.w.Job.ID, runAt, rules.ReasonRetry, msg, now); err != nil {
					return err
				}
			}
		}
		for ws, jobs := range next {
			if _, err := q.InWorkspace(ws).InsertSendJobs(ctx, jobs); err != nil {
				return fmt.Errorf("schedule next steps: %w", err)
			}
		}
		for _, id := range sortedKeys(inboxRelease) {
			for _, day := range inboxRelease[id] {
				if err := q.ReleaseInboxSlot(ctx, id, day); err != nil {
					return err
				}
			}
		}
		for _, id := range sortedKeys(disconnect) {
			if err := q.DisconnectInbox(ctx, id, disconnect[id], now); err != nil {
				return err
			}
		}
		for _, id := range sortedKeys(campaignRelease) {
			for _, day := range campaignRelease[id] {
				if err := q.ReleaseCampaignSlot(ctx, id, day); err != nil {
					return err
				}
			}
		}
		// Campaigns in id order, one statement per run of the same
		// workspace: a batch is usually one workspace, and the runs keep
		// the id order the claim locks campaigns in.
		ids := sortedKeys(done)
		for len(ids) > 0 {
			n := 1
			for n < len(ids) && done[ids[n]] == done[ids[0]] {
				n++
			}
			if _, err := q.InWorkspace(done[ids[0]]).CompleteCampaignsIfDone(ctx, ids[:n], now); err != nil {
				return err
			}
			ids = ids[n:]
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record sends: %w", err)
	}
	res.Sent += sent
	res.Failed += failed
	for _, o := range outcomes {
		if o.err == nil {
			e.metrics.sent(o.c.inbox.Provider)
		}
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
		InboxID: c.inbox.ID, Step: c.w.Job.Step, LastStep: c.w.Job.Step >= len(c.seq.Steps), MessageID: msgID,
		ProviderMessageID: sent.ProviderID, ThreadID: threadID, InReplyTo: c.inReplyTo, References: refs,
		From: c.inbox.Email, To: c.w.Lead.Email, Subject: c.subject, Body: c.text, SentAt: now}
}

// nextJob is the step after a claim's, due its delay after now in the
// campaign's zone, from the same mailbox.
func nextJob(c *claim, now time.Time) store.SendJob {
	step := c.w.Job.Step + 1
	due := c.seq.Steps[step-1].Delay.After(now, c.campaignLoc)
	return store.SendJob{CampaignID: c.campaign.ID, CampaignLeadID: c.w.CampaignLead.ID, LeadID: c.w.Lead.ID,
		InboxID: c.inbox.ID, Step: step, Variant: rules.VariantFor(c.w.CampaignLead.ID, step, len(c.seq.Steps[step-1].Variants)),
		DueAt: due, RunAt: due}
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
