package sending

// SetAfterClaim installs a function run after each claim commits and before
// its sends: crash tests panic there to leave jobs claimed.
func SetAfterClaim(e *Engine, f func()) { e.afterClaim = f }

// SetBeforeFinish installs a function run before each sent batch is
// recorded; an error it returns fails that batch's record.
func SetBeforeFinish(e *Engine, f func() error) { e.beforeFinish = f }
