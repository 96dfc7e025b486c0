package assist

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/store"
)

// UsageWindow is the period GET /api/ai/usage sums.
const UsageWindow = 30 * 24 * time.Hour

// recordUsage writes one ai_usage row. It runs even when the caller has gone (the tokens
// were spent) and never fails the request: a missing row is logged instead.
func (s *Service) recordUsage(ctx context.Context, ws, userID, task, generator string, u ai.Usage) {
	generator = cmp.Or(generator, s.gen.Name())
	model := ""
	if generator == ai.GeneratorOpenAI {
		model = s.model
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	row := store.AIUsage{UserID: userID, Task: task, Generator: generator, Model: model,
		PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, CreatedAt: s.env.Now()}
	if err := s.store.InWorkspace(ws).InsertAIUsage(ctx, &row); err != nil {
		s.env.Log().ErrorContext(ctx, "record ai usage", "task", task, "workspace_id", ws, "err", err)
	}
}

// TaskUsage sums the AI answers of one task (or of all tasks, in UsageReport.Total).
type TaskUsage struct {
	Task string `json:"task"`
	// Requests counts every answer; ModelRequests those a model gave (the ones that cost).
	Requests         int64 `json:"requests"`
	ModelRequests    int64 `json:"modelRequests"`
	PromptTokens     int64 `json:"promptTokens"`
	CompletionTokens int64 `json:"completionTokens"`
	TotalTokens      int64 `json:"totalTokens"`
}

func (t *TaskUsage) add(r store.AIUsageTotal) {
	t.Requests += r.Requests
	if r.Generator == ai.GeneratorOpenAI {
		t.ModelRequests += r.Requests
	}
	t.PromptTokens += r.PromptTokens
	t.CompletionTokens += r.CompletionTokens
	t.TotalTokens += r.PromptTokens + r.CompletionTokens
}

// LimitView is one limit as reported: Count calls in any window of WindowSeconds.
type LimitView struct {
	Count         int `json:"count"`
	WindowSeconds int `json:"windowSeconds"`
}

func viewOf(l ratelimit.Limit) LimitView {
	return LimitView{Count: l.Count, WindowSeconds: int(l.Per / time.Second)}
}

// LimitsView reports the limits in force (see Limits).
type LimitsView struct {
	PerUser           LimitView `json:"perUser"`
	PerWorkspace      LimitView `json:"perWorkspace"`
	ModelPerWorkspace LimitView `json:"modelPerWorkspace"`
}

// UsageReport is the workspace's AI usage over the last UsageWindow, per task.
type UsageReport struct {
	From      time.Time   `json:"from"`
	To        time.Time   `json:"to"`
	Generator string      `json:"generator"`
	Model     string      `json:"model,omitempty"`
	Tasks     []TaskUsage `json:"tasks"`
	Total     TaskUsage   `json:"total"`
	Limits    LimitsView  `json:"limits"`
}

// Usage reports the workspace's AI usage over the last 30 days, one entry per task (the
// four tasks always, in a stable order), with the generator and limits in force, for cost
// visibility.
func (s *Service) Usage(ctx context.Context, ws string) (UsageReport, error) {
	to := s.env.Now().UTC()
	from := to.Add(-UsageWindow)
	rows, err := s.store.InWorkspace(ws).AIUsageTotals(ctx, from)
	if err != nil {
		return UsageReport{}, err
	}
	r := UsageReport{From: from, To: to, Generator: s.gen.Name(), Total: TaskUsage{Task: "all"},
		Limits: LimitsView{PerUser: viewOf(s.limits.PerUser), PerWorkspace: viewOf(s.limits.PerWorkspace),
			ModelPerWorkspace: viewOf(s.limits.ModelPerWorkspace)}}
	if s.online() {
		r.Model = s.model
	}
	tasks := []string{TaskICP, TaskDraft, TaskCategorize, TaskSuggest}
	sums := map[string]*TaskUsage{}
	for _, row := range rows {
		t, ok := sums[row.Task]
		if !ok {
			t = &TaskUsage{Task: row.Task}
			sums[row.Task] = t
			if !slices.Contains(tasks, row.Task) {
				tasks = append(tasks, row.Task) // rows come ordered by task
			}
		}
		t.add(row)
		r.Total.add(row)
	}
	for _, task := range tasks {
		if t, ok := sums[task]; ok {
			r.Tasks = append(r.Tasks, *t)
		} else {
			r.Tasks = append(r.Tasks, TaskUsage{Task: task})
		}
	}
	return r, nil
}
