package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// Analytics reads the tables the send engine and the reply loop write (see
// internal/analytics for what the numbers mean); nothing here keeps counts of
// its own. A send is a send job with status 'sent', at its sent_at. A reply
// is a campaign lead's replied_at, credited to the last step sent to the
// lead at or before it; positive when one of the lead's conversations has a
// positive category. A bounce or an unsubscribe is the campaign lead's
// status, credited to its last step sent, at the lead's updated_at (the time
// the stop was written: a stopped lead is not changed afterwards).

// AnalyticsFilter selects what analytics count: one campaign ("" for the
// whole workspace), sends in [From, To), and the categories that count as
// positive.
type AnalyticsFilter struct {
	CampaignID string
	From, To   time.Time
	Positive   []string
}

// VariantTally is one campaign step and variant: its sends in the window and
// the outcomes credited to them.
type VariantTally struct {
	CampaignID   string
	Step         int
	Variant      string
	Sent         int
	Replied      int
	Positive     int
	Bounced      int
	Unsubscribed int
}

// outcomeLeads is the predicate of the partial indexes of migration 0019:
// the campaign leads with an outcome.
const outcomeLeads = `(cl.replied_at IS NOT NULL OR cl.status IN ('bounced', 'unsubscribed'))`

// replyCredited is true for the send a lead's reply answers: sent at or
// before the reply, with no later step sent before it.
const replyCredited = `cl.replied_at IS NOT NULL AND j.sent_at <= cl.replied_at AND NOT EXISTS (
	SELECT 1 FROM send_jobs k WHERE k.campaign_lead_id = cl.id AND k.status = 'sent'
	AND k.step_position > j.step_position AND k.sent_at <= cl.replied_at)`

// positiveLead is true when one of the lead's conversations has a category
// in the list (its placeholders follow).
func positiveLead(n int) string {
	if n == 0 {
		return "1 = 0"
	}
	return `EXISTS (SELECT 1 FROM conversations c WHERE c.campaign_lead_id = cl.id AND c.workspace_id = cl.workspace_id
		AND c.category IN (` + marks(n) + `))`
}

// VariantTallies counts sends and outcomes per campaign, step and variant.
func (s Scope) VariantTallies(ctx context.Context, f AnalyticsFilter) ([]VariantTally, error) {
	byKey := map[[3]string]*VariantTally{}
	var order []*VariantTally
	get := func(c string, step int, v string) *VariantTally {
		k := [3]string{c, itoa(step), v}
		if t, ok := byKey[k]; ok {
			return t
		}
		t := &VariantTally{CampaignID: c, Step: step, Variant: v}
		byKey[k] = t
		order = append(order, t)
		return t
	}
	campaign, args := s.campaignCond("j", f.CampaignID)
	rows, err := s.query(ctx, `SELECT j.campaign_id, j.step_position, j.variant, COUNT(*) FROM send_jobs j
		WHERE `+s.wsCol("j", f.CampaignID != "")+` = ?`+campaign+` AND j.status = 'sent' AND j.sent_at >= ? AND j.sent_at < ?
		GROUP BY j.campaign_id, j.step_position, j.variant`, append(args, f.From, f.To)...)
	if err != nil {
		return nil, err
	}
	if err := eachRow(rows, func(r rowScanner) error {
		var c, v string
		var step, n int
		if err := r.Scan(&c, &step, &v, &n); err != nil {
			return err
		}
		get(c, step, v).Sent = n
		return nil
	}); err != nil {
		return nil, err
	}
	campaign, args = s.campaignCond("cl", f.CampaignID)
	q := `SELECT j.campaign_id, j.step_position, j.variant,
		SUM(CASE WHEN ` + replyCredited + ` THEN 1 ELSE 0 END),
		SUM(CASE WHEN ` + replyCredited + ` AND ` + positiveLead(len(f.Positive)) + ` THEN 1 ELSE 0 END),
		SUM(CASE WHEN cl.status = 'bounced' AND j.step_position = cl.last_step_sent THEN 1 ELSE 0 END),
		SUM(CASE WHEN cl.status = 'unsubscribed' AND j.step_position = cl.last_step_sent THEN 1 ELSE 0 END)
		FROM campaign_leads cl JOIN send_jobs j ON j.campaign_lead_id = cl.id AND ` + s.d.notIndexed("j.status") + ` = 'sent'
		WHERE cl.workspace_id = ?` + campaign + ` AND ` + outcomeLeads + ` AND j.sent_at >= ? AND j.sent_at < ?
		GROUP BY j.campaign_id, j.step_position, j.variant`
	all := append(anys(f.Positive), args...)
	rows, err = s.query(ctx, q, append(all, f.From, f.To)...)
	if err != nil {
		return nil, err
	}
	if err := eachRow(rows, func(r rowScanner) error {
		var c, v string
		var step, replied, positive, bounced, unsub int
		if err := r.Scan(&c, &step, &v, &replied, &positive, &bounced, &unsub); err != nil {
			return err
		}
		t := get(c, step, v)
		t.Replied, t.Positive, t.Bounced, t.Unsubscribed = replied, positive, bounced, unsub
		return nil
	}); err != nil {
		return nil, err
	}
	out := make([]VariantTally, len(order))
	for i, t := range order {
		out[i] = *t
	}
	return out, nil
}

