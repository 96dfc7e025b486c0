package sending

import (
	"context"
	"fmt"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
)

// Statuses a stopped campaign lead can have; StopLead refuses any other.
var stopStatuses = map[string]bool{
	store.CampaignLeadReplied:      true,
	store.CampaignLeadBounced:      true,
	store.CampaignLeadUnsubscribed: true,
	store.CampaignLeadSuppressed:   true,
	store.CampaignLeadFailed:       true,
	store.CampaignLeadStopped:      true,
	store.CampaignLeadCompleted:    true,
}

// StopLead ends one campaign lead's sequence at once: it sets the campaign
// lead's status (replied, bounced, unsubscribed, suppressed, failed, stopped
// or completed) with a reason a person can read, cancels its scheduled, held
// and claimed-but-not-yet-sent jobs, and completes the campaign when that
// was its last active lead. Call it inside the transaction that records the
// cause (the stored reply, the bounce, the suppression), so both commit
// together.
//
// A job the engine has already handed to the provider cannot be called
// back; when its outcome is recorded the engine sees the stopped status and
// schedules nothing after it. Stopping an already stopped lead again
// overwrites the status: the latest cause wins.
func StopLead(ctx context.Context, tx *store.Tx, wsID, campaignLeadID, status, reason string) error {
	return stopLeadAt(ctx, tx, wsID, campaignLeadID, status, reason, time.Now().UTC())
}

func stopLeadAt(ctx context.Context, tx *store.Tx, wsID, campaignLeadID, status, reason string, at time.Time) error {
	if !stopStatuses[status] {
		return fmt.Errorf("stop campaign lead: %q is not a stop status", status)
	}
	s := tx.InWorkspace(wsID)
	campaignID, err := s.StopCampaignLead(ctx, campaignLeadID, status, reason, at)
	if err != nil {
		return fmt.Errorf("stop campaign lead %s: %w", campaignLeadID, err)
	}
	if _, err := s.CancelPendingJobs(ctx, campaignLeadID, "lead_"+status, at); err != nil {
		return fmt.Errorf("cancel jobs of campaign lead %s: %w", campaignLeadID, err)
	}
	if _, err := s.CompleteCampaignIfDone(ctx, campaignID, at); err != nil {
		return fmt.Errorf("complete campaign %s: %w", campaignID, err)
	}
	return nil
}

// StopLeadEverywhere stops a lead in every campaign of the workspace where
// it is still active: what a bounce, an unsubscribe, a suppression or an
// erasure means. It returns how many campaign leads it stopped.
func StopLeadEverywhere(ctx context.Context, tx *store.Tx, wsID, leadID, status, reason string) (int, error) {
	list, err := tx.InWorkspace(wsID).CampaignLeadsOfLead(ctx, leadID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, cl := range list {
		if cl.Status != store.CampaignLeadActive {
			continue
		}
		if err := StopLead(ctx, tx, wsID, cl.ID, status, reason); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// RecordReply notes that a campaign lead replied at `at`. When the campaign
// stops on reply (the default) the sequence stops with status replied;
// otherwise only the reply time is kept and the steps go on. It reports
// whether the sequence stopped. The reply loop calls it in the transaction
// that stores the inbound message.
func RecordReply(ctx context.Context, tx *store.Tx, wsID, campaignLeadID string, at time.Time) (stopped bool, err error) {
	s := tx.InWorkspace(wsID)
	cl, err := s.CampaignLead(ctx, campaignLeadID)
	if err != nil {
		return false, fmt.Errorf("campaign lead %s: %w", campaignLeadID, err)
	}
	c, err := s.Campaign(ctx, cl.CampaignID)
	if err != nil {
		return false, fmt.Errorf("campaign %s: %w", cl.CampaignID, err)
	}
	if !c.StopOnReply || cl.Status != store.CampaignLeadActive {
		if err := s.MarkCampaignLeadReplied(ctx, campaignLeadID, at); err != nil {
			return false, err
		}
		// A finished lead that replies still counts as replied in the stats.
		if cl.Status == store.CampaignLeadCompleted {
			_, err := s.StopCampaignLead(ctx, campaignLeadID, store.CampaignLeadReplied, "replied after the last step", at)
			return false, err
		}
		return false, nil
	}
	return true, stopLeadAt(ctx, tx, wsID, campaignLeadID, store.CampaignLeadReplied, "the lead replied", at)
}
