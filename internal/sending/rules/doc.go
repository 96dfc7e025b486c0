// Package rules holds the send engine's rules as pure functions: given the
// time, a campaign's schedule, a mailbox's limits and usage, and a lead, may
// this step go now, and if not, what is the earliest moment it can?
//
// The tick, "why hasn't this lead been emailed?" (explain) and the forecast
// all call Decide, so the product can never send by one rule and explain by
// another. Nothing here reads a clock, a database or a global random source:
// the time and usage come in as arguments and jitter comes from an injected
// Rand, which is what makes the rules testable by properties over random
// schedules, time zones and caps.
//
// # Time
//
// A schedule's window on a local date runs from the first instant whose wall
// clock reads Start or later to the first instant whose wall clock reads End
// or later ("24:00" is the next midnight). So a window that starts inside a
// spring-forward gap opens when the gap ends, and one whose edge falls in a
// repeated fall-back hour uses the first occurrence; a window is one
// interval per day, never two. Windows may not cross midnight (End > Start).
// When the schedule says so and the lead's time zone is known, the window and
// its days are the lead's; otherwise the campaign's.
//
// Daily caps and ramp-up count days in the mailbox's own time zone
// (MailboxLimits.Timezone), across all campaigns; the campaign's optional
// daily limit counts days in the campaign's time zone.
package rules
