package store

import "context"

// The built-in HTTPS's certificate cache (internal/autotls): opaque,
// already encrypted values by name, shared by every replica.

// ACMECacheGet returns the value stored under name, or ErrNotFound.
func (q Queries) ACMECacheGet(ctx context.Context, name string) (string, error) {
	var data string
	err := q.queryRow(ctx, `SELECT data FROM acme_cache WHERE name = ?`, name).Scan(&data)
	return data, notFound(err)
}

// ACMECachePut stores data under name, replacing what was there.
func (q Queries) ACMECachePut(ctx context.Context, name, data string) error {
	_, err := q.exec(ctx, `INSERT INTO acme_cache (name, data, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`, name, data, q.now())
	return err
}

// ACMECacheDelete removes name; a missing name is not an error.
func (q Queries) ACMECacheDelete(ctx context.Context, name string) error {
	_, err := q.exec(ctx, `DELETE FROM acme_cache WHERE name = ?`, name)
	return err
}

// ACMECacheNames lists the stored names (the System page counts
// certificates).
func (q Queries) ACMECacheNames(ctx context.Context) ([]string, error) {
	rows, err := q.query(ctx, `SELECT name FROM acme_cache ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (string, error) {
		var n string
		err := r.Scan(&n)
		return n, err
	})
}
