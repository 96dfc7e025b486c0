package rules

import "time"

// Defaults for a new mailbox and campaign. They keep a new user safe rather
// than fast; each is shown in the form that sets it (docs/ui.md §6, §10.5).
const (
	// DefaultDailyCap is Instantly's recommended daily campaign limit per
	// account (help article "Account and Campaign Limits"), inside
	// Smartlead's 20–30 for a new mailbox.
	DefaultDailyCap = 30
	// DefaultRampStart is where Smartlead's warm-up starts (5 a day) and the
	// low end of its re-ramp advice (5–10 a day in week one).
	DefaultRampStart = 5
	// DefaultRampIncrement is Instantly's "slow ramp" (+2 a day) and
	// Smartlead's default daily ramp-up; with DefaultRampStart it reaches
	// the cap on day 14, the two weeks both vendors suggest.
	DefaultRampIncrement = 2
	// DefaultMinGap follows Smartlead's advice after disconnections (at
	// least 10 minutes between sends from one mailbox), well above
	// Instantly's 1-minute default. With jitter the average gap is 12.5
	// minutes, so DefaultDailyCap still fits in an 8-hour window (38 slots).
	DefaultMinGap = 10 * time.Minute
	// DefaultStart and DefaultEnd are 09:00–17:00, the business hours every
	// tool's schedule defaults to.
	DefaultStart = 9 * 60
	DefaultEnd   = 17 * 60
)

// DefaultDays is Monday to Friday.
var DefaultDays = [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true}

// DefaultSchedule is Mon–Fri 09:00–17:00 in loc.
func DefaultSchedule(loc *time.Location) Schedule {
	return Schedule{Timezone: loc, Days: DefaultDays, Start: DefaultStart, End: DefaultEnd}
}

// DefaultLimits are the limits of a mailbox connected at activeSince.
func DefaultLimits(loc *time.Location, activeSince time.Time) MailboxLimits {
	return MailboxLimits{
		DailyCap:      DefaultDailyCap,
		RampStart:     DefaultRampStart,
		RampIncrement: DefaultRampIncrement,
		MinGap:        DefaultMinGap,
		Timezone:      loc,
		ActiveSince:   activeSince,
	}
}
