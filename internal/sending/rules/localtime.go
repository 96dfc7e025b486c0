package rules

import "time"

const secondsPerDay = 86400

// wallSeconds is t's wall clock in loc, as seconds since 1970-01-01 00:00 on
// that wall clock. Dividing by a day gives a local day number, which makes
// "same local day" and "days since" integer arithmetic.
func wallSeconds(t time.Time, loc *time.Location) int64 {
	_, off := t.In(loc).Zone()
	return t.Unix() + int64(off)
}

// localDay is the number of t's local date in loc (0 = 1970-01-01).
func localDay(t time.Time, loc *time.Location) int64 {
	return floorDiv(wallSeconds(t, loc), secondsPerDay)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// weekdayOf returns the weekday of a local day number; day 0 was a Thursday.
func weekdayOf(day int64) time.Weekday {
	return time.Weekday((day%7 + 7 + 4) % 7)
}

// dateString formats a local day number as YYYY-MM-DD.
func dateString(day int64) string {
	return time.Unix(day*secondsPerDay, 0).UTC().Format(time.DateOnly)
}

func offsetAt(unix int64, loc *time.Location) int64 {
	_, off := time.Unix(unix, 0).In(loc).Zone()
	return int64(off)
}

// transitionMargin is how far back from a candidate instant a zone change
// must be for the fast path to trust it: more than any real backward jump
// of the wall clock, so no earlier instant can show the same wall time.
const transitionMargin = 26 * time.Hour

// firstAtOrAfter returns the first instant whose wall clock in loc reads
// local day `day` at `minute` (0..1440) or later. In a spring-forward gap
// that is the end of the gap; in a repeated fall-back hour it is the first
// occurrence.
func firstAtOrAfter(day int64, minute int, loc *time.Location) time.Time {
	w := day*secondsPerDay + int64(minute)*60
	probe := time.Unix(w, 0).In(loc)
	_, o := probe.Zone()
	c := w - int64(o)
	if offsetAt(c, loc) == int64(o) {
		t := time.Unix(c, 0)
		if start, _ := t.In(loc).ZoneBounds(); start.IsZero() || t.Sub(start) > transitionMargin {
			return t
		}
	}
	// Near a zone change: try the offsets of the zone in effect at the probe
	// and of its neighbours, and keep the earliest that really shows w.
	offsets := []int64{int64(o)}
	start, end := probe.ZoneBounds()
	if !start.IsZero() {
		offsets = append(offsets, offsetAt(start.Unix()-1, loc))
	}
	if !end.IsZero() {
		offsets = append(offsets, offsetAt(end.Unix(), loc))
	}
	best, found := int64(0), false
	for _, off := range offsets {
		if c := w - off; offsetAt(c, loc) == off && (!found || c < best) {
			best, found = c, true
		}
	}
	if found {
		return time.Unix(best, 0)
	}
	// w does not exist: it lies in a gap, and the first instant past it is
	// the zone change that ends the gap.
	for _, tr := range []time.Time{start, end} {
		if !tr.IsZero() && wallSeconds(tr, loc) >= w && wallSeconds(tr.Add(-time.Second), loc) < w {
			return tr
		}
	}
	// Unreachable with real zone data; time.Date's normalisation is the
	// closest well-defined answer.
	return time.Date(1970, 1, 1, 0, 0, 0, 0, loc).AddDate(0, 0, int(day)).Add(time.Duration(minute) * time.Minute)
}

// DayStart returns the first instant of t's local date in loc: where a day's
// counts begin. (Some zones skip midnight on DST days; then it is 01:00.)
func DayStart(loc *time.Location, t time.Time) time.Time {
	return firstAtOrAfter(localDay(t, orUTC(loc)), 0, orUTC(loc))
}

// NextDayStart returns the first instant of the local date after t's in loc:
// when a daily count resets.
func NextDayStart(loc *time.Location, t time.Time) time.Time {
	return firstAtOrAfter(localDay(t, orUTC(loc))+1, 0, orUTC(loc))
}

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}
