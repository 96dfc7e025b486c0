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

// now is the current time as the database keeps it: UTC, microseconds.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
