package assist_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/ai/offline"
	"github.com/leadbitz/leadbitz/internal/assist"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/ratelimit"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplate()
	os.Exit(code)
}

// stub is a generator that answers like the offline one, but can claim to be a model,
// report token usage, fail with an error, or hang until its context ends. It records the
// draft requests it receives.
type stub struct {
	offline.Generator
	name  string
	usage ai.Usage
	err   error
	hang  bool

	mu     sync.Mutex
	calls  int
	drafts []ai.DraftRequest
}

func (g *stub) Name() string {
	if g.name == "" {
		return ai.GeneratorOffline
	}
	return g.name
}

// answer applies the stub's behaviour to a result of the offline generator.
func answer[T any](ctx context.Context, g *stub, res T, err error, set func(*T, string, ai.Usage)) (T, error) {
	g.mu.Lock()
	g.calls++
	g.mu.Unlock()
	if g.hang {
		<-ctx.Done()
		var zero T
		set(&zero, g.Name(), ai.Usage{})
		return zero, fmt.Errorf("%w: %w", ai.ErrUnavailable, ctx.Err()) // as package openai says it
	}
	if err != nil {
		return res, err
	}
	if g.name != "" && g.name != ai.GeneratorOffline {
		set(&res, g.name, g.usage)
	}
	if g.err != nil {
		var zero T
		set(&zero, g.Name(), g.usage)
		return zero, g.err
	}
	return res, nil
}

func (g *stub) GenerateICP(ctx context.Context, req ai.ICPRequest) (ai.ICPResult, error) {
	r, err := g.Generator.GenerateICP(ctx, req)
	return answer(ctx, g, r, err, func(r *ai.ICPResult, n string, u ai.Usage) { r.Generator, r.Usage = n, u })
}

func (g *stub) Draft(ctx context.Context, req ai.DraftRequest) (ai.Draft, error) {
	g.mu.Lock()
	g.drafts = append(g.drafts, req)
	g.mu.Unlock()
	d, err := g.Generator.Draft(ctx, req)
	return answer(ctx, g, d, err, func(d *ai.Draft, n string, u ai.Usage) { d.Generator, d.Usage = n, u })
}

func (g *stub) Categorize(ctx context.Context, in ai.ReplyInput) (ai.Category, error) {
	if c, ok := ai.CategorizeByRules(in); ok {
		return c, nil // as ai.WithRules does in front of a model
	}
	c, err := g.Generator.Categorize(ctx, in)
	return answer(ctx, g, c, err, func(c *ai.Category, n string, u ai.Usage) { c.Generator, c.Usage = n, u })
}

func (g *stub) SuggestReply(ctx context.Context, req ai.SuggestRequest) (ai.Suggestion, error) {
	s, err := g.Generator.SuggestReply(ctx, req)
	return answer(ctx, g, s, err, func(s *ai.Suggestion, n string, u ai.Usage) { s.Generator, s.Usage = n, u })
}

func (g *stub) lastDraft() ai.DraftRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.drafts[len(g.drafts)-1]
}

func (g *stub) callCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls
}

// world is a database with two workspaces: Ann and Bob share A, Carol has B.
type world struct {
	st       *store.Store
	ann, bob account.Principal
	carol    account.Principal
	wsA, wsB string
	meta     account.Meta
	limiter  ratelimit.Limiter
}

func newWorld(t *testing.T, limiter ratelimit.Limiter) *world {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	if limiter == nil {
		limiter = ratelimit.NewMemory(nil)
	}
	w := &world{st: st, limiter: limiter, meta: account.Meta{IP: "192.0.2.1", RequestID: "req-1"}}
	users := map[string]*store.User{}
	for _, name := range []string{"Ann", "Bob", "Carol"} {
		u := store.User{Email: name + "@example.com", Name: name, PasswordHash: "x"}
		if err := st.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		users[name] = &u
	}
	wsA, wsB := store.Workspace{Name: "A"}, store.Workspace{Name: "B"}
	if err := st.CreateWorkspace(ctx, &wsA, users["Ann"].ID); err != nil {
		t.Fatal(err)
	}
	if err := st.AddMember(ctx, wsA.ID, users["Bob"].ID, store.RoleMember); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateWorkspace(ctx, &wsB, users["Carol"].ID); err != nil {
		t.Fatal(err)
	}
	w.wsA, w.wsB = wsA.ID, wsB.ID
	w.ann = account.Principal{User: *users["Ann"], WorkspaceID: wsA.ID, Role: store.RoleOwner}
	w.bob = account.Principal{User: *users["Bob"], WorkspaceID: wsA.ID, Role: store.RoleMember}
	w.carol = account.Principal{User: *users["Carol"], WorkspaceID: wsB.ID, Role: store.RoleOwner}
	return w
}

func (w *world) service(gen ai.Generator, mod func(*assist.Config)) *assist.Service {
	cfg := assist.Config{Store: w.st, Env: env.New(nil, nil), Limiter: w.limiter, Generator: gen, Model: "test-model"}
	if mod != nil {
		mod(&cfg)
	}
	return assist.New(cfg)
}

// limiters are the two limiter implementations the rules must hold on: in memory, and the
// real Redis (LEADBITZ_TEST_REDIS_URL) under a key prefix of the test's own.
func limiters(t *testing.T) map[string]func(t *testing.T) ratelimit.Limiter {
	return map[string]func(t *testing.T) ratelimit.Limiter{
		"memory": func(*testing.T) ratelimit.Limiter { return ratelimit.NewMemory(nil) },
		"redis": func(t *testing.T) ratelimit.Limiter {
			opts, err := redis.ParseURL(storetest.RedisURL())
			if err != nil {
				t.Fatal(err)
			}
			client := redis.NewClient(opts)
			t.Cleanup(func() { client.Close() })
			if err := client.Ping(context.Background()).Err(); err != nil {
				t.Fatalf("redis at %s: %v", storetest.RedisURL(), err)
			}
			return ratelimit.NewRedis(client, "leadbitz-test:assist:"+store.NewID()+":")
		},
	}
}

const restaurantPayroll = "Tipwise is payroll software for independent restaurants in the US. " +
	"It calculates tip pooling automatically and files payroll taxes, so owners stop spending Sunday evenings on spreadsheets."
