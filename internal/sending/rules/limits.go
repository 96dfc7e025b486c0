package rules

import (
	"math"
	"time"
)

// MailboxLimits are a mailbox's sending limits, shared by every campaign that
// uses it.
type MailboxLimits struct {
	// DailyCap is the most sends in one local day once ramp-up is over.
	// Zero or less means the mailbox sends nothing.
	DailyCap int
	// RampStart is the limit on ramp day 0; zero or less turns ramp-up off
	// (the limit is DailyCap from the first day).
	RampStart int
	// RampIncrement is added to the limit each local day after ActiveSince,
	// up to DailyCap.
	RampIncrement int
	// MinGap is the least time between two sends; zero turns spacing and
	// its jitter off.
	MinGap time.Duration
	// Timezone is the mailbox's zone: caps reset at its local midnight and
	// ramp days are its local dates. Nil means UTC.
	Timezone *time.Location
	// ActiveSince is ramp day 0, usually when the mailbox was connected.
	// The zero time keeps the mailbox on ramp day 0.
	ActiveSince time.Time
}

// MailboxUsage is what a mailbox has done so far.
type MailboxUsage struct {
	// SentToday counts sends, across all campaigns, in the mailbox's local
	// day that contains the `now` passed to Decide (count from DayStart).
	SentToday int
	// LastSentAt is the mailbox's latest send; zero if it never sent.
	LastSentAt time.Time
	// Gap is the spacing drawn by NextGap after that send. It is clamped to
	// [MinGap, MinGap+MaxJitter(MinGap)] so a changed MinGap applies at once;
	// zero means MinGap.
	Gap time.Duration
}

// Rand is the random source for jitter; *math/rand/v2.Rand satisfies it.
type Rand interface {
	Int64N(n int64) int64
}

// rampDay is the number of the mailbox's local dates since ActiveSince
// (0 on that date), never negative.
func rampDay(l MailboxLimits, now time.Time) int64 {
	if l.ActiveSince.IsZero() {
		return 0
	}
	loc := orUTC(l.Timezone)
	return max(0, localDay(now, loc)-localDay(l.ActiveSince, loc))
}

// TodayLimit is how many sends the mailbox may make in its local day that
// contains now: RampStart + RampIncrement × days since ActiveSince, at most
// DailyCap, or DailyCap when ramp-up is off.
func TodayLimit(l MailboxLimits, now time.Time) int {
	if l.DailyCap <= 0 {
		return 0
	}
	if l.RampStart <= 0 {
		return l.DailyCap
	}
	limit := int64(l.RampStart)
	if inc := int64(max(l.RampIncrement, 0)); inc > 0 {
		day := rampDay(l, now)
		if day > (math.MaxInt32)/inc {
			return l.DailyCap
		}
		limit += inc * day
	}
	return int(min(limit, int64(l.DailyCap)))
}

// RampProgress reports the ramp as the mailbox page shows it, "day N of M":
// day is 1 on ActiveSince's date, total is the first day at DailyCap. Both are
// 0 when ramp-up is off or can never reach the cap (no increment).
func RampProgress(l MailboxLimits, now time.Time) (day, total int) {
	if l.DailyCap <= 0 || l.RampStart <= 0 || l.RampIncrement <= 0 {
		return 0, 0
	}
	total = 1
	if gap := l.DailyCap - l.RampStart; gap > 0 {
		total += (gap + l.RampIncrement - 1) / l.RampIncrement
	}
	return int(min(rampDay(l, now), int64(total-1))) + 1, total
}

// MaxJitter is the largest random spacing added on top of a minimum gap:
// half the gap, at most five minutes, so sends look human without letting
// jitter dominate a long gap or starve a short window.
func MaxJitter(minGap time.Duration) time.Duration {
	if minGap <= 0 {
		return 0
	}
	return min(minGap/2, 5*time.Minute)
}

// NextGap draws the spacing to keep after a send: MinGap plus a uniform
// jitter in [0, MaxJitter(MinGap)], whole seconds. Store it as
// MailboxUsage.Gap with LastSentAt, so every later Decide (and explain) sees the
// same gap. Zero MinGap gives zero.
func NextGap(l MailboxLimits, rnd Rand) time.Duration {
	if l.MinGap <= 0 {
		return 0
	}
	j := int64(MaxJitter(l.MinGap) / time.Second)
	return l.MinGap + time.Duration(rnd.Int64N(j+1))*time.Second
}

// gap is the spacing Decide enforces after LastSentAt.
func gap(l MailboxLimits, u MailboxUsage) time.Duration {
	if l.MinGap <= 0 {
		return 0
	}
	return min(max(u.Gap, l.MinGap), l.MinGap+MaxJitter(l.MinGap))
}

// expectedGap is the average of NextGap, what the forecast plans with.
func expectedGap(l MailboxLimits) time.Duration {
	if l.MinGap <= 0 {
		return 0
	}
	return l.MinGap + MaxJitter(l.MinGap)/2
}
