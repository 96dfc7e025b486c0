package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
)

// Analytics counters (migration 0022). The reports of internal/analytics
// read sums of these instead of counting a million send jobs. They are
// derived from the engine's rows, never a second source of truth:
//
//   - a send adds one to "sent" of its campaign, step, variant and slot, and
//     of its mailbox and slot, in RecordSent's statements;
//   - every other outcome (a reply, its category, a bounce, an
//     unsubscribe, a complaint) is a campaign lead's "credit": which send it
//     is credited to and when it happened, computed from the campaign lead,
//     its sent jobs and its conversations by creditSelect, the one
//     definition. analytics_credits keeps the credit each campaign lead
//     last added; a writer that changes a campaign lead or a conversation
//     calls recreditLeads in its own transaction, which subtracts the old
//     credit and adds the new one. A recategorisation thus moves a positive
//     count; a reply later turned into an unsubscribe moves the lead.
//   - the migration backfills all of it with the same SQL
//     (AnalyticsBackfill), and RebuildAnalytics redoes one workspace (when
//     its positive categories change).
//
// Time is bucketed in slots of 15 minutes UTC (unix seconds / 900), not in
// days of a zone: every zone's offset is a multiple of 15 minutes, so a day
// in any zone is a whole number of slots. A campaign that changes its zone,
// the workspace report in a zone of the request's choosing, a mailbox's zone
// and the domains' UTC days all read the same slots, and nothing written
// earlier is ever in the wrong day.

// SlotSeconds is the width of a counter slot.
const SlotSeconds = 900

// ComplaintReason is the status reason of a campaign lead stopped because
// its recipient marked our message as spam (status suppressed): analytics
// counts it as a complaint, apart from unsubscribes.
const ComplaintReason = "marked our message as spam"

// Slot is the counter slot of an instant.
func Slot(t time.Time) int64 {
	s := t.Unix()
	if s < 0 {
		return (s - SlotSeconds + 1) / SlotSeconds
	}
	return s / SlotSeconds
}

// slotOf is the SQL of the slot of a timestamp column (NULL stays NULL).
func (d Dialect) slotOf(col string) string {
	if d == Postgres {
		return "CAST(FLOOR(EXTRACT(EPOCH FROM " + col + ") / 900) AS BIGINT)"
	}
	return "(CAST(strftime('%s', " + col + ") AS INTEGER) / 900)"
}

// outcomeCond is true for a campaign lead that has a credit: a reply, a
// bounce, an unsubscribe or a complaint.
const outcomeCond = `(cl.replied_at IS NOT NULL OR cl.status IN ('bounced', 'unsubscribed')
	OR (cl.status = 'suppressed' AND cl.status_reason = '` + ComplaintReason + `'))`

// creditColumns are analytics_credits' columns, in creditSelect's order.
const creditColumns = `campaign_lead_id, workspace_id, campaign_id, reply_step, reply_variant, reply_send_slot,
	reply_inbox_id, reply_slot, positive, outcome, stop_step, stop_variant, stop_send_slot, stop_inbox_id, stop_slot`

// creditSelect computes the credits of the campaign leads matching where
// (a condition on cl): a reply is credited to the last step sent at or
// before it (and that send's mailbox), positive when one of the lead's
// conversations has a category the workspace counts as positive; a bounce,
// unsubscribe or complaint to the lead's last step sent, at the time the
// stop was written (updated_at: a stopped lead is not changed afterwards).
func (d Dialect) creditSelect(where string) string {
	return `SELECT cl.id, cl.workspace_id, cl.campaign_id,
	r.step_position, r.variant, ` + d.slotOf("r.sent_at") + `, COALESCE(r.inbox_id, cl.inbox_id), ` + d.slotOf("cl.replied_at") + `,
	CASE WHEN cl.replied_at IS NOT NULL AND EXISTS (SELECT 1 FROM conversations c JOIN workspaces w ON w.id = c.workspace_id
		WHERE c.campaign_lead_id = cl.id AND ` + d.notIndexed("c.workspace_id") + ` = cl.workspace_id AND c.category <> ''
		AND ',' || w.positive_categories || ',' LIKE '%,' || c.category || ',%') THEN 1 ELSE 0 END,
	CASE WHEN cl.status IN ('bounced', 'unsubscribed') THEN cl.status
		WHEN cl.status = 'suppressed' AND cl.status_reason = '` + ComplaintReason + `' THEN 'complained' ELSE '' END,
	b.step_position, b.variant, ` + d.slotOf("b.sent_at") + `, COALESCE(b.inbox_id, cl.inbox_id), ` + d.slotOf("cl.updated_at") + `
FROM campaign_leads cl
LEFT JOIN send_jobs r ON cl.replied_at IS NOT NULL AND r.campaign_lead_id = cl.id AND r.status = 'sent'
	AND r.sent_at <= cl.replied_at AND NOT EXISTS (SELECT 1 FROM send_jobs k WHERE k.campaign_lead_id = cl.id
	AND k.status = 'sent' AND k.step_position > r.step_position AND k.sent_at <= cl.replied_at)
LEFT JOIN send_jobs b ON cl.status IN ('bounced', 'unsubscribed', 'suppressed') AND b.campaign_lead_id = cl.id
	AND b.status = 'sent' AND b.step_position = cl.last_step_sent
WHERE ` + where + ` AND ` + outcomeCond
}

