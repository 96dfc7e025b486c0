package store

import "context"

// LiftBenchMailboxLimits turns the mailboxes SeedSendBench made into
// mailboxes of provider with no daily cap, ramp or gap to speak of, so a
// bench measures sending, not the rules. For benchmarks only.
func (q Queries) LiftBenchMailboxLimits(ctx context.Context, provider string) ([]string, error) {
	if _, err := q.exec(ctx, `UPDATE inbox_connections SET provider = ?, daily_cap = 1000000, ramp_start = 0,
		ramp_increment = 0, min_gap_seconds = 0 WHERE email LIKE '%@bench.test'`, provider); err != nil {
		return nil, err
	}
	return q.queryStrings(ctx, `SELECT id FROM inbox_connections WHERE email LIKE '%@bench.test' ORDER BY id`)
}
