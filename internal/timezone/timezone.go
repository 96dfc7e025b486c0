// Package timezone is the one place that turns an IANA zone name into a
// *time.Location: it validates the names the user types (a campaign's, a
// mailbox's schedule) and caches the loaded zones, because time.LoadLocation
// parses zone data on every call. The lead importer's spelling resolver
// (internal/lead/field/normalize_timezone.go) maps free-form spellings to
// these names first.
package timezone

import (
	"fmt"
	"sync"
	"time"

	// Embedded zone data: validating a zone must not depend on the host
	// having /usr/share/zoneinfo (minimal containers do not).
	_ "time/tzdata"
)

var cache sync.Map // IANA name → *time.Location

// Location loads an IANA zone once per process. An unknown name is an error
// for the caller to report; "" is UTC.
func Location(name string) (*time.Location, error) {
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	if loc, ok := cache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	cache.Store(name, loc)
	return loc, nil
}

// Valid reports whether name is a zone a user may set: a loadable IANA name,
// not empty and not "Local" (the server's own zone, which means nothing to
// the user).
func Valid(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	_, err := Location(name)
	return err == nil
}

// Or returns the zone of name, or UTC when name does not load: for showing a
// time, where a bad stored name must not fail the page.
func Or(name string) *time.Location {
	loc, err := Location(name)
	if err != nil {
		return time.UTC
	}
	return loc
}