// AnalyticsBackfill is the SQL that fills the counters from the engine's
// rows: of one workspace (its id the statements' one parameter) or, with
// workspace false, of every workspace (migration 0022 holds exactly these;
// TestAnalyticsBackfillMigration keeps them equal).
func (d Dialect) AnalyticsBackfill(workspace bool) []string {
	where := func(alias string) string {
		if workspace {
			return alias + ".workspace_id = ?"
		}
		return "1 = 1"
	}
	upsert := func(table, key, cols, sel string) string {
		set := []string{}
		for c := range strings.SplitSeq(cols, ", ") {
			set = append(set, c+" = "+table+"."+c+" + excluded."+c)
		}
		return "INSERT INTO " + table + " (workspace_id, " + key + ", " + cols + ")\n" + sel +
			"\nON CONFLICT (" + key + ") DO UPDATE SET " + strings.Join(set, ", ")
	}
	const ck = "campaign_id, slot, step_position, variant"
	const mk = "inbox_id, slot"
	outcomes := func() string {
		return `SUM(CASE WHEN outcome = 'bounced' THEN 1 ELSE 0 END), SUM(CASE WHEN outcome = 'unsubscribed' THEN 1 ELSE 0 END),
	SUM(CASE WHEN outcome = 'complained' THEN 1 ELSE 0 END)`
	}
	return []string{
		"INSERT INTO analytics_credits (" + creditColumns + ")\n" + d.creditSelect(where("cl")),
		upsert("analytics_counts", ck, "sent", `SELECT workspace_id, campaign_id, `+d.slotOf("sent_at")+`, step_position, variant, COUNT(*)
	FROM send_jobs j WHERE `+where("j")+` AND status = 'sent' AND sent_at IS NOT NULL
	GROUP BY workspace_id, campaign_id, `+d.slotOf("sent_at")+`, step_position, variant`),
		upsert("analytics_counts", ck, "replied, positive", `SELECT workspace_id, campaign_id, reply_send_slot, reply_step, reply_variant,
	COUNT(*), SUM(positive) FROM analytics_credits x WHERE `+where("x")+` AND reply_slot IS NOT NULL AND reply_step IS NOT NULL
	GROUP BY workspace_id, campaign_id, reply_send_slot, reply_step, reply_variant`),
		upsert("analytics_counts", ck, "replied_on, positive_on", `SELECT workspace_id, campaign_id, reply_slot, COALESCE(reply_step, 0),
	COALESCE(reply_variant, ''), COUNT(*), SUM(positive) FROM analytics_credits x WHERE `+where("x")+` AND reply_slot IS NOT NULL
	GROUP BY workspace_id, campaign_id, reply_slot, COALESCE(reply_step, 0), COALESCE(reply_variant, '')`),
		upsert("analytics_counts", ck, "bounced, unsubscribed, complained", `SELECT workspace_id, campaign_id, stop_send_slot, stop_step,
	stop_variant, `+outcomes()+` FROM analytics_credits x WHERE `+where("x")+` AND outcome <> '' AND stop_step IS NOT NULL
	GROUP BY workspace_id, campaign_id, stop_send_slot, stop_step, stop_variant`),
		upsert("analytics_counts", ck, "bounced_on, unsubscribed_on, complained_on", `SELECT workspace_id, campaign_id, stop_slot,
	COALESCE(stop_step, 0), COALESCE(stop_variant, ''), `+outcomes()+` FROM analytics_credits x WHERE `+where("x")+` AND outcome <> ''
	GROUP BY workspace_id, campaign_id, stop_slot, COALESCE(stop_step, 0), COALESCE(stop_variant, '')`),
		upsert("analytics_mailbox_counts", mk, "sent", `SELECT workspace_id, inbox_id, `+d.slotOf("sent_at")+`, COUNT(*)
	FROM send_jobs j WHERE `+where("j")+` AND status = 'sent' AND sent_at IS NOT NULL AND inbox_id IS NOT NULL
	GROUP BY workspace_id, inbox_id, `+d.slotOf("sent_at")),
		upsert("analytics_mailbox_counts", mk, "replied", `SELECT workspace_id, reply_inbox_id, reply_slot, COUNT(*)
	FROM analytics_credits x WHERE `+where("x")+` AND reply_slot IS NOT NULL AND reply_inbox_id IS NOT NULL
	GROUP BY workspace_id, reply_inbox_id, reply_slot`),
		upsert("analytics_mailbox_counts", mk, "bounced, unsubscribed, complained", `SELECT workspace_id, stop_inbox_id, stop_slot,
	`+outcomes()+` FROM analytics_credits x WHERE `+where("x")+` AND outcome <> '' AND stop_inbox_id IS NOT NULL
	GROUP BY workspace_id, stop_inbox_id, stop_slot`),
	}
}

