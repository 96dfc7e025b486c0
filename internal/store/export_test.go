package store

import "context"

// ExecMigrationFile runs one embedded migration file again, for tests of a
// data migration on a database that already has the rows it moves.
func (s *Store) ExecMigrationFile(ctx context.Context, name string) error {
	body, err := migrationFiles.ReadFile("migrations/" + name)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, string(body))
	return err
}
