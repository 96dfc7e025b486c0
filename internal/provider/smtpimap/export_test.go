package smtpimap

import "context"

// CopiesMark and WaitCopies are Flush in two halves, so a test can queue
// copies between taking the mark and waiting for it.
func CopiesMark(m *Mailbox) uint64 { return m.copies.mark() }

func WaitCopies(ctx context.Context, m *Mailbox, mark uint64) error {
	return m.copies.waitFor(ctx, mark)
}
