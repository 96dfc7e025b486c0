package store

import (
	"os"
	"strings"
	"testing"
)

// backfillFile is the dialect file of migration 0022: the backfill, exactly
// AnalyticsBackfill(false).
func backfillFile(d Dialect) string {
	return "-- Backfill of the analytics counters: generated from\n" +
		"-- Dialect.AnalyticsBackfill (internal/store/analytics_counts.go), which\n" +
		"-- TestAnalyticsBackfillMigration keeps equal to this file.\n\n" +
		strings.Join(d.AnalyticsBackfill(false), ";\n\n") + ";\n"
}

func TestAnalyticsBackfillMigration(t *testing.T) {
	for _, d := range []Dialect{SQLite, Postgres} {
		path := "migrations/0022_analytics_counts." + d.String() + ".sql"
		want := backfillFile(d)
		if os.Getenv("LEADBITZ_WRITE_BACKFILL") == "1" {
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s differs from AnalyticsBackfill(false); regenerate it with LEADBITZ_WRITE_BACKFILL=1 go test ./internal/store/ -run TestAnalyticsBackfillMigration", path)
		}
	}
}
