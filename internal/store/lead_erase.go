package store

import (
	"context"
)

// Erasure is what erasing a lead wiped, for the audit log.
type Erasure struct {
	HistoryDeleted int // records of where its values came from
}

// EraseLead wipes a lead's personal data (right to erasure). The row stays,
// with status "erased" and a placeholder email, so the campaign history that
// points at it keeps its shape; its field history is deleted and the
// messages of its conversations and those its sequence sent are blanked. The
// address itself survives only as an email_hash suppression, so a later
// import of the same person is kept out, and as the same hash in its
// unsubscribe links, which keep working. Stopping its sequences is enrolment's
// rule, not a copy of it here: the caller stops its campaign leads
// in the same transaction (lead.Service.Erase, with enrollment.StopLeads).
// Run it in a transaction. ErrNotFound for a missing or already erased lead.
func (s Scope) EraseLead(ctx context.Context, id string) (Erasure, error) {
	var e Erasure
	l, err := s.Lead(ctx, id)
	if err != nil {
		return e, err
	}
	if l.Status == LeadErased {
		return e, ErrNotFound
	}
	t := s.now()
	if err := s.execOne(ctx, `UPDATE leads SET email = ?, first_name = '', last_name = '', company = '', title = '',
		website = '', linkedin_url = '', phone = '', timezone = '', country = '', custom = '{}', status = ?,
		updated_at = ? WHERE id = ? AND workspace_id = ?`, "erased:"+id, LeadErased, t, id, s.ws); err != nil {
		return e, err
	}
	res, err := s.exec(ctx, `DELETE FROM lead_field_provenance WHERE lead_id = ? AND workspace_id = ?`, id, s.ws)
	if err != nil {
		return e, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return e, err
	}
	e.HistoryDeleted = int(n)
	// Messages lose everything that is the person's or quotes them: the
	// addresses, subject and bodies, the raw MIME of a reply we sent them
	// (their address, their quoted words) and the classification, whose
	// reasons quote phrases of their message.
	const wipe = `UPDATE messages SET from_addr = '', to_addr = '', subject = '', text_body = '', html_body = '',
		raw = '', classification = '{}' WHERE `
	for _, q := range []string{
		wipe + `conversation_id IN (SELECT id FROM conversations WHERE lead_id = ? AND workspace_id = ?)`,
		// What the sequence sent them, which has no conversation until a reply.
		wipe + `campaign_lead_id IN (SELECT id FROM campaign_leads WHERE lead_id = ? AND workspace_id = ?)`,
		`UPDATE conversations SET subject = '' WHERE lead_id = ? AND workspace_id = ?`,
		// The rendered first subject follow-ups reply under ("Quick question, Ann").
		`UPDATE campaign_leads SET first_subject = '' WHERE lead_id = ? AND workspace_id = ?`,
	} {
		if _, err := s.exec(ctx, q, id, s.ws); err != nil {
			return e, err
		}
	}
	// Its unsubscribe links keep working, by the hash alone.
	if err := s.forgetUnsubscribeAddresses(ctx, id, l.Email); err != nil {
		return e, err
	}
	sup := Suppression{Kind: SuppressEmailHash, Value: EmailHash(l.Email), Reason: ReasonErasure, Source: "erasure"}
	_, err = s.AddSuppression(ctx, &sup)
	return e, err
}