// RebuildAnalytics recomputes one workspace's counters from the engine's
// rows (run it in a transaction: a setting change that moves what counts
// as positive does).
func (s Scope) RebuildAnalytics(ctx context.Context) error {
	for _, t := range []string{"analytics_credits", "analytics_counts", "analytics_mailbox_counts"} {
		if _, err := s.exec(ctx, `DELETE FROM `+t+` WHERE workspace_id = ?`, s.ws); err != nil {
			return err
		}
	}
	for _, q := range s.d.AnalyticsBackfill(true) {
		if _, err := s.exec(ctx, q, s.ws); err != nil {
			return err
		}
	}
	return nil
}

// credit is one campaign lead's row of analytics_credits.
type credit struct {
	lead, ws, campaign string
	replyStep          sql.NullInt64
	replyVariant       sql.NullString
	replySendSlot      sql.NullInt64
	replyInbox         sql.NullString
	replySlot          sql.NullInt64
	positive           int
	outcome            string
	stopStep           sql.NullInt64
	stopVariant        sql.NullString
	stopSendSlot       sql.NullInt64
	stopInbox          sql.NullString
	stopSlot           int64
}

func (c *credit) scan(r rowScanner) error {
	return r.Scan(&c.lead, &c.ws, &c.campaign, &c.replyStep, &c.replyVariant, &c.replySendSlot, &c.replyInbox,
		&c.replySlot, &c.positive, &c.outcome, &c.stopStep, &c.stopVariant, &c.stopSendSlot, &c.stopInbox, &c.stopSlot)
}

func (c credit) args() []any {
	return []any{c.lead, c.ws, c.campaign, c.replyStep, c.replyVariant, c.replySendSlot, c.replyInbox, c.replySlot,
		c.positive, c.outcome, c.stopStep, c.stopVariant, c.stopSendSlot, c.stopInbox, c.stopSlot}
}

// Counter columns, in the order of a delta vector.
var (
	campaignCounterCols = []string{"sent", "replied", "positive", "bounced", "unsubscribed", "complained",
		"replied_on", "positive_on", "bounced_on", "unsubscribed_on", "complained_on"}
	mailboxCounterCols = []string{"sent", "replied", "bounced", "unsubscribed", "complained"}
)

type campaignKey struct {
	ws, campaign string
	slot         int64
	step         int64
	variant      string
}

type mailboxKey struct {
	ws, inbox string
	slot      int64
}

// deltas accumulates counter changes before they are written.
type deltas struct {
	campaign map[campaignKey]*[11]int64
	mailbox  map[mailboxKey]*[5]int64
}

func newDeltas() deltas {
	return deltas{campaign: map[campaignKey]*[11]int64{}, mailbox: map[mailboxKey]*[5]int64{}}
}

func (d deltas) addCampaign(k campaignKey, col int, n int64) {
	v := d.campaign[k]
	if v == nil {
		v = new([11]int64)
		d.campaign[k] = v
	}
	v[col] += n
}

func (d deltas) addMailbox(k mailboxKey, col int, n int64) {
	v := d.mailbox[k]
	if v == nil {
		v = new([5]int64)
		d.mailbox[k] = v
	}
	v[col] += n
}

