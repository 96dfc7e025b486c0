package rules

import (
	"testing"
	"time"
)

func dayNumber(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay
}

func TestFirstAtOrAfter(t *testing.T) {
	tests := []struct {
		name   string
		zone   string
		date   [3]int
		minute int
		want   string
	}{
		{"ordinary", "Europe/Paris", [3]int{2026, 3, 10}, 9 * 60, "2026-03-10T08:00:00Z"},
		{"24:00 is next midnight", "Europe/Paris", [3]int{2026, 3, 10}, 1440, "2026-03-10T23:00:00Z"},
		{"New York spring gap start", "America/New_York", [3]int{2026, 3, 8}, 2 * 60, "2026-03-08T07:00:00Z"},
		{"New York inside spring gap", "America/New_York", [3]int{2026, 3, 8}, 2*60 + 30, "2026-03-08T07:00:00Z"},
		{"New York after spring gap", "America/New_York", [3]int{2026, 3, 8}, 3 * 60, "2026-03-08T07:00:00Z"},
		{"New York before spring gap", "America/New_York", [3]int{2026, 3, 8}, 60 + 59, "2026-03-08T06:59:00Z"},
		{"New York repeated hour: first occurrence", "America/New_York", [3]int{2026, 11, 1}, 60 + 30, "2026-11-01T05:30:00Z"},
		{"New York after repeated hour", "America/New_York", [3]int{2026, 11, 1}, 2 * 60, "2026-11-01T07:00:00Z"},
		{"Paris repeated hour", "Europe/Paris", [3]int{2026, 10, 25}, 2*60 + 30, "2026-10-25T00:30:00Z"},
		{"Lord Howe 30-minute gap", "Australia/Lord_Howe", [3]int{2026, 10, 4}, 2*60 + 15, "2026-10-03T15:30:00Z"},
		{"Lord Howe 30-minute repeat", "Australia/Lord_Howe", [3]int{2026, 4, 5}, 60 + 45, "2026-04-04T14:45:00Z"},
		{"Lord Howe after repeat", "Australia/Lord_Howe", [3]int{2026, 4, 5}, 2 * 60, "2026-04-04T15:30:00Z"},
		{"Santiago skips midnight", "America/Santiago", [3]int{2026, 9, 6}, 0, "2026-09-06T04:00:00Z"},
		{"Santiago 24:00 after the repeated hour", "America/Santiago", [3]int{2026, 4, 4}, 1440, "2026-04-05T04:00:00Z"},
		{"Santiago repeated 23:30: first", "America/Santiago", [3]int{2026, 4, 4}, 23*60 + 30, "2026-04-05T02:30:00Z"},
		{"Kathmandu +05:45", "Asia/Kathmandu", [3]int{2026, 6, 1}, 9 * 60, "2026-06-01T03:15:00Z"},
		{"Apia skipped 30 Dec 2011", "Pacific/Apia", [3]int{2011, 12, 30}, 9 * 60, "2011-12-30T10:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := mustLoc(t, tt.zone)
			day := dayNumber(tt.date[0], time.Month(tt.date[1]), tt.date[2])
			got := firstAtOrAfter(day, tt.minute, loc)
			if want := utc(t, tt.want); !got.Equal(want) {
				t.Errorf("firstAtOrAfter = %s (%s), want %s", got.UTC().Format(time.RFC3339), got.In(loc), tt.want)
			}
		})
	}
}

func TestDayStartAndNextDayStart(t *testing.T) {
	santiago := mustLoc(t, "America/Santiago")
	noon := at(t, santiago, "2026-09-06 12:00")
	if got, want := DayStart(santiago, noon), utc(t, "2026-09-06T04:00:00Z"); !got.Equal(want) {
		t.Errorf("DayStart on a day without midnight = %s, want %s (01:00 local)", got.UTC(), want)
	}
	if got, want := NextDayStart(santiago, at(t, santiago, "2026-09-05 18:00")), utc(t, "2026-09-06T04:00:00Z"); !got.Equal(want) {
		t.Errorf("NextDayStart before a day without midnight = %s, want %s", got.UTC(), want)
	}
	if got, want := NextDayStart(nil, utc(t, "2026-03-10T23:59:59Z")), utc(t, "2026-03-11T00:00:00Z"); !got.Equal(want) {
		t.Errorf("NextDayStart(nil) = %s, want UTC midnight %s", got, want)
	}
	paris := mustLoc(t, "Europe/Paris")
	if got, want := NextDayStart(paris, utc(t, "2026-03-10T23:30:00Z")), utc(t, "2026-03-11T23:00:00Z"); !got.Equal(want) {
		t.Errorf("NextDayStart Paris after local midnight = %s, want %s", got, want)
	}
}

func TestWeekdayOf(t *testing.T) {
	for _, d := range []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1969, 12, 28, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC),
	} {
		if got := weekdayOf(localDay(d, time.UTC)); got != d.Weekday() {
			t.Errorf("weekdayOf(%s) = %s, want %s", d.Format(time.DateOnly), got, d.Weekday())
		}
	}
}
