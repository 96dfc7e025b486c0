// Package plan tells what the send engine (internal/sending) will do, without
// doing it: Explain answers "why hasn't this lead been emailed?" for a
// lead's pending job, and Forecast plans a campaign's next days per mailbox.
// Both run the engine's own rules (internal/sending/rules) on inputs built
// by internal/sending/input from the same rows the tick reads, and the
// forecast spreads unstarted leads with enrollment.Spread, as a launch
// would; so the product can never send by one rule and explain by another.
// It reads only: nothing here changes a row.
package plan
