package sending

import (
	"context"
	"fmt"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/timezone"
)

// recoverStale resolves jobs whose tick died between claim and record (a
// crash, a kill, a lost database connection), found claimed or sending for
// longer than the lease:
//
//   - claimed: never handed to the provider, so it goes back to scheduled
//     and its reserved slot is given back;
//   - sending: it may have left. The provider is asked whether our
//     Message-ID went out (FindSent): if it did, the send is recorded as if
//     the tick had finished; if not, the job goes back to scheduled with
//     its Message-ID, so the next attempt asks again before sending.
//
// Nothing is ever sent twice: a job is only re-sent after the provider said
// it has not seen its Message-ID.
func (e *Engine) recoverStale(ctx context.Context, res *Result) error {
	now := e.env.Now()
	jobs, err := e.st.StaleJobs(ctx, now.Add(-e.lease), 200)
	if err != nil {
		return fmt.Errorf("find stale jobs: %w", err)
	}
	for _, j := range jobs {
		if err := e.recoverJob(ctx, j, res); err != nil {
			e.env.Log().ErrorContext(ctx, "recovering a stale send job failed", "job_id", j.ID, "workspace_id", j.WorkspaceID, "err", err)
		}
	}
	return nil
}

func (e *Engine) recoverJob(ctx context.Context, j store.SendJob, res *Result) error {
	if j.ClaimedAt == nil || j.MailboxID == "" {
		return nil
	}
	mailboxes, err := e.st.LockMailboxes(ctx, []string{j.MailboxID})
	if err != nil || len(mailboxes) == 0 {
		return err
	}
	mailbox := mailboxes[0]
	if j.Status == store.JobSending {
		open, ok := e.providers[mailbox.Provider]
		if !ok {
			return nil
		}
		mb, err := open(ctx, j.WorkspaceID, mailbox.Mailbox)
		if err != nil {
			return err
		}
		fctx, cancel := context.WithTimeout(ctx, e.sendTimeout)
		sent, found, err := mb.FindSent(fctx, j.MessageID)
		cancel()
		_ = mb.Close()
		if err != nil {
			return fmt.Errorf("ask the provider about %s: %w", j.MessageID, err)
		}
		if found {
			return e.recordRecovered(ctx, j, mailbox, sent, res)
		}
	}
	now := e.env.Now()
	return e.st.InTxRetry(ctx, func(tx *store.Tx) error {
		ok, err := tx.RequeueStale(ctx, j.ID, j.Status, *j.ClaimedAt, now, now)
		if err != nil || !ok {
			return err
		}
		res.Processed++
		return releaseAt(ctx, tx.Queries, j, mailbox.Mailbox, *j.ClaimedAt)
	})
}

// releaseAt gives back the slots a stale claim reserved on its claim day.
func releaseAt(ctx context.Context, q store.Queries, j store.SendJob, mailbox store.Mailbox, claimedAt time.Time) error {
	if loc, err := timezone.Location(mailbox.Timezone); err == nil {
		if err := q.ReleaseMailboxSlot(ctx, mailbox.ID, claimedAt.In(loc).Format(input.DayFormat)); err != nil {
			return err
		}
	}
	camps, err := q.LockCampaigns(ctx, []string{j.CampaignID})
	if err != nil || len(camps) == 0 {
		return err
	}
	if loc, err := timezone.Location(camps[0].Timezone); err == nil {
		return q.ReleaseCampaignSlot(ctx, j.CampaignID, claimedAt.In(loc).Format(input.DayFormat))
	}
	return nil
}

// recordRecovered records a send the provider confirms went out, rebuilding
// the claim (the text renders the same from its seed).
func (e *Engine) recordRecovered(ctx context.Context, j store.SendJob, mailbox store.WorkspaceMailbox, sent provider.SentMessage, res *Result) error {
	work, err := e.st.JobsWork(ctx, []string{j.ID})
	if err != nil || len(work) == 0 {
		return err
	}
	camps, err := e.st.LockCampaigns(ctx, []string{j.CampaignID})
	if err != nil || len(camps) == 0 {
		return err
	}
	c := &campaignState{WorkspaceCampaign: camps[0]}
	if c.sched, err = input.Schedule(c.Campaign); err != nil {
		return err
	}
	cache := newTickCache()
	seq, err := cache.sequence(ctx, e.st.Queries, j.WorkspaceID, j.CampaignID)
	if err != nil {
		return err
	}
	f, err := cache.footer(ctx, e.st.Queries, j.WorkspaceID)
	if err != nil {
		return err
	}
	p := e.prepare(mailbox, c, seq, &work[0], f, e.env.Now())
	if p.claim == nil {
		return fmt.Errorf("job %s went out but cannot be rendered again: %s", j.ID, p.problem)
	}
	before := res.Sent
	if err := e.record(ctx, []outcome{{c: p.claim, sent: sent}}, nil, res); err != nil {
		return err
	}
	res.Processed += res.Sent - before
	return nil
}