// add adds (sign 1) or removes (sign -1) what a credit counts, as
// AnalyticsBackfill does.
func (d deltas) add(c credit, sign int64) {
	if c.replySlot.Valid {
		if c.replyStep.Valid {
			k := campaignKey{c.ws, c.campaign, c.replySendSlot.Int64, c.replyStep.Int64, c.replyVariant.String}
			d.addCampaign(k, 1, sign)
			d.addCampaign(k, 2, sign*int64(c.positive))
		}
		k := campaignKey{c.ws, c.campaign, c.replySlot.Int64, c.replyStep.Int64, c.replyVariant.String}
		d.addCampaign(k, 6, sign)
		d.addCampaign(k, 7, sign*int64(c.positive))
		if c.replyInbox.Valid {
			d.addMailbox(mailboxKey{c.ws, c.replyInbox.String, c.replySlot.Int64}, 1, sign)
		}
	}
	col := map[string]int{"bounced": 0, "unsubscribed": 1, "complained": 2}
	i, ok := col[c.outcome]
	if !ok {
		return
	}
	if c.stopStep.Valid {
		d.addCampaign(campaignKey{c.ws, c.campaign, c.stopSendSlot.Int64, c.stopStep.Int64, c.stopVariant.String}, 3+i, sign)
	}
	d.addCampaign(campaignKey{c.ws, c.campaign, c.stopSlot, c.stopStep.Int64, c.stopVariant.String}, 8+i, sign)
	if c.stopInbox.Valid {
		d.addMailbox(mailboxKey{c.ws, c.stopInbox.String, c.stopSlot}, 2+i, sign)
	}
}

// write upserts the non-zero deltas, in key order (two transactions
// touching the same counters lock them in the same order).
func (q Queries) writeDeltas(ctx context.Context, d deltas) error {
	ck := make([]campaignKey, 0, len(d.campaign))
	for k, v := range d.campaign {
		if *v != ([11]int64{}) {
			ck = append(ck, k)
		}
	}
	slices.SortFunc(ck, func(a, b campaignKey) int {
		return strings.Compare(a.campaign+"\x00"+itoa(int(a.slot))+"\x00"+itoa(int(a.step))+"\x00"+a.variant,
			b.campaign+"\x00"+itoa(int(b.slot))+"\x00"+itoa(int(b.step))+"\x00"+b.variant)
	})
	err := chunks(ck, insertRows, func(part []campaignKey) error {
		args := make([]any, 0, len(part)*16)
		for _, k := range part {
			args = append(args, k.ws, k.campaign, k.slot, k.step, k.variant)
			for _, n := range d.campaign[k] {
				args = append(args, n)
			}
		}
		_, err := q.exec(ctx, counterUpsert("analytics_counts", "campaign_id, slot, step_position, variant",
			campaignCounterCols, len(part)), args...)
		return err
	})
	if err != nil {
		return err
	}
	mk := make([]mailboxKey, 0, len(d.mailbox))
	for k, v := range d.mailbox {
		if *v != ([5]int64{}) {
			mk = append(mk, k)
		}
	}
	slices.SortFunc(mk, func(a, b mailboxKey) int {
		if c := strings.Compare(a.inbox, b.inbox); c != 0 {
			return c
		}
		return int(a.slot - b.slot)
	})
	return chunks(mk, insertRows, func(part []mailboxKey) error {
		args := make([]any, 0, len(part)*8)
		for _, k := range part {
			args = append(args, k.ws, k.inbox, k.slot)
			for _, n := range d.mailbox[k] {
				args = append(args, n)
			}
		}
		_, err := q.exec(ctx, counterUpsert("analytics_mailbox_counts", "inbox_id, slot", mailboxCounterCols, len(part)), args...)
		return err
	})
}

// counterUpsert adds n rows of deltas to a counter table.
func counterUpsert(table, key string, cols []string, n int) string {
	keys := strings.Count(key, ",") + 1
	row := "(?" + strings.Repeat(", ?", keys+len(cols)) + ")"
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = " + table + "." + c + " + excluded." + c
	}
	return "INSERT INTO " + table + " (workspace_id, " + key + ", " + strings.Join(cols, ", ") + ") VALUES " +
		repeatRow(row, n) + " ON CONFLICT (" + key + ") DO UPDATE SET " + strings.Join(set, ", ")
}

