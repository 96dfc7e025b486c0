package sending

import (
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/store"
)

// recordSentEvents writes, in the record's transaction, email.sent for each
// job RecordSent recorded (statuses: job id → its campaign lead's status
// after the record) and lead.sequence_finished for a last step.
func recordSentEvents(ctx context.Context, q store.Queries, p *recordPlan, statuses map[string]string) error {
	byWS := map[string][]event.Data{}
	records := make(map[string]store.SentRecord, len(p.records))
	for _, r := range p.records {
		records[r.JobID] = r
	}
	for _, id := range sortedKeys(statuses) {
		c := p.sentClaims[id]
		campaign := event.Ref{ID: c.campaign.ID, Name: c.campaign.Name}
		lead := event.LeadOf(c.w.Lead) // as the claim read it: no second read
		msgID := c.msg.MessageID
		if r, ok := records[id]; ok {
			msgID = r.MessageID
		}
		byWS[c.ws] = append(byWS[c.ws], event.Sent{Campaign: campaign, Step: c.w.Job.Step, Variant: c.w.Job.Variant,
			Mailbox: event.Ref{ID: c.mailbox.ID, Name: c.mailbox.Email}, Lead: lead,
			FirstInSequence: c.w.Job.Step == 1, MessageID: msgID, Subject: c.subject})
		if c.seq.isLast(c.w.Job.Step) && statuses[id] == store.CampaignLeadCompleted {
			byWS[c.ws] = append(byWS[c.ws], event.SequenceFinished{Campaign: campaign, Lead: lead})
		}
	}
	for _, ws := range sortedKeys(byWS) {
		if err := event.Record(ctx, q, ws, byWS[ws]...); err != nil {
			return err
		}
	}
	return nil
}

// disconnectMailbox disconnects a mailbox whose provider refused our
// credentials and reports mailbox.disconnected when it was active.
func disconnectMailbox(ctx context.Context, q store.Queries, p *recordPlan, id string, now time.Time) error {
	changed, err := q.DisconnectActiveMailbox(ctx, id, p.disconnect[id], now)
	if err != nil || !changed {
		return err
	}
	for _, f := range p.failures {
		if f.c.mailbox.ID == id {
			return event.Record(ctx, q, f.c.ws, event.MailboxChanged{Type: event.MailboxDisconnected,
				Mailbox: event.Ref{ID: id, Name: f.c.mailbox.Email}, Reason: p.disconnect[id]})
		}
	}
	return nil
}

// suppressionIf is sup when it was created, else nothing.
func suppressionIf(created bool, sup store.Suppression) []store.Suppression {
	if !created {
		return nil
	}
	return []store.Suppression{sup}
}

// recordUnsubscribed reports lead.unsubscribed for an unsubscribe link
// (source: SourceOneClick or SourceLink), with the campaign the link came
// from when it still exists.
func recordUnsubscribed(ctx context.Context, tx *store.Tx, t Target, leadID, source string) error {
	d := event.Unsubscribed{Lead: &event.Lead{ID: leadID, Email: t.Email}, Email: t.Email, Source: source}
	s := tx.InWorkspace(t.WorkspaceID)
	if cl, err := s.CampaignLead(ctx, t.CampaignLeadID); err == nil {
		if c, err := s.Campaign(ctx, cl.CampaignID); err == nil {
			d.Campaign = &event.Ref{ID: c.ID, Name: c.Name}
		}
	}
	return event.Record(ctx, tx.Queries, t.WorkspaceID, d)
}
