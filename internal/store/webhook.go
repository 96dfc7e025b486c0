package store

import (
	"context"
	"encoding/json"
	"time"
)

// Webhook is an endpoint a workspace's events are delivered to. Secret and
// OldSecret are ciphertexts of the key ring (internal/webhook seals them).
type Webhook struct {
	ID             string
	WorkspaceID    string
	URL            string
	Description    string
	Events         []string // empty: all
	CampaignIDs    []string // empty: all
	Enabled        bool
	Secret         string
	OldSecret      string
	OldSecretUntil *time.Time
	FailingSince   *time.Time
	DisabledReason string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

const webhookColumns = `id, workspace_id, url, description, events, campaign_ids, enabled, secret, old_secret,
	old_secret_until, failing_since, disabled_reason, created_at, updated_at`

func scanWebhook(r rowScanner) (Webhook, error) {
	var w Webhook
	var events, campaigns string
	err := r.Scan(&w.ID, &w.WorkspaceID, &w.URL, &w.Description, &events, &campaigns, &w.Enabled, &w.Secret,
		&w.OldSecret, &w.OldSecretUntil, &w.FailingSince, &w.DisabledReason, &w.CreatedAt, &w.UpdatedAt)
	if err != nil {
		return w, err
	}
	_ = json.Unmarshal([]byte(events), &w.Events)
	_ = json.Unmarshal([]byte(campaigns), &w.CampaignIDs)
	return w, nil
}

func jsonList(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// CreateWebhook stores a new endpoint (w.ID set by the caller, who sealed
// the secret with it).
func (s Scope) CreateWebhook(ctx context.Context, w *Webhook) error {
	now := s.now()
	w.WorkspaceID, w.CreatedAt, w.UpdatedAt = s.ws, now, now
	_, err := s.exec(ctx, `INSERT INTO webhooks (id, workspace_id, url, description, events, campaign_ids, enabled, secret,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, w.ID, s.ws, w.URL, w.Description,
		jsonList(w.Events), jsonList(w.CampaignIDs), w.Enabled, w.Secret, now, now)
	return s.d.translate(err)
}

// Webhook reads one endpoint.
func (s Scope) Webhook(ctx context.Context, id string) (Webhook, error) {
	w, err := scanWebhook(s.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = ? AND workspace_id = ?`, id, s.ws))
	return w, notFound(err)
}

// Webhooks lists the workspace's endpoints, oldest first.
func (s Scope) Webhooks(ctx context.Context) ([]Webhook, error) {
	rows, err := s.query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE workspace_id = ? ORDER BY id LIMIT 100`, s.ws)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanWebhook)
}

// UpdateWebhook writes an endpoint's editable fields and its state
// (enabled, disabled reason, failing since, secrets).
func (s Scope) UpdateWebhook(ctx context.Context, w Webhook) error {
	return s.execOne(ctx, `UPDATE webhooks SET url = ?, description = ?, events = ?, campaign_ids = ?, enabled = ?,
		secret = ?, old_secret = ?, old_secret_until = ?, failing_since = ?, disabled_reason = ?, updated_at = ?
		WHERE id = ? AND workspace_id = ?`, w.URL, w.Description, jsonList(w.Events), jsonList(w.CampaignIDs), w.Enabled,
		w.Secret, w.OldSecret, w.OldSecretUntil, w.FailingSince, w.DisabledReason, s.now(), w.ID, s.ws)
}

// DeleteWebhook removes an endpoint and its deliveries.
func (s Scope) DeleteWebhook(ctx context.Context, id string) error {
	return s.execOne(ctx, `DELETE FROM webhooks WHERE id = ? AND workspace_id = ?`, id, s.ws)
}

// EnabledWebhooksOf lists the enabled endpoints of workspaces, across
// workspaces: the delivery workers' fan-out.
func (q Queries) EnabledWebhooksOf(ctx context.Context, workspaceIDs []string) ([]Webhook, error) {
	if len(workspaceIDs) == 0 {
		return nil, nil
	}
	rows, err := q.query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE enabled = TRUE AND workspace_id IN (`+
		marks(len(workspaceIDs))+`) ORDER BY id`, anys(workspaceIDs)...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanWebhook)
}

