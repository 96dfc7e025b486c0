package sending

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Config is what an Engine needs. Store, Providers and Unsubscribe are
// required; the rest have defaults.
type Config struct {
	Store *store.Store
	// Providers maps a mailbox's provider ("sandbox", "gmail"…) to its
	// opener. Jobs of a mailbox whose provider is missing are held with
	// reason provider_unavailable.
	Providers   map[string]provider.Opener
	Unsubscribe *Unsubscribe
	// Env is the clock (tests move it) and the logger.
	Env env.Env
	// Rand draws the jitter of gaps; default math/rand/v2.
	Rand    rules.Rand
	Metrics *Metrics
	// BatchSize is how many due jobs one claim picks first (the due jobs of
	// their mailboxes are added, up to MailboxQueueLimit); default 200.
	BatchSize         int
	MailboxQueueLimit int
	// MaxPerTick bounds the jobs one Tick looks at, so a huge backlog is
	// worked through by successive ticks; default 20000.
	MaxPerTick int
	// Workers is how many sends run at once; 1 sends in the caller's
	// goroutine. Default 8.
	Workers int
	// Parallel is how many batches one Tick works at once: 2 on Postgres
	// (their claims never overlap), 1 on SQLite, whose single connection
	// runs one transaction at a time anyway.
	Parallel int
	// SendTimeout bounds one provider call; Lease is how long a claimed job
	// may stay claimed or sending before another tick treats its tick as
	// dead and resolves it. Lease must exceed SendTimeout by the time a
	// batch takes to record. Defaults 1 and 5 minutes.
	SendTimeout time.Duration
	Lease       time.Duration
	// MaxAttempts is how many failed attempts (transient, rate limited)
	// a job gets before the lead fails; default 8.
	MaxAttempts int
}

// Engine is the send tick. It is safe to run Tick from several goroutines
// and processes at once: claims never overlap.
type Engine struct {
	st          *store.Store
	providers   map[string]provider.Opener
	unsub       *Unsubscribe
	env         env.Env
	rnd         rules.Rand
	metrics     *Metrics
	batchSize   int
	queueLimit  int
	maxPerTick  int
	workers     int
	parallel    int
	sendTimeout time.Duration
	lease       time.Duration
	maxAttempts int
	// afterClaim runs between a claim's commit and its sends; tests use it
	// to kill a tick there.
	afterClaim func()
	// beforeFinish runs before a sent batch is recorded; tests fail a
	// record with it.
	beforeFinish func() error
}

// globalRand is math/rand/v2's goroutine-safe source.
type globalRand struct{}

func (globalRand) Int64N(n int64) int64 { return rand.Int64N(n) }

// New checks the configuration and applies defaults.
func New(cfg Config) (*Engine, error) {
	if cfg.Store == nil || cfg.Unsubscribe == nil {
		return nil, errors.New("sending: Store and Unsubscribe are required")
	}
	e := &Engine{
		st:          cfg.Store,
		providers:   cfg.Providers,
		unsub:       cfg.Unsubscribe,
		env:         cfg.Env,
		rnd:         cfg.Rand,
		metrics:     cfg.Metrics,
		batchSize:   cmp.Or(cfg.BatchSize, 200),
		queueLimit:  cmp.Or(cfg.MailboxQueueLimit, 5000),
		maxPerTick:  cmp.Or(cfg.MaxPerTick, 20000),
		workers:     cmp.Or(cfg.Workers, 8),
		parallel:    cfg.Parallel,
		sendTimeout: cmp.Or(cfg.SendTimeout, time.Minute),
		lease:       cmp.Or(cfg.Lease, 5*time.Minute),
		maxAttempts: cmp.Or(cfg.MaxAttempts, 8),
	}
	if e.parallel == 0 {
		e.parallel = 1
		if cfg.Store.Dialect() == store.Postgres {
			e.parallel = 2
		}
	}
	if e.rnd == nil {
		e.rnd = globalRand{}
	}
	if e.lease <= e.sendTimeout {
		return nil, fmt.Errorf("sending: Lease (%s) must be longer than SendTimeout (%s)", e.lease, e.sendTimeout)
	}
	return e, nil
}

// Result counts what one Tick did.
type Result struct {
	Processed int // jobs looked at (sent, moved, held, canceled, failed)
	Sent      int
	Deferred  int // moved to a later time or held
	Failed    int // send attempts that failed (retried or final)
}

func (r *Result) add(o Result) {
	r.Processed += o.Processed
	r.Sent += o.Sent
	r.Deferred += o.Deferred
	r.Failed += o.Failed
}

