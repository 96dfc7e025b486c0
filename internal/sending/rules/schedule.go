package rules

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrInvalidSchedule is wrapped by the errors of Schedule.Validate,
// ParseClock and WeekdaysFromISO.
var ErrInvalidSchedule = errors.New("invalid schedule")

// MinutesPerDay is the End of a window that runs to midnight ("24:00").
const MinutesPerDay = 24 * 60

// Schedule is when a campaign may send.
type Schedule struct {
	// Timezone is the campaign's IANA zone; nil means UTC.
	Timezone *time.Location
	// Days is indexed by time.Weekday (Sunday = 0). The API's 1 = Monday …
	// 7 = Sunday converts with WeekdaysFromISO.
	Days [7]bool
	// Start and End are minutes after local midnight, 0 <= Start < End <=
	// 1440. A window never crosses midnight.
	Start, End int
	// UseLeadTimezone applies the window and days in the lead's own zone
	// when it is known.
	UseLeadTimezone bool
}

// Validate reports why s can never open a window, wrapping
// ErrInvalidSchedule.
func (s Schedule) Validate() error {
	if s.Start < 0 || s.Start >= MinutesPerDay || s.End <= s.Start || s.End > MinutesPerDay {
		return fmt.Errorf("%w: sending hours %s–%s must have start before end within one day",
			ErrInvalidSchedule, FormatClock(s.Start), FormatClock(s.End))
	}
	if s.Days == [7]bool{} {
		return fmt.Errorf("%w: no sending days", ErrInvalidSchedule)
	}
	return nil
}

// location is the zone the window applies in for a lead.
func (s Schedule) location(leadTZ *time.Location) *time.Location {
	if s.UseLeadTimezone && leadTZ != nil {
		return leadTZ
	}
	return orUTC(s.Timezone)
}

// window returns the send window on local day `day` in loc; ok is false on a
// day without one.
func (s Schedule) window(day int64, loc *time.Location) (start, end time.Time, ok bool) {
	if !s.Days[weekdayOf(day)] {
		return time.Time{}, time.Time{}, false
	}
	start = firstAtOrAfter(day, s.Start, loc)
	end = firstAtOrAfter(day, s.End, loc)
	return start, end, start.Before(end)
}

// searchDays is how many local dates NextWindowStart looks ahead: a week,
// plus room for a date a zone skipped (Pacific/Apia lost 30 Dec 2011).
const searchDays = 15

// NextWindowStart returns the earliest instant at or after t inside the
// schedule's window (t itself when t is inside), in the lead's zone when the
// schedule uses it. It returns the zero time for a schedule that never opens
// (see Validate).
func NextWindowStart(s Schedule, leadTZ *time.Location, t time.Time) time.Time {
	if s.Validate() != nil {
		return time.Time{}
	}
	loc := s.location(leadTZ)
	// A window of an earlier date ends at or before t: its end shows a wall
	// clock no later than t's. So the search starts at t's own date.
	day := localDay(t, loc)
	for i := range int64(searchDays) {
		start, end, ok := s.window(day+i, loc)
		if !ok || !end.After(t) {
			continue
		}
		if start.After(t) {
			return start
		}
		return t
	}
	return time.Time{}
}

// InWindow reports whether t is inside the schedule's window. It is defined
// through NextWindowStart so the two can never disagree.
func InWindow(s Schedule, leadTZ *time.Location, t time.Time) bool {
	return NextWindowStart(s, leadTZ, t).Equal(t)
}

// ParseClock reads "HH:MM" (00:00 to 24:00) as minutes after midnight.
func ParseClock(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || len(hh) != 2 || len(mm) != 2 || err1 != nil || err2 != nil ||
		h < 0 || m < 0 || m > 59 || h*60+m > MinutesPerDay {
		return 0, fmt.Errorf("%w: time of day %q is not HH:MM between 00:00 and 24:00", ErrInvalidSchedule, s)
	}
	return h*60 + m, nil
}

// FormatClock writes minutes after midnight as "HH:MM" (1440 is "24:00").
func FormatClock(minutes int) string {
	return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60)
}

// WeekdaysFromISO converts the API's days (1 = Monday … 7 = Sunday) to
// Schedule.Days.
func WeekdaysFromISO(days []int) ([7]bool, error) {
	var out [7]bool
	for _, d := range days {
		if d < 1 || d > 7 {
			return [7]bool{}, fmt.Errorf("%w: day %d is not between 1 (Monday) and 7 (Sunday)", ErrInvalidSchedule, d)
		}
		out[d%7] = true
	}
	return out, nil
}

// ISOWeekdays is the inverse of WeekdaysFromISO, in order Monday first.
func (s Schedule) ISOWeekdays() []int {
	var out []int
	for iso := 1; iso <= 7; iso++ {
		if s.Days[iso%7] {
			out = append(out, iso)
		}
	}
	return out
}

// describeDays names the days for a sentence: "every day", "Mon–Fri" or
// "Mon, Wed, Fri".
func (s Schedule) describeDays() string {
	iso := s.ISOWeekdays()
	if len(iso) == 7 {
		return "every day"
	}
	name := func(d int) string { return time.Weekday(d % 7).String()[:3] }
	if len(iso) >= 3 && iso[len(iso)-1]-iso[0] == len(iso)-1 {
		return name(iso[0]) + "–" + name(iso[len(iso)-1])
	}
	names := make([]string, len(iso))
	for i, d := range iso {
		names[i] = name(d)
	}
	return strings.Join(names, ", ")
}
