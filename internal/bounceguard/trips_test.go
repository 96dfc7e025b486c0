package bounceguard_test

import (
	"testing"

	"github.com/leadbitz/leadbitz/internal/bounceguard"
	"github.com/leadbitz/leadbitz/internal/store"
)

func TestTrips(t *testing.T) {
	def := &bounceguard.Guard{}
	strict := &bounceguard.Guard{Threshold: 0.01, MinContacted: 100}
	for _, tc := range []struct {
		name string
		g    *bounceguard.Guard
		b    store.BounceStats
		want bool
	}{
		{"too few contacted to judge", def, store.BounceStats{Contacted: 19, Bounced: 19}, false},
		{"exactly the threshold is allowed", def, store.BounceStats{Contacted: 100, Bounced: 3}, false},
		{"just over the threshold", def, store.BounceStats{Contacted: 100, Bounced: 4}, true},
		{"at the minimum, one bounce is 5 %", def, store.BounceStats{Contacted: 20, Bounced: 1}, true},
		{"resumed by a person, no new bounce", def, store.BounceStats{Contacted: 100, Bounced: 10, GuardBounces: 10}, false},
		{"resumed, then a new bounce", def, store.BounceStats{Contacted: 110, Bounced: 11, GuardBounces: 10}, true},
		{"resumed, new bounce but back under", def, store.BounceStats{Contacted: 400, Bounced: 11, GuardBounces: 10}, false},
		{"custom threshold and minimum", strict, store.BounceStats{Contacted: 99, Bounced: 50}, false},
		{"custom threshold tripped", strict, store.BounceStats{Contacted: 200, Bounced: 3}, true},
	} {
		if got := tc.g.Trips(tc.b); got != tc.want {
			t.Errorf("%s: Trips(%+v) = %v, want %v", tc.name, tc.b, got, tc.want)
		}
	}
}
