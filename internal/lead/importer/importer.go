// Package importer runs CSV lead imports in the background. An upload is
// streamed to a file in the data directory (never held in memory), checked
// (encoding, header, mapping) while the request waits, then imported by a
// small pool of workers in batches of a couple of thousand rows, each batch one
// transaction that writes its leads, their provenance, its rejected rows and
// the import's progress together: a broken batch leaves nothing half-written.
// On Postgres two batches of an import run at once, on two connections, so
// the database uses both cores; they commit in file order, and a batch that
// shares an email with a running one waits for it (see newBatch).
//
// Interrupted imports. A running import's lead_sources row carries a
// heartbeat the importer refreshes while it holds the import. Stop releases
// the imports it holds (heartbeat cleared); a crash leaves the heartbeat to
// age. Every importer looks, at start and then periodically, for running
// imports whose heartbeat is older than Config.StaleAfter (or cleared),
// claims each with a compare-and-set on the heartbeat (one replica wins), and
// resumes it from its last committed batch when the uploaded file is in its
// data directory, or marks it failed ("import it again") when the file is
// not. Resuming re-reads the rows already done without writing them, only to
// rebuild the in-file duplicate check, so a resumed import ends with exactly
// the result of an uninterrupted one.
package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Config tunes an Importer; zero fields take the defaults.
type Config struct {
	Dir        string        // where uploads wait for their import; required
	Workers    int           // imports run at the same time (default 2)
	BatchSize  int           // rows per transaction (default 2000)
	Parallel   int           // batches of one import written at once (default 2 on Postgres, 1 on SQLite)
	QueueSize  int           // imports waiting for a worker (default 100)
	Heartbeat  time.Duration // how often held imports are marked alive and stale ones looked for (default 10 s)
	StaleAfter time.Duration // a running import not marked alive for this long was interrupted (default 1 min)
	Budget     *Budget       // disk budget of waiting uploads (nil: none)
	// Verify checks the addresses of the workspace's leads never checked
	// (internal/verify) once the rows are written, before the import shows
	// done: after the batches, so DNS never holds a batch's transaction,
	// and once per distinct domain. Nil: no check.
	Verify func(ctx context.Context, workspaceID string) error
}

func (c Config) withDefaults() Config {
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 2000
	}
	if c.QueueSize <= 0 {
		c.QueueSize = 100
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = 10 * time.Second
	}
	if c.StaleAfter <= 0 {
		c.StaleAfter = time.Minute
	}
	return c
}

// job names an import to run.
type job struct{ workspaceID, id string }

// Importer receives uploads and runs imports. Start it before use and Stop
// it before closing the store.
type Importer struct {
	store *store.Store
	env   env.Env
	cfg   Config
	queue chan job

	mu     sync.Mutex
	held   map[string]chan struct{} // imports queued or running here; closed when let go
	retry  []job                    // held imports whose run failed on the database, run again at the next heartbeat
	cancel context.CancelFunc
	wg     sync.WaitGroup

	afterBatch func()       // tests: a batch of rows was committed
	beforeRun  func() error // tests: fail a run as a database error would
}

// New returns an Importer that is not started.
func New(st *store.Store, e env.Env, cfg Config) *Importer {
	cfg = cfg.withDefaults()
	if cfg.Parallel <= 0 {
		// Postgres writes two batches on two connections, which keeps both
		// cores busy; SQLite has one writer, so a second batch would only
		// wait for the first.
		cfg.Parallel = 1
		if st != nil && st.Dialect() == store.Postgres {
			cfg.Parallel = 2
		}
	}
	return &Importer{store: st, env: e, cfg: cfg, queue: make(chan job, cfg.QueueSize), held: map[string]chan struct{}{}}
}

// ErrNotStarted is returned by Submit before Start or after Stop.
var ErrNotStarted = errors.New("importer is not running")