// WebhooksByID reads endpoints by id, across workspaces (the workers).
func (q Queries) WebhooksByID(ctx context.Context, ids []string) (map[string]Webhook, error) {
	out := map[string]Webhook{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id IN (`+marks(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	list, err := collectRows(rows, scanWebhook)
	for _, w := range list {
		out[w.ID] = w
	}
	return out, err
}

// SetWebhookHealth records an endpoint's run of failures (failingSince nil:
// it answered) and, with a reason, disables it.
func (q Queries) SetWebhookHealth(ctx context.Context, id string, failingSince *time.Time, disabledReason string) error {
	if disabledReason != "" {
		_, err := q.exec(ctx, `UPDATE webhooks SET enabled = FALSE, disabled_reason = ?, failing_since = ?, updated_at = ?
			WHERE id = ?`, disabledReason, failingSince, q.now(), id)
		return err
	}
	_, err := q.exec(ctx, `UPDATE webhooks SET failing_since = ? WHERE id = ?`, failingSince, id)
	return err
}

// Delivery is one event to one endpoint.
type Delivery struct {
	ID          string
	WorkspaceID string
	WebhookID   string
	EventID     string
	Status      string // DeliveryPending, DeliveryDelivered, DeliveryFailed
	Attempts    int
	NextAt      time.Time
	LastCode    int
	LastError   string
	LastBody    string
	LastMS      int
	LastAt      *time.Time
	CreatedAt   time.Time
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

const deliveryColumns = `id, workspace_id, webhook_id, event_id, status, attempts, next_at, last_code, last_error,
	last_body, last_ms, last_at, created_at`

func scanDelivery(r rowScanner) (Delivery, error) {
	var d Delivery
	err := r.Scan(&d.ID, &d.WorkspaceID, &d.WebhookID, &d.EventID, &d.Status, &d.Attempts, &d.NextAt, &d.LastCode,
		&d.LastError, &d.LastBody, &d.LastMS, &d.LastAt, &d.CreatedAt)
	return d, err
}

// InsertDeliveries writes new pending deliveries, due at once; a delivery
// of the same event to the same endpoint is not made twice.
func (q Queries) InsertDeliveries(ctx context.Context, list []Delivery) error {
	now := q.now()
	return chunks(list, 500, func(part []Delivery) error {
		args := make([]any, 0, len(part)*7)
		for _, d := range part {
			if d.ID == "" {
				d.ID = NewID()
			}
			args = append(args, d.ID, d.WorkspaceID, d.WebhookID, d.EventID, now, now, now)
		}
		_, err := q.exec(ctx, `INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, event_id, next_at, created_at,
			updated_at) VALUES `+valuesList(len(part), 7)+` ON CONFLICT (webhook_id, event_id) DO NOTHING`, args...)
		return err
	})
}

// ClaimDeliveries takes up to limit due pending deliveries, oldest due
// first, and pushes their next_at to leaseUntil: a worker that dies
// mid-attempt leaves them due again then. Rows another worker is claiming
// are skipped on Postgres (SKIP LOCKED); SQLite's single writer serialises.
func (q Queries) ClaimDeliveries(ctx context.Context, now, leaseUntil time.Time, limit int) ([]Delivery, error) {
	rows, err := q.query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE status = 'pending' AND next_at <= ?
		ORDER BY next_at, id LIMIT ?`+q.d.skipLocked(), now, limit)
	if err != nil {
		return nil, err
	}
	list, err := collectRows(rows, scanDelivery)
	if err != nil || len(list) == 0 {
		return list, err
	}
	ids := make([]string, len(list))
	for i, d := range list {
		ids[i] = d.ID
	}
	_, err = q.exec(ctx, `UPDATE webhook_deliveries SET next_at = ?, attempts = attempts + 1, updated_at = ?
		WHERE id IN (`+marks(len(ids))+`)`, append([]any{leaseUntil, now}, anys(ids)...)...)
	for i := range list {
		list[i].Attempts++
	}
	return list, err
}

// Attempt is the outcome of one delivery attempt.
type Attempt struct {
	Status string    // the delivery's status after it
	NextAt time.Time // when pending: the next attempt
	Code   int
	Error  string
	Body   string
	MS     int
	At     time.Time
}

// RecordAttempt writes an attempt's outcome.
func (q Queries) RecordAttempt(ctx context.Context, id string, a Attempt) error {
	_, err := q.exec(ctx, `UPDATE webhook_deliveries SET status = ?, next_at = ?, last_code = ?, last_error = ?, last_body = ?,
		last_ms = ?, last_at = ?, updated_at = ? WHERE id = ?`, a.Status, a.NextAt, a.Code, a.Error, a.Body, a.MS, a.At, a.At, id)
	return err
}

// FailPendingDeliveries gives up the pending deliveries of an endpoint
// that was disabled.
func (q Queries) FailPendingDeliveries(ctx context.Context, webhookID, reason string) error {
	_, err := q.exec(ctx, `UPDATE webhook_deliveries SET status = 'failed', last_error = ?, updated_at = ?
		WHERE webhook_id = ? AND status = 'pending'`, reason, q.now(), webhookID)
	return err
}

// Deliveries lists an endpoint's deliveries, newest first, before cursor.
func (s Scope) Deliveries(ctx context.Context, webhookID, cursor string, limit int) ([]Delivery, error) {
	query, args := keysetPage(`SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE workspace_id = ? AND webhook_id = ?`,
		[]any{s.ws, webhookID}, cursor, limit)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanDelivery)
}

// RetryDelivery makes a delivery pending and due now.
func (s Scope) RetryDelivery(ctx context.Context, webhookID, id string) error {
	now := s.now()
	return s.execOne(ctx, `UPDATE webhook_deliveries SET status = 'pending', next_at = ?, updated_at = ?
		WHERE id = ? AND webhook_id = ? AND workspace_id = ?`, now, now, id, webhookID, s.ws)
}

// AddNotice records an in-app notice for the workspace's admins.
func (s Scope) AddNotice(ctx context.Context, kind, message string) error {
	_, err := s.exec(ctx, `INSERT INTO workspace_notices (id, workspace_id, kind, message, created_at) VALUES (?, ?, ?, ?, ?)`,
		NewID(), s.ws, kind, message, s.now())
	return err
}

// Notices lists the workspace's notices not dismissed, newest first.
func (s Scope) Notices(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, `SELECT message FROM workspace_notices WHERE workspace_id = ? AND dismissed_at IS NULL
		ORDER BY id DESC LIMIT 20`, s.ws)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (string, error) {
		var m string
		return m, r.Scan(&m)
	})
}
