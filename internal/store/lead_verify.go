package store

import (
	"context"
	"strings"
	"time"
)

// VerifyUnchecked selects the leads never verified (LeadQuery.Verification).
const VerifyUnchecked = "unchecked"

// LeadAddress is a lead's id and address: what verification reads.
type LeadAddress struct {
	ID    string
	Email string
}

// LeadAddresses returns up to limit of the workspace's leads (not erased)
// after the id `after`, in id order: the ones in ids when ids is not empty,
// else only those never verified when unchecked is true, else all.
func (s Scope) LeadAddresses(ctx context.Context, ids []string, unchecked bool, after string, limit int) ([]LeadAddress, error) {
	q := `SELECT id, email FROM leads WHERE workspace_id = ? AND status <> 'erased' AND id > ?`
	args := []any{s.ws, after}
	switch {
	case len(ids) > 0 && s.d.arrayBatches():
		q += ` AND id = ANY(CAST(? AS text[]))`
		args = append(args, ids)
	case len(ids) > 0:
		q += ` AND id IN (` + marks(len(ids)) + `)`
		args = append(args, anys(ids)...)
	case unchecked:
		q += ` AND verify_status = ''`
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, limit)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (LeadAddress, error) {
		var a LeadAddress
		return a, r.Scan(&a.ID, &a.Email)
	})
}

// Verdict is a Verification in comparable form (Reasons joined by commas),
// to group leads by the verdict they get.
type Verdict struct {
	Status, Reasons, Provider, Source string
	CheckedAt                         time.Time
}

// VerdictOf is v as a Verdict.
func VerdictOf(v Verification) Verdict {
	return Verdict{Status: v.Status, Reasons: strings.Join(v.Reasons, ","), Provider: v.Provider, Source: v.Source,
		CheckedAt: v.CheckedAt}
}

// SetVerifications writes verdicts: lead ids by the verdict they get. One
// statement per distinct verdict (and chunk of ids): a batch of leads has
// few distinct verdicts, since leads of one domain mostly share theirs.
func (s Scope) SetVerifications(ctx context.Context, byVerdict map[Verdict][]string) error {
	for v, ids := range byVerdict {
		err := s.updateLeadIDs(ctx, ids, `verify_status = ?, verify_reasons = ?, verify_provider = ?, verify_source = ?,
			verified_at = ?`, v.Status, v.Reasons, v.Provider, v.Source, v.CheckedAt.UTC())
		if err != nil {
			return err
		}
	}
	return nil
}

// updateLeadIDs runs "UPDATE leads SET <set>" on the workspace's leads
// among ids. On Postgres the ids are one array parameter joined by unnest
// (a list of a thousand parameters in "IN (…)" is planned as a filter that
// compares every row with every parameter); on SQLite an "IN (…)" list per
// chunk.
func (s Scope) updateLeadIDs(ctx context.Context, ids []string, set string, args ...any) error {
	if s.d.arrayBatches() {
		return chunks(ids, 10*batchChunk, func(part []string) error {
			_, err := s.exec(ctx, `UPDATE leads SET `+set+` FROM `+s.d.unnest("v", "row_id text")+`
				WHERE leads.id = v.row_id AND leads.workspace_id = ?`, append(append(args[:len(args):len(args)], part), s.ws)...)
			return err
		})
	}
	return chunks(ids, batchChunk, func(part []string) error {
		_, err := s.exec(ctx, `UPDATE leads SET `+set+` WHERE workspace_id = ? AND id IN (`+marks(len(part))+`)`,
			append(append(args[:len(args):len(args)], s.ws), anys(part)...)...)
		return err
	})
}

// SetVerificationByEmail sets the verdict of the workspace's lead with this
// normalised address (a bounce or a reply names the address, not the lead),
// keeping the provider already read from its MX. No lead: nothing changes.
func (s Scope) SetVerificationByEmail(ctx context.Context, email, status, reason, source string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE leads SET verify_status = ?, verify_reasons = ?, verify_source = ?, verified_at = ?
		WHERE workspace_id = ? AND email = ? AND status <> 'erased'`, status, reason, source, at.UTC(), s.ws, email)
	return err
}

// CampaignVerifyCounts counts a campaign's active leads by verification
// status ("" for never checked): the launch review's figures.
func (s Scope) CampaignVerifyCounts(ctx context.Context, campaignID string) (map[string]int, error) {
	rows, err := s.query(ctx, `SELECT l.verify_status, COUNT(*) FROM campaign_leads cl JOIN leads l ON l.id = cl.lead_id
		WHERE cl.workspace_id = ? AND cl.campaign_id = ? AND cl.status = 'active' GROUP BY l.verify_status`, s.ws, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// SetLeadsVerification sets the verdict of the workspace's leads among ids
// (a bounce or a reply proves it), keeping the provider read from the MX.
func (s Scope) SetLeadsVerification(ctx context.Context, ids []string, status, reason, source string, at time.Time) error {
	return s.updateLeadIDs(ctx, ids, `verify_status = ?, verify_reasons = ?, verify_source = ?, verified_at = ?`,
		status, reason, source, at.UTC())
}
