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
	// Provider is the mailbox's mail provider as ESP matching names it
	// (MailboxProvider): google, microsoft or other.
	Provider string
}

// ESP matching's providers: a recipient's, read from its MX
// (internal/verify), and a mailbox's, from its kind.
const (
	ProviderGoogle    = "google"
	ProviderMicrosoft = "microsoft"
	ProviderOther     = "other"
)

// MailboxProvider names a mailbox kind's provider for ESP matching: Gmail
// mailboxes send from Google, Microsoft ones from Microsoft, SMTP and the
// sandbox from elsewhere.
func MailboxProvider(kind string) string {
	switch kind {
	case "gmail":
		return ProviderGoogle
	case "microsoft":
		return ProviderMicrosoft
	}
	return ProviderOther
}

// AssignMailboxFor is AssignMailbox with ESP matching: a lead whose
// provider is known goes to an active mailbox of the same provider when the
// campaign has one, else to any (AssignMailbox over all). matched says
// whether the pick shares the lead's provider.
func AssignMailboxFor(mailboxes []Capacity, provider string) (id string, matched bool) {
	if provider != "" {
		var same []Capacity
		for _, c := range mailboxes {
			if c.Provider == provider && c.Status == MailboxActive {
				same = append(same, c)
			}
		}
		if len(same) > 0 {
			return AssignMailbox(same), true
		}
	}
	return AssignMailbox(mailboxes), false
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