// Tick runs one pass: it resolves jobs left behind by a dead tick, then
// claims, sends and records due jobs in batches until none is due or
// MaxPerTick jobs were looked at. Cancelling ctx stops new claims; sends
// already claimed are finished and recorded.
func (e *Engine) Tick(ctx context.Context) (Result, error) {
	start := time.Now()
	var res Result
	defer func() {
		if e.metrics != nil {
			e.metrics.tickDuration.Observe(time.Since(start).Seconds())
		}
	}()
	if err := e.recoverStale(ctx, &res); err != nil {
		return res, err
	}
	// Lanes claim disjoint batches (SKIP LOCKED) and overlap one batch's
	// database round trips with another's.
	t := &tally{res: res, looked: res.Processed}
	if e.parallel <= 1 {
		// In the caller's goroutine: a crash (panic) mid-tick stays a crash.
		if err := e.lane(ctx, t); err != nil {
			return t.res, err
		}
	} else {
		errs := make(chan error, e.parallel)
		var wg sync.WaitGroup
		for range e.parallel {
			wg.Go(func() { errs <- e.lane(ctx, t) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				return t.res, err
			}
		}
	}
	res = t.res
	if e.metrics != nil {
		if n, err := e.st.CountDueJobs(ctx, e.env.Now(), 100000); err == nil {
			e.metrics.dueBacklog.Set(float64(n))
		}
	}
	return res, nil
}

// tally is what a tick's lanes did so far.
type tally struct {
	mu     sync.Mutex
	res    Result
	looked int // jobs looked at by recovery and the claims, for MaxPerTick
}

func (t *tally) add(r Result) {
	t.mu.Lock()
	t.res.add(r)
	t.mu.Unlock()
}

// claimed counts a claim's jobs and reports whether limit is reached.
func (t *tally) claimed(n, limit int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.looked += n
	return t.looked >= limit
}

// lane claims, sends and records batches until none is due, MaxPerTick
// jobs were looked at or ctx is cancelled. A batch is recorded in the
// background (a pipe) while the next one is claimed and sent; the next
// batch is recorded only after it.
func (e *Engine) lane(ctx context.Context, t *tally) error {
	cache := newTickCache()
	var p pipe
	for ctx.Err() == nil && !t.claimed(0, e.maxPerTick) { // nothing claimed yet: is the limit reached?
		b, err := e.claim(ctx, cache)
		if err != nil {
			return errors.Join(fmt.Errorf("claim: %w", err), p.wait())
		}
		full := t.claimed(b.result.Processed, e.maxPerTick)
		if e.afterClaim != nil && len(b.claims) > 0 {
			e.afterClaim()
		}
		sb, err := e.send(context.WithoutCancel(ctx), b)
		if err != nil {
			t.add(b.result)
		}
		if werr := p.wait(); err != nil || werr != nil {
			if err == nil {
				// The batch before could not be recorded, this one went
				// out: record it now rather than leave its jobs sending
				// until their lease runs out.
				err = e.finish(context.WithoutCancel(ctx), sb)
				t.add(sb.result)
			}
			return errors.Join(werr, err)
		}
		p.start(func() error {
			err := e.finish(context.WithoutCancel(ctx), sb)
			t.add(sb.result)
			return err
		})
		if full || b.picked < e.batchSize {
			break
		}
	}
	return p.wait()
}

// pipe runs one function at a time in the background. A panic there (the
// process dying, in the crash tests) is raised again in the goroutine that
// waits, as if it had run there.
type pipe struct {
	done chan any // the function's error, or what it panicked with
}

func (p *pipe) start(f func() error) {
	p.done = make(chan any, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				p.done <- panicked{r}
			}
		}()
		p.done <- f()
	}()
}

type panicked struct{ v any }

// wait waits for the function started last, if any, and returns its error.
func (p *pipe) wait() error {
	if p.done == nil {
		return nil
	}
	v := <-p.done
	p.done = nil
	if pv, ok := v.(panicked); ok {
		panic(pv.v)
	}
	err, _ := v.(error)
	return err
}

// stop is a lead to stop after a claim commits (enrollment.StopLeads takes the
// campaign lead before its jobs, so it cannot run inside the claim, which
// holds jobs).
type stop struct {
	ws, campaignLeadID, status, reason string
}

// applyStops stops a batch's leads with enrollment.StopLeads, one transaction per
// workspace, status and reason (retried on a deadlock or serialization
// failure). A campaign lead named twice keeps its latest stop, as if the
// stops had run one by one.
func (e *Engine) applyStops(ctx context.Context, stops []stop) error {
	type group struct{ ws, status, reason string }
	latest := make(map[string]stop, len(stops))
	for _, s := range stops {
		latest[s.campaignLeadID] = s
	}
	groups := map[group][]string{}
	for id, s := range latest {
		g := group{s.ws, s.status, s.reason}
		groups[g] = append(groups[g], id)
	}
	keys := slices.SortedFunc(maps.Keys(groups), func(a, b group) int {
		return cmp.Or(strings.Compare(a.ws, b.ws), strings.Compare(a.status, b.status), strings.Compare(a.reason, b.reason))
	})
	for _, g := range keys {
		ids := groups[g]
		slices.Sort(ids)
		err := e.st.InTxRetry(ctx, func(tx *store.Tx) error {
			_, err := enrollment.StopLeads(ctx, tx, g.ws, ids, g.status, g.reason, e.env.Now())
			return err
		})
		if err != nil {
			return fmt.Errorf("stop leads: %w", err)
		}
	}
	return nil
}