// campaignCond is the condition on one campaign (none for the whole
// workspace) and its argument after the workspace id.
func (s Scope) campaignCond(alias, campaignID string) (string, []any) {
	if campaignID == "" {
		return "", []any{s.ws}
	}
	return " AND " + alias + ".campaign_id = ?", []any{s.ws, campaignID}
}

// DailySends counts sends per period: edges are n+1 increasing instants,
// period i is [edges[i], edges[i+1]) (a day in some time zone). mailboxID,
// when set, counts that mailbox's sends instead of the filter's campaign.
func (s Scope) DailySends(ctx context.Context, f AnalyticsFilter, mailboxID string, edges []time.Time) ([]int, error) {
	if len(edges) < 2 {
		return nil, nil
	}
	out := make([]int, len(edges)-1)
	src, srcArgs := s.periods(edges)
	cond, args := s.campaignCond("j", f.CampaignID)
	if mailboxID != "" {
		cond, args = " AND j.inbox_id = ?", []any{s.ws, mailboxID}
	}
	rows, err := s.query(ctx, `SELECT d.n, COUNT(*) FROM `+src+` JOIN send_jobs j ON `+s.wsCol("j", f.CampaignID != "" || mailboxID != "")+` = ?`+cond+`
		AND j.status = 'sent' AND j.sent_at >= d.s AND j.sent_at < d.e GROUP BY d.n`, append(srcArgs, args...)...)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func(r rowScanner) error {
		var i, n int
		if err := r.Scan(&i, &n); err != nil {
			return err
		}
		if i >= 0 && i < len(out) {
			out[i] = n
		}
		return nil
	})
	return out, err
}

// periods is the row source "d (n, s, e)" of numbered periods between edges.
func (s Scope) periods(edges []time.Time) (string, []any) {
	n := len(edges) - 1
	if s.d.arrayBatches() {
		idx := make([]int64, n)
		starts, ends := make([]time.Time, n), make([]time.Time, n)
		for i := range n {
			idx[i], starts[i], ends[i] = int64(i), edges[i].UTC().Truncate(time.Microsecond), edges[i+1].UTC().Truncate(time.Microsecond)
		}
		return s.d.unnest("d", "n bigint", "s timestamptz", "e timestamptz"), []any{idx, starts, ends}
	}
	args := make([]any, 0, 3*n)
	for i := range n {
		args = append(args, i, s.d.timeArg(edges[i]), s.d.timeArg(edges[i+1]))
	}
	return "(SELECT column1 AS n, column2 AS s, column3 AS e FROM (VALUES " + rowsOf("(?, ?, ?)", n) + ")) AS d", args
}

// OutcomeEvent is a campaign lead's reply or stop, for a daily series.
type OutcomeEvent struct {
	MailboxID string
	RepliedAt *time.Time
	Positive  bool
	Status    string // bounced, unsubscribed, or another status (no stop counted)
	StoppedAt time.Time
}

