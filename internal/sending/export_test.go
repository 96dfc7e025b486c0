package sending

// SetAfterClaim installs a function run after each claim commits and before
// its sends: crash tests panic there to leave jobs claimed.
func SetAfterClaim(e *Engine, f func()) { e.afterClaim = f }
