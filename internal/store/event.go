package store

import (
	"context"
	"time"
)

// Event is one row of the events outbox (migration 0016): what changed, as
// the JSON its envelope carries in data. internal/event builds them; the
// store only keeps them.
type Event struct {
	ID          string
	WorkspaceID string
	Type        string
	CampaignID  string // "" when the event is about no campaign
	Data        string // JSON object
	CreatedAt   time.Time
}

// eventChunk bounds the rows of one multi-row INSERT (7 parameters each).
const eventChunk = 500

// InsertEvents writes events. Call it on the Tx that makes the change the
// events report, so they commit or roll back together. A missing id or time
// is filled in (ids are time-ordered: the feed's order).
func (q Queries) InsertEvents(ctx context.Context, events []Event) error {
	now := q.now()
	for i := range events {
		if events[i].ID == "" {
			events[i].ID = NewID()
		}
		if events[i].CreatedAt.IsZero() {
			events[i].CreatedAt = now
		}
	}
	return chunks(events, eventChunk, func(part []Event) error {
		args := make([]any, 0, len(part)*6)
		for _, e := range part {
			args = append(args, e.ID, e.WorkspaceID, e.Type, e.CampaignID, e.Data, e.CreatedAt)
		}
		_, err := q.exec(ctx, `INSERT INTO events (id, workspace_id, type, campaign_id, data, created_at) VALUES `+
			valuesList(len(part), 6), args...)
		return err
	})
}

func scanEvent(r rowScanner) (Event, error) {
	var e Event
	err := r.Scan(&e.ID, &e.WorkspaceID, &e.Type, &e.CampaignID, &e.Data, &e.CreatedAt)
	return e, err
}

const eventColumns = `id, workspace_id, type, campaign_id, data, created_at`

// EventsAfter lists the workspace's events with an id above after ("" from
// the oldest kept), in id order, of the given types (none: all), at most
// limit.
func (s Scope) EventsAfter(ctx context.Context, after string, types []string, limit int) ([]Event, error) {
	// A webhook's test event is its endpoint's alone, not the feed's.
	q := `SELECT ` + eventColumns + ` FROM events WHERE workspace_id = ? AND id > ? AND type <> 'webhook.test'`
	args := []any{s.ws, after}
	if len(types) > 0 {
		q += ` AND type IN (` + marks(len(types)) + `)`
		args = append(args, anys(types)...)
	}
	rows, err := s.query(ctx, q+` ORDER BY id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanEvent)
}

// Event reads one of the workspace's events.
func (s Scope) Event(ctx context.Context, id string) (Event, error) {
	e, err := scanEvent(s.queryRow(ctx, `SELECT `+eventColumns+` FROM events WHERE workspace_id = ? AND id = ?`, s.ws, id))
	return e, notFound(err)
}

// EventsByID reads events by id, across workspaces: the delivery workers
// sign and send what the deliveries they claimed name.
func (q Queries) EventsByID(ctx context.Context, ids []string) (map[string]Event, error) {
	found := map[string]Event{}
	err := chunks(ids, 500, func(part []string) error {
		rows, err := q.query(ctx, `SELECT `+eventColumns+` FROM events WHERE id IN (`+marks(len(part))+`)`, anys(part)...)
		if err != nil {
			return err
		}
		list, err := collectRows(rows, scanEvent)
		for _, e := range list {
			found[e.ID] = e
		}
		return err
	})
	return found, err
}

// LockPendingEvents picks up to limit events not yet fanned out to their
// deliveries, oldest first, locked for the transaction (rows another worker
// holds are skipped on Postgres; SQLite's single writer serialises).
func (q Queries) LockPendingEvents(ctx context.Context, limit int) ([]Event, error) {
	rows, err := q.query(ctx, `SELECT `+eventColumns+` FROM events WHERE fanned_out_at IS NULL
		ORDER BY id LIMIT ?`+q.d.skipLocked(), limit)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanEvent)
}

// MarkEventsFannedOut records that the events' deliveries exist.
func (q Queries) MarkEventsFannedOut(ctx context.Context, ids []string) error {
	now := q.now()
	return chunks(ids, 500, func(part []string) error {
		_, err := q.exec(ctx, `UPDATE events SET fanned_out_at = ? WHERE id IN (`+marks(len(part))+`)`,
			append([]any{now}, anys(part)...)...)
		return err
	})
}

// DeleteEventsBefore removes up to limit events created before t (the
// retention, LEADBITZ_EVENT_RETENTION) that are fanned out, and returns how
// many it removed. Their deliveries go with them.
func (q Queries) DeleteEventsBefore(ctx context.Context, t time.Time, limit int) (int, error) {
	if _, err := q.exec(ctx, `DELETE FROM webhook_deliveries WHERE event_id IN (SELECT id FROM events
		WHERE created_at < ? AND fanned_out_at IS NOT NULL ORDER BY id LIMIT ?) AND status <> 'pending'`, t, limit); err != nil {
		return 0, err
	}
	res, err := q.exec(ctx, `DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < ?
		AND fanned_out_at IS NOT NULL ORDER BY id LIMIT ?)
		AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = events.id)`, t, limit)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
