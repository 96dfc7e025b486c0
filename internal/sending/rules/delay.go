package rules

import "time"

// Delay is a step's wait after the previous step (or, for step 1, after the
// lead joins), as the API's delayDays + delayMinutes.
type Delay struct {
	Days    int
	Minutes int
}

// After returns when a step with this delay becomes due after prev. Days are
// calendar days in loc (the campaign's zone), so a step sent at 10:00 is
// due at 10:00 on the later date even across a DST change; minutes are
// elapsed time. Calendar time, not sending days: the window rule then moves
// a due step to the next open slot, as the schedule form says.
func (d Delay) After(prev time.Time, loc *time.Location) time.Time {
	return prev.In(orUTC(loc)).AddDate(0, 0, d.Days).Add(time.Duration(d.Minutes) * time.Minute)
}
