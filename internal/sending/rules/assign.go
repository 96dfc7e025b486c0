package rules

// Capacity is one candidate mailbox for AssignMailbox.
type Capacity struct {
	ID     string
	Status MailboxStatus
	// Limit is the mailbox's TodayLimit.
	Limit int
	// Remaining is Limit minus what it sent today (never below zero).
	Remaining int
	// Pending counts leads assigned to the mailbox that still have steps to
	// send (across campaigns when the caller can count them).
	Pending int
}

// AssignMailbox picks the mailbox a new lead should use for its whole
// sequence, or "" when none is active. Paused, disconnected and failing
// mailboxes are skipped.
//
// The order is: the mailbox that would reach the lead soonest (today if its
// queue fits in Remaining, else after the days its queue needs at Limit a
// day), then the lightest load (pending leads per unit of daily limit), then
// the most remaining today, then the smallest ID so the choice is
// deterministic. Ranking by remaining capacity alone would send every lead
// of a launch to whichever mailbox had one more free slot today; the queue
// length is what keeps a launch of thousands of leads balanced.
func AssignMailbox(mailboxes []Capacity) string {
	best := -1
	for i, c := range mailboxes {
		if c.Status != MailboxActive {
			continue
		}
		if best < 0 || better(c, mailboxes[best]) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return mailboxes[best].ID
}

// waitDays is how many local days a new lead at the end of c's queue waits
// for its first send; a mailbox with no limit waits forever.
func waitDays(c Capacity) int {
	queue := c.Pending + 1 - max(c.Remaining, 0)
	if queue <= 0 {
		return 0
	}
	if c.Limit <= 0 {
		return int(^uint(0) >> 1)
	}
	return (queue + c.Limit - 1) / c.Limit
}

func better(a, b Capacity) bool {
	if wa, wb := waitDays(a), waitDays(b); wa != wb {
		return wa < wb
	}
	// (a.Pending+1)/a.Limit < (b.Pending+1)/b.Limit without division; a zero
	// limit counts as the heaviest load.
	la, lb := int64(a.Pending+1)*int64(max(b.Limit, 0)), int64(b.Pending+1)*int64(max(a.Limit, 0))
	if a.Limit <= 0 || b.Limit <= 0 {
		la, lb = int64(boolInt(a.Limit <= 0)), int64(boolInt(b.Limit <= 0))
	}
	if la != lb {
		return la < lb
	}
	if a.Remaining != b.Remaining {
		return a.Remaining > b.Remaining
	}
	return a.ID < b.ID
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
