package analytics

import (
	"time"

	"github.com/leadbitz/leadbitz/internal/problem"
)

// Window limits.
const (
	DefaultDays = 30  // a report without from covers the last 30 days
	MaxDays     = 366 // longest window one report reads
)

// Window is the span a report covers: whole days [From, To] in a time zone.
// Edges are the instants the days start at, and the end of the last one.
type Window struct {
	Location *time.Location
	Dates    []string    // YYYY-MM-DD, one per day
	Edges    []time.Time // len(Dates)+1 instants
}

// From is the window's first instant; To the instant after its last day.
func (w Window) From() time.Time { return w.Edges[0] }
func (w Window) To() time.Time   { return w.Edges[len(w.Edges)-1] }

// ParseWindow reads ?from=&to= (dates YYYY-MM-DD in loc, both included).
// Without to, the window ends today; without from, it starts DefaultDays−1
// days before to. At most MaxDays days, from not after to.
func ParseWindow(from, to string, loc *time.Location, now time.Time) (Window, error) {
	today := now.In(loc)
	end := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	if to != "" {
		t, err := time.ParseInLocation(time.DateOnly, to, loc)
		if err != nil {
			return Window{}, problem.InvalidField("to", "must be a date like 2026-01-31")
		}
		end = t
	}
	start := end.AddDate(0, 0, -(DefaultDays - 1))
	if from != "" {
		t, err := time.ParseInLocation(time.DateOnly, from, loc)
		if err != nil {
			return Window{}, problem.InvalidField("from", "must be a date like 2026-01-01")
		}
		start = t
	}
	if start.After(end) {
		return Window{}, problem.InvalidField("from", "must not be after to")
	}
	w := Window{Location: loc}
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		if len(w.Dates) == MaxDays {
			return Window{}, problem.InvalidField("from", "a report covers at most 366 days")
		}
		w.Dates = append(w.Dates, d.Format(time.DateOnly))
		w.Edges = append(w.Edges, d)
	}
	w.Edges = append(w.Edges, end.AddDate(0, 0, 1))
	return w, nil
}

// dayOf is the index of the day t falls in, or -1 outside the window.
func (w Window) dayOf(t time.Time) int {
	if t.Before(w.Edges[0]) || !t.Before(w.Edges[len(w.Edges)-1]) {
		return -1
	}
	lo, hi := 0, len(w.Edges)-1
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if t.Before(w.Edges[mid]) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return lo
}
