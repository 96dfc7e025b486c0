package store

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEvent records who did what. Data never holds a secret: callers pass
// only ids, names and counts.
type AuditEvent struct {
	ID          string         `json:"id"`
	WorkspaceID string         `json:"workspaceId,omitempty"`
	ActorUserID string         `json:"actorUserId,omitempty"`
	ActorAPIKey string         `json:"actorApiKeyId,omitempty"`
	Action      string         `json:"action"`
	TargetType  string         `json:"targetType,omitempty"`
	TargetID    string         `json:"targetId,omitempty"`
	Data        map[string]any `json:"data,omitempty"`
	IP          string         `json:"ip,omitempty"`
	RequestID   string         `json:"requestId,omitempty"`
	CreatedAt   time.Time      `json:"createdAt"`
}

// InsertAudit writes an event. Call it on the Tx that makes the change it
// records, so the two commit or roll back together.
func (q Queries) InsertAudit(ctx context.Context, e AuditEvent) error {
	if e.ID == "" {
		e.ID = NewID()
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = q.now()
	}
	data := []byte("{}")
	if len(e.Data) > 0 {
		var err error
		if data, err = json.Marshal(e.Data); err != nil {
			return err
		}
	}
	_, err := q.exec(ctx, `INSERT INTO audit_events (id, workspace_id, actor_user_id, actor_api_key, action,
		target_type, target_id, data, ip, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, nullString(e.WorkspaceID), nullString(e.ActorUserID), nullString(e.ActorAPIKey), e.Action,
		e.TargetType, e.TargetID, string(data), e.IP, e.RequestID, e.CreatedAt)
	return err
}

// AuditEvents lists the workspace's events newest first, after the cursor
// (an event id) when given. It fetches limit+1 rows so the caller knows
// whether there is a next page.
func (s Scope) AuditEvents(ctx context.Context, cursor string, limit int) ([]AuditEvent, error) {
	q := `SELECT id, COALESCE(workspace_id, ''), COALESCE(actor_user_id, ''), COALESCE(actor_api_key, ''), action,
		target_type, target_id, data, ip, request_id, created_at FROM audit_events WHERE workspace_id = ?`
	args := []any{s.ws}
	q, args = keysetPage(q, args, cursor, limit+1)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []AuditEvent
	for rows.Next() {
		var e AuditEvent
		var data string
		if err := rows.Scan(&e.ID, &e.WorkspaceID, &e.ActorUserID, &e.ActorAPIKey, &e.Action, &e.TargetType,
			&e.TargetID, &data, &e.IP, &e.RequestID, &e.CreatedAt); err != nil {
			return nil, err
		}
		if data != "" && data != "{}" {
			if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
				return nil, err
			}
		}
		list = append(list, e)
	}
	return list, rows.Err()
}
