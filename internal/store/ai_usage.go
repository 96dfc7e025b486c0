package store

import (
	"context"
	"time"
)

// AIUsage is one answer of the AI generator: which task, which generator and
// model, and the tokens it cost (zero for offline and rule-based answers).
type AIUsage struct {
	ID               string
	UserID           string // "" for work the system did on its own
	Task             string
	Generator        string
	Model            string
	PromptTokens     int64
	CompletionTokens int64
	CreatedAt        time.Time
}

// InsertAIUsage records one AI answer for the workspace.
func (s Scope) InsertAIUsage(ctx context.Context, u *AIUsage) error {
	if u.ID == "" {
		u.ID = NewID()
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = s.now()
	}
	_, err := s.exec(ctx, `INSERT INTO ai_usage (id, workspace_id, user_id, task, generator, model, prompt_tokens,
		completion_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, s.ws, nullString(u.UserID), u.Task, u.Generator, u.Model, u.PromptTokens, u.CompletionTokens, u.CreatedAt)
	return err
}

// AIUsageTotal sums the workspace's AI answers of one task and generator.
type AIUsageTotal struct {
	Task             string
	Generator        string
	Requests         int64
	PromptTokens     int64
	CompletionTokens int64
}

// AIUsageTotals sums the workspace's usage recorded at or after since, per
// task and generator, ordered by task then generator.
func (s Scope) AIUsageTotals(ctx context.Context, since time.Time) ([]AIUsageTotal, error) {
	rows, err := s.query(ctx, `SELECT task, generator, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens)
		FROM ai_usage WHERE workspace_id = ? AND created_at >= ?
		GROUP BY task, generator ORDER BY task, generator`, s.ws, since)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (AIUsageTotal, error) {
		var t AIUsageTotal
		err := r.Scan(&t.Task, &t.Generator, &t.Requests, &t.PromptTokens, &t.CompletionTokens)
		return t, err
	})
}
