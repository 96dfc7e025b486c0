// Package bounceguard pauses a campaign, or a mailbox, whose hard-bounce
// rate passes a threshold, before a bad list costs the mailbox its
// reputation. The rate is hard-bounced leads over leads contacted (whose
// first step went out): a bounce comes back for the first message, so
// counting follow-ups would only dilute it. A campaign is judged over its
// whole life, a mailbox over the last MailboxWindow of sends, across its
// campaigns. Nothing is judged before MinContacted leads were contacted.
//
// A pause says why in status_reason, is audited (campaign.paused or
// inbox.paused with by: bounce_guard and the figures) and holds the work
// like any pause. The guard remembers the bounce count it paused at: a
// person who resumes is not overruled until another hard bounce arrives.
package bounceguard

import (
	"context"
	"fmt"
	"time"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Defaults of a Guard.
const (
	DefaultThreshold     = 0.03
	DefaultMinContacted  = 20
	DefaultMailboxWindow = 7 * 24 * time.Hour
)

// Guard checks bounce rates. The zero values of its fields mean the
// defaults.
type Guard struct {
	Store         *store.Store
	Threshold     float64       // hard bounces / contacted above which to pause; default 3 %
	MinContacted  int           // no judgement before this many leads were contacted; default 20
	MailboxWindow time.Duration // a mailbox is judged on its sends this recent; default 7 days
	Env           env.Env       // the clock and the logger
}

// Result counts what one Check paused.
type Result struct {
	Campaigns int
	Mailboxes int
}

// Check pauses every active campaign and mailbox over the threshold.
func (g *Guard) Check(ctx context.Context) (Result, error) {
	var res Result
	now := g.Env.Now()
	campaigns, err := g.Store.CampaignBounceStats(ctx)
	if err != nil {
		return res, fmt.Errorf("campaign bounce stats: %w", err)
	}
	for _, b := range campaigns {
		paused, err := g.pause(ctx, b, now, "campaign")
		if err != nil {
			return res, err
		}
		if paused {
			res.Campaigns++
		}
	}
	mailboxes, err := g.Store.MailboxBounceStats(ctx, now.Add(-g.window()))
	if err != nil {
		return res, fmt.Errorf("mailbox bounce stats: %w", err)
	}
	for _, b := range mailboxes {
		paused, err := g.pause(ctx, b, now, "inbox")
		if err != nil {
			return res, err
		}
		if paused {
			res.Mailboxes++
		}
	}
	return res, nil
}

// Trips reports whether stats call for a pause under these settings.
func (g *Guard) Trips(b store.BounceStats) bool {
	if b.Contacted < g.minContacted() || b.Bounced <= b.GuardBounces {
		return false
	}
	return float64(b.Bounced) > g.threshold()*float64(b.Contacted)
}

func (g *Guard) pause(ctx context.Context, b store.BounceStats, now time.Time, target string) (bool, error) {
	if !g.Trips(b) {
		return false, nil
	}
	rate := 100 * float64(b.Bounced) / float64(b.Contacted)
	reason := fmt.Sprintf("Paused by the bounce guard: %d of %d contacted leads hard-bounced (%.1f %%, limit %.1f %%). "+
		"Clean the list, then resume.", b.Bounced, b.Contacted, rate, 100*g.threshold())
	if target == "inbox" {
		reason = fmt.Sprintf("Paused by the bounce guard: %d of the %d leads this mailbox first wrote to in the last %d days "+
			"hard-bounced (%.1f %%, limit %.1f %%). Check the lists of its campaigns, then resume it.",
			b.Bounced, b.Contacted, int(g.window()/(24*time.Hour)), rate, 100*g.threshold())
	}
	var changed bool
	err := g.Store.InTx(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(b.WorkspaceID)
		var err error
		if target == "campaign" {
			changed, err = q.PauseCampaignForBounces(ctx, b.ID, reason, b.Bounced, now)
		} else {
			changed, err = q.PauseMailboxForBounces(ctx, b.ID, reason, b.Bounced, now)
		}
		if err != nil || !changed {
			return err
		}
		if target == "campaign" {
			if err := event.Record(ctx, tx.Queries, b.WorkspaceID, event.CampaignChanged{Type: event.CampaignPaused,
				Campaign: event.Ref{ID: b.ID}, Reason: reason}); err != nil {
				return err
			}
		}
		return tx.InsertAudit(ctx, store.AuditEvent{WorkspaceID: b.WorkspaceID, Action: target + ".paused",
			TargetType: target, TargetID: b.ID, Data: map[string]any{"by": "bounce_guard", "contacted": b.Contacted,
				"hardBounced": b.Bounced, "thresholdPercent": 100 * g.threshold()}})
	})
	if err != nil {
		return false, fmt.Errorf("pause %s %s: %w", target, b.ID, err)
	}
	if changed {
		g.Env.Log().WarnContext(ctx, "bounce guard paused "+target, target+"_id", b.ID, "workspace_id", b.WorkspaceID,
			"contacted", b.Contacted, "hard_bounced", b.Bounced)
	}
	return changed, nil
}

func (g *Guard) threshold() float64 {
	if g.Threshold > 0 {
		return g.Threshold
	}
	return DefaultThreshold
}

func (g *Guard) minContacted() int {
	if g.MinContacted > 0 {
		return g.MinContacted
	}
	return DefaultMinContacted
}

func (g *Guard) window() time.Duration {
	if g.MailboxWindow > 0 {
		return g.MailboxWindow
	}
	return DefaultMailboxWindow
}
