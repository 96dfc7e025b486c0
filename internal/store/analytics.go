package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Analytics reads the counters of analytics_counts.go, which the send
// engine and the reply loop write in the same transactions as their own
// rows (see there for what is counted where, and creditSelect for which
// column means what). A send is a send job with status 'sent', at its
// sent_at. A reply is a campaign lead's replied_at, credited to the last
// step sent to the lead at or before it; positive when one of the lead's
// conversations has a positive category. A bounce, an unsubscribe or a
// complaint is the campaign lead's status, credited to its last step sent,
// at the lead's updated_at (the time the stop was written).

// AnalyticsFilter selects what analytics count: one campaign ("" for the
// whole workspace) and sends in [From, To). From and To are whole counter
// slots (a day in any zone starts on one).
type AnalyticsFilter struct {
	CampaignID string
	From, To   time.Time
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
	Complained   int
}

// slotRange is [From, To) in slots.
func (f AnalyticsFilter) slotRange() (int64, int64) {
	return Slot(f.From), Slot(f.To.Add(SlotSeconds*time.Second - time.Nanosecond))
}

// VariantTallies sums sends and outcomes per campaign, step and variant.
func (s Scope) VariantTallies(ctx context.Context, f AnalyticsFilter) ([]VariantTally, error) {
	campaign, args := s.campaignCond("a", f.CampaignID)
	lo, hi := f.slotRange()
	rows, err := s.query(ctx, `SELECT a.campaign_id, a.step_position, a.variant, SUM(a.sent), SUM(a.replied),
		SUM(a.positive), SUM(a.bounced), SUM(a.unsubscribed), SUM(a.complained) FROM analytics_counts a
		WHERE `+s.wsCol("a", f.CampaignID != "")+` = ?`+campaign+` AND a.slot >= ? AND a.slot < ? AND a.step_position > 0
		GROUP BY a.campaign_id, a.step_position, a.variant
		HAVING SUM(a.sent) + SUM(a.replied) + SUM(a.bounced) + SUM(a.unsubscribed) + SUM(a.complained) > 0
		ORDER BY a.campaign_id, a.step_position, a.variant`, append(args, lo, hi)...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (VariantTally, error) {
		var t VariantTally
		err := r.Scan(&t.CampaignID, &t.Step, &t.Variant, &t.Sent, &t.Replied, &t.Positive, &t.Bounced,
			&t.Unsubscribed, &t.Complained)
		return t, err
	})
}

// campaignCond is the condition on one campaign (none for the whole
// workspace) and its argument after the workspace id.
func (s Scope) campaignCond(alias, campaignID string) (string, []any) {
	if campaignID == "" {
		return "", []any{s.ws}
	}
	return " AND " + alias + ".campaign_id = ?", []any{s.ws, campaignID}
}

// PeriodCounts are the sends of a period and the outcomes that happened in
// it.
type PeriodCounts struct {
	Sent, Replied, Positive, Bounced, Unsubscribed, Complained int
}

// PeriodTotals sums counters per period: edges are n+1 increasing instants
// on slot boundaries, period i is [edges[i], edges[i+1]) (a day in some
// time zone). mailboxID, when set, sums that mailbox's counters instead of
// the filter's campaign (Positive stays 0 there).
func (s Scope) PeriodTotals(ctx context.Context, f AnalyticsFilter, mailboxID string, edges []time.Time) ([]PeriodCounts, error) {
	if len(edges) < 2 {
		return nil, nil
	}
	out := make([]PeriodCounts, len(edges)-1)
	lo, hi := Slot(edges[0]), Slot(edges[len(edges)-1])
	var rows *sql.Rows
	var err error
	g := slotGroup(edges)
	if mailboxID != "" {
		rows, err = s.query(ctx, `SELECT slot / `+g+` * `+g+`, SUM(sent), SUM(replied), 0, SUM(bounced), SUM(unsubscribed),
			SUM(complained) FROM analytics_mailbox_counts WHERE inbox_id = ? AND `+s.d.notIndexed("workspace_id")+` = ?
			AND slot >= ? AND slot < ? GROUP BY slot / `+g, mailboxID, s.ws, lo, hi)
	} else {
		campaign, args := s.campaignCond("a", f.CampaignID)
		rows, err = s.query(ctx, `SELECT a.slot / `+g+` * `+g+`, SUM(a.sent), SUM(a.replied_on), SUM(a.positive_on), SUM(a.bounced_on),
			SUM(a.unsubscribed_on), SUM(a.complained_on) FROM analytics_counts a
			WHERE `+s.wsCol("a", f.CampaignID != "")+` = ?`+campaign+` AND a.slot >= ? AND a.slot < ? GROUP BY a.slot / `+g,
			append(args, lo, hi)...)
	}
	if err != nil {
		return nil, err
	}
	i := 0
	err = eachRow(rows, func(r rowScanner) error {
		var slot int64
		var c PeriodCounts
		if err := r.Scan(&slot, &c.Sent, &c.Replied, &c.Positive, &c.Bounced, &c.Unsubscribed, &c.Complained); err != nil {
			return err
		}
		i = addToPeriod(out, edges, slot, c, i)
		return nil
	})
	return out, err
}

