package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Retryable reports whether err is a conflict between transactions that
// Postgres resolved by rolling one back: a deadlock (40P01) or a
// serialization failure (40001). Running the transaction again is safe and
// usually succeeds. SQLite's single writer never produces either.
func Retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// InTxRetry is InTx that runs fn again (up to three times in all) when the
// transaction was rolled back by a Retryable conflict. fn must start from
// scratch each time: whatever it computed in a failed attempt is void.
func (s *Store) InTxRetry(ctx context.Context, fn func(tx *Tx) error) error {
	var err error
	for attempt := range 3 {
		if err = s.InTx(ctx, fn); !Retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt+1) * 20 * time.Millisecond):
		}
	}
	return err
}
