package store

import (
	"context"
	"time"
)

// DatabaseNow reads the database server's clock (`leadbitz doctor` compares
// it with the machine's). SQLite has no server: its clock is this process's.
func (s *Store) DatabaseNow(ctx context.Context) (time.Time, error) {
	if s.d != Postgres {
		return time.Now(), nil
	}
	var t time.Time
	err := s.db.QueryRowContext(ctx, `SELECT clock_timestamp()`).Scan(&t)
	return t, err
}
