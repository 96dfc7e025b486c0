package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/problem"
)

// Budget bounds the disk space of uploads waiting for their import: the web
// app's staged files (per workspace and in total) and the importer's own
// files, from the moment they are received until their import ends.
//
// What is on disk is measured by walking the directories, so files removed
// anywhere (an import ending, the periodic clean-up) free their room at
// once. A file being written is named *.part and is not measured: the
// reservation made before writing it stands for it until it is released,
// so uploads arriving together cannot all pass the same check.
type Budget struct {
	total, perWorkspace int64
	dirs                []string // every file under them counts against total

	mu       sync.Mutex
	reserved map[string]int64 // by workspace directory ("" for the importer's files)
}

// partSuffix names a file still being written.
const partSuffix = ".part"

// NewBudget returns a budget of total bytes over every file under dirs and
// perWorkspace bytes for one workspace's directory (see Reserve). Zero
// means no limit; a nil *Budget allows everything.
func NewBudget(total, perWorkspace int64, dirs ...string) *Budget {
	return &Budget{total: total, perWorkspace: perWorkspace, dirs: dirs, reserved: map[string]int64{}}
}

// Reserve promises room for a file of up to size bytes, to be written as a
// *.part file. wsDir, when not "", is the directory of the workspace's
// staged files: it counts against the workspace's budget too. Call release
// once the file is renamed into place or removed. Over a budget, Reserve
// answers a problem that says what to do: 413 for the workspace's, 507 for
// the server's.
func (b *Budget) Reserve(wsDir string, size int64) (release func(), err error) {
	if b == nil {
		return func() {}, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.perWorkspace > 0 && wsDir != "" {
		used := DiskUsage(wsDir) + b.reserved[wsDir]
		if used+size > b.perWorkspace {
			return nil, &problem.Error{Kind: problem.TooLarge, Code: "workspace_uploads_full",
				Message: fmt.Sprintf("Your workspace's uploads waiting to be imported use %s of its %s. Start or cancel the imports "+
					"you uploaded (each person keeps one upload; a new one replaces it), or wait for unused uploads to be "+
					"removed within %s, then upload again.", sizeText(used), sizeText(b.perWorkspace), durationText(StagedTTL)),
				Details: map[string]any{"usedBytes": used, "budgetBytes": b.perWorkspace}}
		}
	}
	if b.total > 0 {
		used := b.reservedTotal()
		for _, dir := range b.dirs {
			used += DiskUsage(dir)
		}
		if used+size > b.total {
			return nil, &problem.Error{Kind: problem.InsufficientStorage, Code: "uploads_full",
				Message: "The server has no room for more uploads waiting to be imported right now; try again in a few " +
					"minutes, when running imports have ended. If it lasts, ask the operator to raise LEADBITZ_STAGED_UPLOADS_TOTAL_BYTES.",
				Details: map[string]any{"usedBytes": used, "budgetBytes": b.total}}
		}
	}
	b.reserved[wsDir] += size
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			if b.reserved[wsDir] -= size; b.reserved[wsDir] <= 0 {
				delete(b.reserved, wsDir)
			}
		})
	}, nil
}

func (b *Budget) reservedTotal() int64 {
	var n int64
	for _, r := range b.reserved {
		n += r
	}
	return n
}

// DiskUsage is the size of the files under dir, files still being written
// (*.part) excepted; 0 when dir does not exist.
func DiskUsage(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(d.Name(), partSuffix) {
			return nil
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// StagedTTL is how long an upload may wait for its import: staged files the
// user did not import and leftovers of interrupted writes are removed by the
// periodic clean-up after it.
const StagedTTL = time.Hour

// RemoveOlder removes the files under dir (in subdirectories too) last
// modified before cutoff for which keep, if not nil, is false, then the
// empty subdirectories unchanged since cutoff. It returns how many files it
// removed.
func RemoveOlder(dir string, cutoff time.Time, keep func(path string) bool) int {
	removed := 0
	var dirs []string
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			// A directory is removed when empty and unchanged since cutoff,
			// so one an upload is about to write into is left alone.
			if info, err := d.Info(); err == nil && path != dir && info.ModTime().Before(cutoff) {
				dirs = append(dirs, path)
			}
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.ModTime().Before(cutoff) || (keep != nil && keep(path)) {
			return nil
		}
		if err := os.Remove(path); err == nil || errors.Is(err, os.ErrNotExist) {
			removed++
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- { // deepest first
		_ = os.Remove(dirs[i]) // fails unless empty
	}
	return removed
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func durationText(d time.Duration) string {
	if d >= time.Hour && d%time.Hour == 0 {
		if d == time.Hour {
			return "an hour"
		}
		return fmt.Sprintf("%d hours", d/time.Hour)
	}
	return fmt.Sprintf("%d minutes", d/time.Minute)
}
