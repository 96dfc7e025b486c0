package store

import (
	"context"
)

// Erasure is what erasing a lead changed, for the audit log.
type Erasure struct {
	JobsCanceled     int
	CampaignsStopped int
}

// EraseLead wipes a lead's personal data (right to erasure). The row stays,
// with status "erased" and a placeholder email, so the campaign history that
// points at it keeps its shape; its field history is deleted, the messages of
// its conversations are blanked, its scheduled sends are canceled and its
// campaign enrolments stopped. The address itself survives only as an
// email_hash suppression, so a later import of the same person is kept out.
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
	t := now()
	if err := s.execOne(ctx, `UPDATE leads SET email = ?, first_name = '', last_name = '', company = '', title = '',
		website = '', linkedin_url = '', phone = '', timezone = '', country = '', custom = '{}', status = ?,
		updated_at = ? WHERE id = ? AND workspace_id = ?`, "erased:"+id, LeadErased, t, id, s.ws); err != nil {
		return e, err
	}
	steps := []struct {
		count *int
		query string
		args  []any
	}{
		{nil, `DELETE FROM lead_field_provenance WHERE lead_id = ? AND workspace_id = ?`, []any{id, s.ws}},
		{&e.JobsCanceled, `UPDATE send_jobs SET status = 'canceled', last_error = 'lead erased', updated_at = ?
			WHERE workspace_id = ? AND status = 'scheduled'
			AND campaign_lead_id IN (SELECT id FROM campaign_leads WHERE lead_id = ? AND workspace_id = ?)`,
			[]any{t, s.ws, id, s.ws}},
		{&e.CampaignsStopped, `UPDATE campaign_leads SET status = 'stopped', status_reason = 'lead erased', updated_at = ?
			WHERE lead_id = ? AND workspace_id = ? AND status <> 'stopped'`, []any{t, id, s.ws}},
		{nil, `UPDATE messages SET from_addr = '', to_addr = '', subject = '', text_body = '', html_body = ''
			WHERE workspace_id = ? AND conversation_id IN (SELECT id FROM conversations WHERE lead_id = ? AND workspace_id = ?)`,
			[]any{s.ws, id, s.ws}},
		{nil, `UPDATE conversations SET subject = '' WHERE lead_id = ? AND workspace_id = ?`, []any{id, s.ws}},
	}
	for _, st := range steps {
		res, err := s.exec(ctx, st.query, st.args...)
		if err != nil {
			return e, err
		}
		if st.count != nil {
			n, err := res.RowsAffected()
			if err != nil {
				return e, err
			}
			*st.count = int(n)
		}
	}
	sup := Suppression{Kind: SuppressEmailHash, Value: EmailHash(l.Email), Reason: ReasonErasure, Source: "erasure"}
	_, err = s.AddSuppression(ctx, &sup)
	return e, err
}