// Start creates the upload directory, takes over interrupted imports and
// starts the workers. ctx only bounds the start; the workers run until Stop.
func (im *Importer) Start(ctx context.Context) error {
	if im.cfg.Dir == "" {
		return errors.New("importer: Config.Dir is empty")
	}
	if err := os.MkdirAll(im.cfg.Dir, 0o700); err != nil {
		return fmt.Errorf("create import directory: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	im.mu.Lock()
	im.cancel = cancel
	im.mu.Unlock()
	if err := im.recover(ctx); err != nil {
		cancel()
		return fmt.Errorf("recover interrupted imports: %w", err)
	}
	for range im.cfg.Workers {
		im.wg.Go(func() { im.work(runCtx) })
	}
	im.wg.Go(func() { im.keepAlive(runCtx) })
	return nil
}

// Stop stops the workers and waits for them. A batch in flight is rolled
// back; the imports held here are released so that the next start (of this
// or another replica) resumes them at once.
func (im *Importer) Stop() {
	im.mu.Lock()
	cancel := im.cancel
	im.cancel = nil
	im.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	im.wg.Wait()
	im.mu.Lock()
	im.retry = nil // held, so released below
	im.mu.Unlock()
	ids := im.heldIDs()
	if len(ids) == 0 {
		return
	}
	defer func() {
		for _, id := range ids {
			im.release(id)
		}
	}()
	ctx, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	if err := im.store.ReleaseImports(ctx, ids); err != nil {
		im.env.Log().Error("release imports at stop", "err", err)
	}
}

func (im *Importer) running() bool {
	im.mu.Lock()
	defer im.mu.Unlock()
	return im.cancel != nil
}

// enqueue hands an import to the workers; false when the queue is full.
func (im *Importer) enqueue(j job) bool {
	im.mu.Lock()
	defer im.mu.Unlock()
	select {
	case im.queue <- j:
		im.held[j.id] = make(chan struct{})
		return true
	default:
		return false
	}
}

// retryLater keeps a held import for the next heartbeat's requeue.
func (im *Importer) retryLater(j job) {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.retry = append(im.retry, j)
}

// requeue hands the imports kept by retryLater back to the workers, as many
// as the queue takes.
func (im *Importer) requeue() {
	im.mu.Lock()
	defer im.mu.Unlock()
	for len(im.retry) > 0 {
		select {
		case im.queue <- im.retry[0]:
			im.retry = im.retry[1:]
		default:
			return
		}
	}
}

func (im *Importer) release(id string) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if done, ok := im.held[id]; ok {
		close(done)
		delete(im.held, id)
	}
}

// Wait returns once the import id, when this importer holds it, has
// finished or been let go by Stop, or when ctx ends; at once when it is
// not held here (finished already, or run by another replica).
func (im *Importer) Wait(ctx context.Context, id string) error {
	im.mu.Lock()
	done, ok := im.held[id]
	im.mu.Unlock()
	if !ok {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (im *Importer) heldIDs() []string {
	im.mu.Lock()
	defer im.mu.Unlock()
	ids := make([]string, 0, len(im.held))
	for id := range im.held {
		ids = append(ids, id)
	}
	return ids
}

func (im *Importer) isHeld(id string) bool {
	im.mu.Lock()
	defer im.mu.Unlock()
	_, ok := im.held[id]
	return ok
}

// path is where an import's upload waits.
func (im *Importer) path(id string) string { return filepath.Join(im.cfg.Dir, id+".csv") }

func (im *Importer) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-im.queue:
			err := im.run(ctx, j)
			if ctx.Err() != nil {
				return // stopping: the import stays held and is released by Stop
			}
			if err != nil {
				// A database error: the import keeps its place here (held,
				// its heartbeat kept) and runs again from its last batch at
				// the next heartbeat, rather than waiting to age.
				im.env.Log().Error("lead import stopped on an error; retrying", "import_id", j.id, "workspace_id", j.workspaceID, "err", err)
				im.retryLater(j)
				continue
			}
			im.release(j.id)
		}
	}
}

// keepAlive refreshes the heartbeat of held imports and takes over stale
// ones, every Config.Heartbeat.
func (im *Importer) keepAlive(ctx context.Context) {
	t := time.NewTicker(im.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			im.requeue()
			if ids := im.heldIDs(); len(ids) > 0 {
				if err := im.store.TouchImports(ctx, ids); err != nil && ctx.Err() == nil {
					im.env.Log().Error("import heartbeat", "err", err)
				}
			}
			if err := im.recover(ctx); err != nil && ctx.Err() == nil {
				im.env.Log().Error("recover interrupted imports", "err", err)
			}
		}
	}
}

// recover claims running imports nobody holds: resumed when their file is
// here, failed when it is not.
func (im *Importer) recover(ctx context.Context) error {
	stale, err := im.store.StaleImports(ctx, im.env.Now().Add(-im.cfg.StaleAfter))
	if err != nil {
		return err
	}
	for _, src := range stale {
		if im.isHeld(src.ID) {
			continue
		}
		ok, err := im.store.ClaimImport(ctx, src.ID, src.HeartbeatAt)
		if err != nil {
			return err
		}
		if !ok {
			continue // another replica took it
		}
		if _, err := os.Stat(im.path(src.ID)); err != nil {
			im.fail(ctx, src, "The import was interrupted and its file is no longer on this server; import the file again.")
			continue
		}
		im.env.Log().Info("resuming interrupted lead import", "import_id", src.ID, "rows_done", src.RowsDone)
		if !im.enqueue(job{src.WorkspaceID, src.ID}) {
			// Full: leave it to age again and be claimed on a later pass.
			continue
		}
	}
	return nil
}
