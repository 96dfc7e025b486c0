package store

import (
	"context"
	"errors"
)

// ServerSecret returns the named server secret, storing generate's value the
// first time. Replicas racing on the first call all end up with the one value
// that won the insert.
func (q Queries) ServerSecret(ctx context.Context, name string, generate func() (string, error)) (string, error) {
	var v string
	err := notFound(q.queryRow(ctx, `SELECT value FROM server_secrets WHERE name = ?`, name).Scan(&v))
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return "", err
	}
	fresh, err := generate()
	if err != nil {
		return "", err
	}
	if _, err := q.exec(ctx, `INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, name, fresh, q.now()); err != nil {
		return "", err
	}
	err = q.queryRow(ctx, `SELECT value FROM server_secrets WHERE name = ?`, name).Scan(&v)
	return v, err
}