// addToPeriod adds a slot's counts to its period (found from hint on) and
// returns the period's index.
func addToPeriod(out []PeriodCounts, edges []time.Time, slot int64, c PeriodCounts, hint int) int {
	i := periodOf(edges, time.Unix(slot*SlotSeconds, 0), hint)
	if i < 0 {
		return hint
	}
	p := &out[i]
	p.Sent += c.Sent
	p.Replied += c.Replied
	p.Positive += c.Positive
	p.Bounced += c.Bounced
	p.Unsubscribed += c.Unsubscribed
	p.Complained += c.Complained
	return i
}

// MailboxPeriodTotals is PeriodTotals for every mailbox of the workspace at
// once (mailbox id → periods), in one query: the domains' health.
func (s Scope) MailboxPeriodTotals(ctx context.Context, edges []time.Time) (map[string][]PeriodCounts, error) {
	out := map[string][]PeriodCounts{}
	if len(edges) < 2 {
		return out, nil
	}
	g := slotGroup(edges)
	rows, err := s.query(ctx, `SELECT inbox_id, slot / `+g+` * `+g+`, SUM(sent), SUM(replied), SUM(bounced), SUM(unsubscribed),
		SUM(complained) FROM analytics_mailbox_counts WHERE workspace_id = ? AND slot >= ? AND slot < ?
		GROUP BY inbox_id, slot / `+g, s.ws, Slot(edges[0]), Slot(edges[len(edges)-1]))
	if err != nil {
		return nil, err
	}
	i := 0
	err = eachRow(rows, func(r rowScanner) error {
		var id string
		var slot int64
		var c PeriodCounts
		if err := r.Scan(&id, &slot, &c.Sent, &c.Replied, &c.Bounced, &c.Unsubscribed, &c.Complained); err != nil {
			return err
		}
		days, ok := out[id]
		if !ok {
			days = make([]PeriodCounts, len(edges)-1)
			out[id], i = days, 0
		}
		i = addToPeriod(days, edges, slot, c, i)
		return nil
	})
	return out, err
}

// slotGroup is how many slots the database may add up before Go sorts them
// into periods: a UTC day's 96 when every edge is a UTC midnight, an hour's
// 4 when every edge is on the hour, else 1 (a zone of half or quarter
// hours). Fewer rows cross to Go; no group straddles an edge.
func slotGroup(edges []time.Time) string {
	day, hour := true, true
	for _, e := range edges {
		day = day && e.Unix()%86400 == 0
		hour = hour && e.Unix()%3600 == 0
	}
	switch {
	case day:
		return "96"
	case hour:
		return "4"
	}
	return "1"
}

// periodOf is the index of the period t falls in (-1 outside), searched
// from hint.
func periodOf(edges []time.Time, t time.Time, hint int) int {
	if t.Before(edges[0]) || !t.Before(edges[len(edges)-1]) {
		return -1
	}
	if hint < 0 || hint >= len(edges)-1 || t.Before(edges[hint]) {
		hint = 0
	}
	for !t.Before(edges[hint+1]) {
		hint++
	}
	return hint
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
// What counts as positive moves the counters: run it in a transaction, it
// rebuilds the workspace's (RebuildAnalytics) when the list changes.
func (s Scope) SetPositiveCategories(ctx context.Context, categories []string) error {
	before, err := s.PositiveCategories(ctx)
	if err != nil {
		return err
	}
	if err := s.execOne(ctx, `UPDATE workspaces SET positive_categories = ?, updated_at = ? WHERE id = ?`,
		strings.Join(categories, ","), s.now(), s.ws); err != nil {
		return err
	}
	if slices.Equal(before, categories) {
		return nil
	}
	return s.RebuildAnalytics(ctx)
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
