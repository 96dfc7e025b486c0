package rules

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestParseClock(t *testing.T) {
	good := map[string]int{"00:00": 0, "09:00": 540, "17:30": 1050, "23:59": 1439, "24:00": 1440}
	for s, want := range good {
		if got, err := ParseClock(s); err != nil || got != want {
			t.Errorf("ParseClock(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "9:00", "09:0", "24:01", "25:00", "12:60", "-1:00", "ab:cd", "09:00:00", "0900"} {
		if _, err := ParseClock(s); !errors.Is(err, ErrInvalidSchedule) {
			t.Errorf("ParseClock(%q) error = %v, want ErrInvalidSchedule", s, err)
		}
	}
	if got := FormatClock(1440); got != "24:00" {
		t.Errorf("FormatClock(1440) = %q", got)
	}
}

func TestWeekdaysFromISO(t *testing.T) {
	days, err := WeekdaysFromISO([]int{1, 2, 3, 4, 5})
	if err != nil || days != DefaultDays {
		t.Errorf("WeekdaysFromISO(1..5) = %v, %v; want Mon–Fri", days, err)
	}
	days, err = WeekdaysFromISO([]int{7, 6})
	if err != nil || !days[time.Sunday] || !days[time.Saturday] || days[time.Monday] {
		t.Errorf("WeekdaysFromISO(7, 6) = %v, %v; want the weekend", days, err)
	}
	if got := (Schedule{Days: days}).ISOWeekdays(); !slices.Equal(got, []int{6, 7}) {
		t.Errorf("ISOWeekdays = %v, want [6 7]", got)
	}
	for _, bad := range [][]int{{0}, {8}, {1, -1}} {
		if _, err := WeekdaysFromISO(bad); !errors.Is(err, ErrInvalidSchedule) {
			t.Errorf("WeekdaysFromISO(%v) error = %v", bad, err)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		s  Schedule
		ok bool
	}{
		{DefaultSchedule(nil), true},
		{Schedule{Days: DefaultDays, Start: 0, End: 1440}, true},
		{Schedule{Days: DefaultDays, Start: 540, End: 540}, false},
		{Schedule{Days: DefaultDays, Start: 1020, End: 540}, false}, // crosses midnight
		{Schedule{Days: DefaultDays, Start: 0, End: 1441}, false},
		{Schedule{Days: DefaultDays, Start: -1, End: 60}, false},
		{Schedule{Start: 540, End: 1020}, false}, // no days
	}
	for _, tt := range tests {
		if err := tt.s.Validate(); (err == nil) != tt.ok {
			t.Errorf("Validate(%+v) = %v, want ok=%v", tt.s, err, tt.ok)
		}
	}
}

func TestNextWindowStart(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	ny := mustLoc(t, "America/New_York")
	lordHowe := mustLoc(t, "Australia/Lord_Howe")
	kathmandu := mustLoc(t, "Asia/Kathmandu")
	santiago := mustLoc(t, "America/Santiago")
	weekdays := DefaultSchedule(paris)
	evenings := Schedule{Timezone: paris, Days: DefaultDays, Start: 22 * 60, End: 1440}
	leadLocal := DefaultSchedule(paris)
	leadLocal.UseLeadTimezone = true

	tests := []struct {
		name   string
		s      Schedule
		leadTZ *time.Location
		t      time.Time
		want   time.Time
	}{
		{"inside", weekdays, nil, at(t, paris, "2026-03-10 10:00"), at(t, paris, "2026-03-10 10:00")},
		{"at the start", weekdays, nil, at(t, paris, "2026-03-10 09:00"), at(t, paris, "2026-03-10 09:00")},
		{"just before the start", weekdays, nil, at(t, paris, "2026-03-10 08:59:59"), at(t, paris, "2026-03-10 09:00")},
		{"end is exclusive", weekdays, nil, at(t, paris, "2026-03-10 17:00"), at(t, paris, "2026-03-11 09:00")},
		{"Friday evening to Monday", weekdays, nil, at(t, paris, "2026-03-13 18:00"), at(t, paris, "2026-03-16 09:00")},
		{"Saturday to Monday", weekdays, nil, at(t, paris, "2026-03-14 11:00"), at(t, paris, "2026-03-16 09:00")},
		{"24:00 window, last second", evenings, nil, at(t, paris, "2026-03-10 23:59:59"), at(t, paris, "2026-03-10 23:59:59")},
		{"24:00 window, midnight is the next day", evenings, nil, at(t, paris, "2026-03-11 00:00"), at(t, paris, "2026-03-11 22:00")},
		{"24:00 window, Friday night then Monday", evenings, nil, at(t, paris, "2026-03-14 00:00"), at(t, paris, "2026-03-16 22:00")},
		{"Paris spring forward day (Sunday)", Schedule{Timezone: paris, Days: everyDay(), Start: 2*60 + 30, End: 4 * 60},
			nil, at(t, paris, "2026-03-29 00:00"), utc(t, "2026-03-29T01:00:00Z")},
		{"New York window starting in the gap opens at its end", Schedule{Timezone: ny, Days: everyDay(), Start: 2*60 + 30, End: 3*60 + 30},
			nil, utc(t, "2026-03-08T06:00:00Z"), utc(t, "2026-03-08T07:00:00Z")},
		{"New York repeated hour is not a second window", Schedule{Timezone: ny, Days: everyDay(), Start: 60, End: 90},
			nil, utc(t, "2026-11-01T06:10:00Z"), utc(t, "2026-11-02T06:00:00Z")},
		{"New York repeated hour, first pass is inside", Schedule{Timezone: ny, Days: everyDay(), Start: 60, End: 90},
			nil, utc(t, "2026-11-01T05:10:00Z"), utc(t, "2026-11-01T05:10:00Z")},
		{"Lord Howe half-hour gap", Schedule{Timezone: lordHowe, Days: everyDay(), Start: 2 * 60, End: 3 * 60},
			nil, utc(t, "2026-10-03T14:00:00Z"), utc(t, "2026-10-03T15:30:00Z")},
		{"Lord Howe half-hour repeat keeps one window", Schedule{Timezone: lordHowe, Days: everyDay(), Start: 60, End: 60 + 45},
			nil, utc(t, "2026-04-04T15:00:00Z"), utc(t, "2026-04-05T14:30:00Z")}, // next day at +10:30
		{"Kathmandu quarter-hour offset", Schedule{Timezone: kathmandu, Days: DefaultDays, Start: 540, End: 1020},
			nil, utc(t, "2026-03-09T03:00:00Z"), utc(t, "2026-03-09T03:15:00Z")},
		{"Santiago window inside the skipped midnight hour is empty", Schedule{Timezone: santiago, Days: everyDay(), Start: 0, End: 60},
			nil, utc(t, "2026-09-06T03:00:00Z"), utc(t, "2026-09-07T03:00:00Z")},
		{"lead zone used", leadLocal, ny, utc(t, "2026-03-10T07:00:00Z"), utc(t, "2026-03-10T13:00:00Z")},
		{"lead zone inside while campaign zone is not", leadLocal, ny, utc(t, "2026-03-10T20:00:00Z"), utc(t, "2026-03-10T20:00:00Z")},
		{"lead zone unknown falls back to campaign", leadLocal, nil, utc(t, "2026-03-10T07:00:00Z"), utc(t, "2026-03-10T08:00:00Z")},
		{"lead zone ignored unless asked", weekdays, ny, utc(t, "2026-03-10T07:00:00Z"), utc(t, "2026-03-10T08:00:00Z")},
		{"lead days are the lead's: Friday 20:00 NY is Saturday in Paris", leadLocal, ny,
			at(t, ny, "2026-03-13 16:00"), at(t, ny, "2026-03-13 16:00")},
		{"nil zone is UTC", Schedule{Days: everyDay(), Start: 540, End: 600}, nil, utc(t, "2026-03-10T10:00:00Z"), utc(t, "2026-03-11T09:00:00Z")},
		{"invalid schedule never opens", Schedule{Timezone: paris, Start: 540, End: 1020}, nil, utc(t, "2026-03-10T10:00:00Z"), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NextWindowStart(tt.s, tt.leadTZ, tt.t)
			if !got.Equal(tt.want) {
				t.Fatalf("NextWindowStart(%s) = %s, want %s", tt.t.UTC(), got.UTC(), tt.want.UTC())
			}
			if in := InWindow(tt.s, tt.leadTZ, tt.t); in != tt.want.Equal(tt.t) {
				t.Errorf("InWindow(%s) = %v, want %v", tt.t.UTC(), in, !in)
			}
		})
	}
}

func TestDescribeDays(t *testing.T) {
	tests := map[string][]int{"Mon–Fri": {1, 2, 3, 4, 5}, "every day": {1, 2, 3, 4, 5, 6, 7}, "Mon, Wed, Fri": {1, 3, 5}, "Sat, Sun": {6, 7}, "Fri–Sun": {5, 6, 7}}
	for want, iso := range tests {
		days, _ := WeekdaysFromISO(iso)
		if got := (Schedule{Days: days}).describeDays(); got != want {
			t.Errorf("describeDays(%v) = %q, want %q", iso, got, want)
		}
	}
}