// recreditLeads brings the counters up to date with campaign leads that a
// statement of the caller's transaction changed (a reply, a stop, a
// conversation's category): it locks them, subtracts their recorded
// credits, adds their current ones and records those.
func (q Queries) recreditLeads(ctx context.Context, ids []string) error {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nil
	}
	d := newDeltas()
	err := paddedChunks(ids, func(part []string) error {
		in := "(" + marks(len(part)) + ")"
		// NO KEY UPDATE (lockRows): a plain FOR UPDATE would wait on the
		// key-share locks that this very transaction's and a concurrent
		// one's conversation and message inserts hold on these leads, and
		// two syncs of one page would deadlock.
		if q.d == Postgres {
			if _, err := q.exec(ctx, `SELECT id FROM campaign_leads WHERE id IN `+in+` ORDER BY id`+q.d.lockRows(), anys(part)...); err != nil {
				return err
			}
		}
		rows, err := q.query(ctx, `SELECT `+creditColumns+` FROM analytics_credits WHERE campaign_lead_id IN `+in, anys(part)...)
		if err != nil {
			return err
		}
		if err := eachRow(rows, func(r rowScanner) error {
			var c credit
			if err := c.scan(r); err != nil {
				return err
			}
			d.add(c, -1)
			return nil
		}); err != nil {
			return err
		}
		if _, err := q.exec(ctx, `DELETE FROM analytics_credits WHERE campaign_lead_id IN `+in, anys(part)...); err != nil {
			return err
		}
		rows, err = q.query(ctx, q.d.creditSelect("cl.id IN "+in), anys(part)...)
		if err != nil {
			return err
		}
		var now []credit
		if err := eachRow(rows, func(r rowScanner) error {
			var c credit
			if err := c.scan(r); err != nil {
				return err
			}
			d.add(c, 1)
			now = append(now, c)
			return nil
		}); err != nil {
			return err
		}
		return chunks(now, insertRows, func(cs []credit) error {
			args := make([]any, 0, len(cs)*15)
			for _, c := range cs {
				args = append(args, c.args()...)
			}
			_, err := q.exec(ctx, `INSERT INTO analytics_credits (`+creditColumns+`) VALUES `+
				repeatRow("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", len(cs)), args...)
			return err
		})
	})
	if err != nil {
		return err
	}
	return q.writeDeltas(ctx, d)
}

// recreditConversations is recreditLeads for the campaign leads of
// conversations (whose category may have changed).
func (q Queries) recreditConversations(ctx context.Context, conversationIDs []string) error {
	var leads []string
	err := paddedChunks(conversationIDs, func(part []string) error {
		rows, err := q.query(ctx, `SELECT campaign_lead_id FROM conversations WHERE campaign_lead_id IS NOT NULL
			AND id IN (`+marks(len(part))+`)`, anys(part)...)
		if err != nil {
			return err
		}
		return eachRow(rows, func(r rowScanner) error {
			var id string
			err := r.Scan(&id)
			leads = append(leads, id)
			return err
		})
	})
	if err != nil {
		return err
	}
	return q.recreditLeads(ctx, leads)
}

// countSends adds recorded sends to the counters: one per send job, in its
// campaign, step, variant and mailbox, at its sent_at. A lead with a credit
// is recredited too (a send can change which step its reply answers).
func (q Queries) countSends(ctx context.Context, jobIDs []string) error {
	d := newDeltas()
	var credited []string
	err := paddedChunks(jobIDs, func(part []string) error {
		rows, err := q.query(ctx, `SELECT DISTINCT j.id, j.workspace_id, j.campaign_id, j.step_position, j.variant,
			COALESCE(j.inbox_id, ''), j.sent_at, x.campaign_lead_id IS NOT NULL
			FROM send_jobs j LEFT JOIN analytics_credits x ON x.campaign_lead_id = j.campaign_lead_id
			WHERE j.id IN (`+marks(len(part))+`) AND j.status = 'sent'`, anys(part)...)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		return eachRow(rows, func(r rowScanner) error {
			var id, ws, campaign, variant, inbox string
			var step int64
			var at time.Time
			var hasCredit bool
			if err := r.Scan(&id, &ws, &campaign, &step, &variant, &inbox, &at, &hasCredit); err != nil {
				return err
			}
			if seen[id] {
				return nil
			}
			seen[id] = true
			slot := Slot(at)
			d.addCampaign(campaignKey{ws, campaign, slot, step, variant}, 0, 1)
			if inbox != "" {
				d.addMailbox(mailboxKey{ws, inbox, slot}, 0, 1)
			}
			if hasCredit {
				credited = append(credited, id)
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	if err := q.writeDeltas(ctx, d); err != nil {
		return err
	}
	if len(credited) == 0 {
		return nil
	}
	var leads []string
	err = paddedChunks(credited, func(part []string) error {
		rows, err := q.query(ctx, `SELECT campaign_lead_id FROM send_jobs WHERE id IN (`+marks(len(part))+`)`, anys(part)...)
		if err != nil {
			return err
		}
		return eachRow(rows, func(r rowScanner) error {
			var id string
			err := r.Scan(&id)
			leads = append(leads, id)
			return err
		})
	})
	if err != nil {
		return err
	}
	return q.recreditLeads(ctx, leads)
}