// OutcomeEvents lists the campaign leads (of the filter's campaign, or of
// one mailbox when mailboxID is set) that replied, bounced or unsubscribed
// within [From, To).
func (s Scope) OutcomeEvents(ctx context.Context, f AnalyticsFilter, mailboxID string) ([]OutcomeEvent, error) {
	cond, args := s.campaignCond("cl", f.CampaignID)
	if mailboxID != "" {
		cond, args = " AND cl.inbox_id = ?", []any{s.ws, mailboxID}
	}
	all := append(anys(f.Positive), args...)
	rows, err := s.query(ctx, `SELECT COALESCE(cl.inbox_id, ''), cl.replied_at, `+positiveLead(len(f.Positive))+`,
		cl.status, cl.updated_at FROM campaign_leads cl WHERE cl.workspace_id = ?`+cond+` AND `+outcomeLeads+`
		AND ((cl.replied_at >= ? AND cl.replied_at < ?) OR (cl.status IN ('bounced', 'unsubscribed')
		AND cl.updated_at >= ? AND cl.updated_at < ?))`, append(all, f.From, f.To, f.From, f.To)...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (OutcomeEvent, error) {
		var e OutcomeEvent
		err := r.Scan(&e.MailboxID, &e.RepliedAt, &e.Positive, &e.Status, &e.StoppedAt)
		return e, err
	})
}

// PositiveCategories returns the workspace's categories that count as a
// positive reply.
func (s Scope) PositiveCategories(ctx context.Context) ([]string, error) {
	var list string
	if err := s.queryRow(ctx, `SELECT positive_categories FROM workspaces WHERE id = ?`, s.ws).Scan(&list); err != nil {
		return nil, notFound(err)
	}
	var out []string
	for c := range strings.SplitSeq(list, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out, nil
}

// SetPositiveCategories replaces the workspace's positive categories.
func (s Scope) SetPositiveCategories(ctx context.Context, categories []string) error {
	return s.execOne(ctx, `UPDATE workspaces SET positive_categories = ?, updated_at = ? WHERE id = ?`,
		strings.Join(categories, ","), s.now(), s.ws)
}

// MailboxEvent is an audited change of a mailbox's state (a pause by the
// bounce guard or a person, a resume, a disconnection, a reconnection).
type MailboxEvent struct {
	Action string
	Data   map[string]any
	At     time.Time
}

// MailboxEvents returns a mailbox's audited state changes since a time,
// oldest first, at most limit.
func (s Scope) MailboxEvents(ctx context.Context, mailboxID string, since time.Time, limit int) ([]MailboxEvent, error) {
	rows, err := s.query(ctx, `SELECT action, data, created_at FROM audit_events WHERE workspace_id = ?
		AND target_type = 'inbox' AND target_id = ? AND action IN ('inbox.paused', 'inbox.updated', 'inbox.disconnected',
		'inbox.reconnected') AND created_at >= ? ORDER BY created_at, id LIMIT ?`, s.ws, mailboxID, since, limit)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (MailboxEvent, error) {
		var e MailboxEvent
		var data string
		if err := r.Scan(&e.Action, &data, &e.At); err != nil {
			return e, err
		}
		_ = json.Unmarshal([]byte(data), &e.Data)
		return e, nil
	})
}

// eachRow calls fn for every row and closes rows.
func eachRow(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}, fn func(rowScanner) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// CampaignNames returns the names and statuses of campaigns by id.
func (s Scope) CampaignNames(ctx context.Context, ids []string) (map[string]CampaignName, error) {
	out := map[string]CampaignName{}
	err := paddedChunks(ids, func(part []string) error {
		rows, err := s.query(ctx, `SELECT id, name, status FROM campaigns WHERE workspace_id = ? AND id IN (`+
			marks(len(part))+`)`, append([]any{s.ws}, anys(part)...)...)
		if err != nil {
			return err
		}
		return eachRow(rows, func(r rowScanner) error {
			var c CampaignName
			if err := r.Scan(&c.ID, &c.Name, &c.Status); err != nil {
				return err
			}
			out[c.ID] = c
			return nil
		})
	})
	return out, err
}

// wsCol is the workspace column of a query that also names its campaign or
// mailbox: SQLite, planning without statistics, would otherwise walk the
// whole workspace's sends by their workspace index.
func (s Scope) wsCol(alias string, narrowed bool) string {
	if narrowed {
		return s.d.notIndexed(alias + ".workspace_id")
	}
	return alias + ".workspace_id"
}
