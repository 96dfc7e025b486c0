package apptest

import (
	"testing"
	"time"
)

// DaytimeZone is a time zone where it is between 02:00 and 21:59 at now, so a
// sending window of the whole day is open and a test's sends, its reports and
// "today" fall on one local day, whatever the hour the test runs. Europe/Paris
// when it can be, so local dates differ from UTC ones.
func DaytimeZone(t testing.TB, now time.Time) string {
	t.Helper()
	for _, name := range []string{"Europe/Paris", "Asia/Tokyo", "America/New_York"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		if h := now.In(loc).Hour(); h >= 2 && h <= 21 {
			return name
		}
	}
	t.Fatal("no daytime zone")
	return ""
}
