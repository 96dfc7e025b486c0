package enrollment

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Statuses a stopped campaign lead can have; StopLeads refuses any other.
var stopStatuses = map[string]bool{
	store.CampaignLeadReplied:      true,
	store.CampaignLeadBounced:      true,
	store.CampaignLeadUnsubscribed: true,
	store.CampaignLeadSuppressed:   true,
	store.CampaignLeadFailed:       true,
	store.CampaignLeadStopped:      true,
	store.CampaignLeadCompleted:    true,
	store.CampaignLeadSkipped:      true,
}

// StopLeads ends campaign leads' sequences at once, which is what stopping
// means everywhere (the API, the Replies page, unsubscribes, erasure, the
// tick and the reply loop): each campaign lead gets the status (replied, bounced,
// unsubscribed, suppressed, failed, stopped or completed) and a reason a
// person can read, its scheduled, held and claimed-but-not-yet-sent jobs are
// canceled with the reason "lead_"+status, and a campaign whose last active
// lead this stopped is completed. Call it inside the transaction that
// records the cause (the stored reply, the bounce, the suppression), so both
// commit together. A status of replied also records `at` as the reply time
// unless one is recorded already.
//
// It runs three statements whatever the number of ids (a set per chunk of
// ids on SQLite, and per thousand for the jobs and campaigns), so a page of the reply
// loop or a tick's batch costs what one stop does. It takes the campaign
// leads in id order, then their jobs that are not sending, then the
// campaigns it completes in id order. Ids that are not campaign leads of the
// workspace are left alone; it returns how many campaign leads it stopped.
//
// A job the engine has already handed to the provider cannot be called
// back; when its outcome is recorded the engine sees the stopped status and
// schedules nothing after it. Stopping an already stopped lead again
// overwrites the status: the latest cause wins.
func StopLeads(ctx context.Context, tx *store.Tx, wsID string, campaignLeadIDs []string, status, reason string, at time.Time) (int, error) {
	return StopRepliedLeads(ctx, tx, wsID, campaignLeadIDs, nil, status, reason, at)
}

// StopRepliedLeads is StopLeads that also records when campaign leads
// replied (repliedAt: campaign lead id → time; an earlier recorded time is
// kept) in the statement that stops them, instead of a second update of the
// same rows (which on Postgres also re-runs the four foreign-key checks of a
// row already updated in the transaction): the reply loop, whose stops
// mostly follow replies. An id without a time there gets `at` when status is
// replied, as with StopLeads.
func StopRepliedLeads(ctx context.Context, tx *store.Tx, wsID string, campaignLeadIDs []string, repliedAt map[string]time.Time, status, reason string, at time.Time) (int, error) {
	if !stopStatuses[status] {
		return 0, fmt.Errorf("stop campaign leads: %q is not a stop status", status)
	}
	if len(campaignLeadIDs) == 0 {
		return 0, nil
	}
	s := tx.InWorkspace(wsID)
	stopped, campaigns, err := s.StopCampaignLeads(ctx, campaignLeadIDs, repliedAt, status, reason, at)
	if err != nil {
		return 0, fmt.Errorf("stop campaign leads: %w", err)
	}
	if len(stopped) == 0 {
		return 0, nil
	}
	if _, err := s.CancelPendingJobsOf(ctx, stopped, "lead_"+status, at); err != nil {
		return 0, fmt.Errorf("cancel jobs of stopped campaign leads: %w", err)
	}
	// Campaigns in id order, the order every transaction locks them in.
	slices.Sort(campaigns)
	completed, err := s.CompleteCampaignsIfDone(ctx, campaigns, at)
	if err != nil {
		return 0, fmt.Errorf("complete campaigns: %w", err)
	}
	if err := event.Record(ctx, tx.Queries, wsID, event.CampaignsCompleted(completed)...); err != nil {
		return 0, err
	}
	return len(stopped), nil
}

// StopLead is StopLeads for one campaign lead; ErrNotFound when the
// workspace has no such campaign lead.
func StopLead(ctx context.Context, tx *store.Tx, wsID, campaignLeadID, status, reason string, at time.Time) error {
	n, err := StopLeads(ctx, tx, wsID, []string{campaignLeadID}, status, reason, at)
	if err == nil && n == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("stop campaign lead %s: %w", campaignLeadID, err)
	}
	return nil
}

// StopLeadEverywhere stops a lead in every campaign of the workspace where
// it is still active: what a bounce, an unsubscribe, a suppression or an
// erasure means. It returns how many campaign leads it stopped.
func StopLeadEverywhere(ctx context.Context, tx *store.Tx, wsID, leadID, status, reason string, at time.Time) (int, error) {
	list, err := tx.InWorkspace(wsID).ActiveCampaignLeadsOfLeads(ctx, []string{leadID})
	if err != nil {
		return 0, err
	}
	ids := make([]string, len(list))
	for i, cl := range list {
		ids[i] = cl.ID
	}
	return StopLeads(ctx, tx, wsID, ids, status, reason, at)
}

// ReplyStop is what a reply does to a campaign lead in status clStatus of
// a campaign that does or does not stop on reply. An active lead of a
// campaign that stops on reply stops as replied (sequenceStopped). A
// completed one is counted as replied in the stats, its sequence being over
// already. Any other keeps its status (status is ""): only the reply time is
// recorded and, for an active lead, the steps go on. RecordReply and the
// reply loop, which decides a page of messages before writing them, both
// follow it.
func ReplyStop(clStatus string, stopOnReply bool) (status, reason string, sequenceStopped bool) {
	switch {
	case clStatus == store.CampaignLeadActive && stopOnReply:
		return store.CampaignLeadReplied, "the lead replied", true
	case clStatus == store.CampaignLeadCompleted:
		return store.CampaignLeadReplied, "replied after the last step", false
	}
	return "", "", false
}

// RecordReply notes that a campaign lead replied at `at`. When the campaign
// stops on reply (the default) the sequence stops with status replied;
// otherwise only the reply time is kept and the steps go on (ReplyStop). It
// reports whether the sequence stopped. Call it in the transaction that
// stores the inbound message.
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
	status, reason, stopped := ReplyStop(cl.Status, c.StopOnReply)
	if status == "" {
		return false, s.MarkCampaignLeadReplied(ctx, campaignLeadID, at)
	}
	// A stop as replied records the reply time too.
	return stopped, StopLead(ctx, tx, wsID, campaignLeadID, status, reason, at)
}
