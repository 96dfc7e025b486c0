package store

import (
	"time"

	"github.com/google/uuid"
)

// NewID returns a new UUIDv7: unique across replicas and sortable by creation
// time, which is what cursor pagination relies on.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Now is the time of the store's clock, for a write a caller makes in a
// transaction without a clock of its own (an unsubscribe link's stops).
func (q Queries) Now() time.Time { return q.now() }

// now is the current time of the store's clock as the database keeps it: UTC,
// microseconds. Every created_at and updated_at the store writes is read from
// it, so a test that moves the clock (Store.WithClock) gets distinct, known
// times without sleeping.
func (q Queries) now() time.Time {
	if q.clock == nil {
		return time.Now().UTC().Truncate(time.Microsecond)
	}
	return q.clock().UTC().Truncate(time.Microsecond)
}
