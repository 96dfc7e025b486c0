package store

import (
	"context"
	"time"
)

// User is a person who logs in. PasswordHash is an argon2id PHC string.
type User struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"createdAt"`
	// IsAdmin marks an administrator of the instance (the first account,
	// or one named by `leadbitz user make-admin`).
	IsAdmin bool `json:"isAdmin"`
	// EmailVerifiedAt is when the person proved the address is theirs;
	// nil until then.
	EmailVerifiedAt *time.Time `json:"emailVerifiedAt"`
}

// CreateUser inserts a user; ErrDuplicate when the email is taken.
func (q Queries) CreateUser(ctx context.Context, u *User) error {
	if u.ID == "" {
		u.ID = NewID()
	}
	u.CreatedAt = q.now()
	_, err := q.exec(ctx, `INSERT INTO users (id, email, name, password_hash, is_admin, email_verified_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Email, u.Name, u.PasswordHash, u.IsAdmin, u.EmailVerifiedAt, u.CreatedAt, u.CreatedAt)
	return q.d.translate(err)
}

const userColumns = `id, email, name, password_hash, created_at, is_admin, email_verified_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.CreatedAt, &u.IsAdmin, &u.EmailVerifiedAt)
	return u, notFound(err)
}

// UserByEmail finds a user by normalised email.
func (q Queries) UserByEmail(ctx context.Context, email string) (User, error) {
	return scanUser(q.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
}

// UserByID finds a user by id.
func (q Queries) UserByID(ctx context.Context, id string) (User, error) {
	return scanUser(q.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// SetPasswordHash replaces a user's password hash (a login upgrading an old
// hash to today's parameters).
func (q Queries) SetPasswordHash(ctx context.Context, userID, hash string) error {
	return q.execOne(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, q.now(), userID)
}

// HasUsers reports whether the instance has any account (the first one is
// its administrator and is allowed whatever the sign-up mode).
func (q Queries) HasUsers(ctx context.Context) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) AS any_user`).Scan(&n)
	return n > 0, err
}

// signupLockKey names the Postgres advisory lock that serialises sign-ups
// (migrationLockKey's neighbour).
const signupLockKey = 7348202

// LockSignups makes the sign-ups of the instance take turns until tx ends,
// so that "the first account is the administrator" is decided by one
// transaction at a time: two first sign-ups at once cannot both read an empty
// users table. Postgres takes a transaction advisory lock (only sign-ups wait
// on it); SQLite needs none, every transaction is `BEGIN IMMEDIATE` and holds
// the file's write lock from its start.
func (tx *Tx) LockSignups(ctx context.Context) error {
	if tx.d != Postgres {
		return nil
	}
	_, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, signupLockKey)
	return err
}

// Users lists every account, oldest first (the CLI's user list).
func (q Queries) Users(ctx context.Context) ([]User, error) {
	rows, err := q.query(ctx, `SELECT `+userColumns+` FROM users ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanUser)
}

// SetUserAdmin makes a user an administrator of the instance, or not.
func (q Queries) SetUserAdmin(ctx context.Context, userID string, admin bool) error {
	return q.execOne(ctx, `UPDATE users SET is_admin = ?, updated_at = ? WHERE id = ?`, admin, q.now(), userID)
}

// SetEmailVerified records that the user proved their address at at.
func (q Queries) SetEmailVerified(ctx context.Context, userID string, at time.Time) error {
	return q.execOne(ctx, `UPDATE users SET email_verified_at = ?, updated_at = ? WHERE id = ?`, at, q.now(), userID)
}

// SetUserEmail changes a user's address, verified at at; ErrDuplicate when
// another account has it.
func (q Queries) SetUserEmail(ctx context.Context, userID, email string, at time.Time) error {
	return q.execOne(ctx, `UPDATE users SET email = ?, email_verified_at = ?, updated_at = ? WHERE id = ?`, email, at, q.now(), userID)
}

// DeleteUser deletes an account; its memberships, sessions, API keys,
// links and security log go with it (ON DELETE CASCADE).
func (q Queries) DeleteUser(ctx context.Context, userID string) error {
	return q.execOne(ctx, `DELETE FROM users WHERE id = ?`, userID)
}
