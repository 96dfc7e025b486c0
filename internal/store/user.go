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
}

// CreateUser inserts a user; ErrDuplicate when the email is taken.
func (q Queries) CreateUser(ctx context.Context, u *User) error {
	if u.ID == "" {
		u.ID = NewID()
	}
	u.CreatedAt = q.now()
	_, err := q.exec(ctx, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, u.ID, u.Email, u.Name, u.PasswordHash, u.CreatedAt, u.CreatedAt)
	return q.d.translate(err)
}

const userColumns = `id, email, name, password_hash, created_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.CreatedAt)
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
