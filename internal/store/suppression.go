package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// Suppression kinds and reasons.
const (
	SuppressEmail     = "email"
	SuppressDomain    = "domain"
	SuppressEmailHash = "email_hash"

	ReasonUnsubscribe = "unsubscribe"
	ReasonBounce      = "bounce"
	ReasonComplaint   = "complaint"
	ReasonManual      = "manual"
	ReasonErasure     = "erasure"
)

// Suppression keeps an address or a whole domain from ever being emailed by
// the workspace. Erased people are kept only as a one-way hash.
type Suppression struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Value     string    `json:"value"`
	Reason    string    `json:"reason"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"createdAt"`
}

// EmailHash is the one-way hash an erased address is suppressed by.
func EmailHash(email string) string {
	sum := sha256.Sum256([]byte("leadbitz-suppression:" + strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:])
}

// AddSuppression suppresses an address, domain or hash. Adding one that
// exists is not an error: the existing entry is returned and kept as it was.
func (s Scope) AddSuppression(ctx context.Context, sup *Suppression) (created bool, err error) {
	if sup.ID == "" {
		sup.ID = NewID()
	}
	sup.CreatedAt = now()
	res, err := s.exec(ctx, `INSERT INTO suppressions (id, workspace_id, kind, value, reason, source, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, kind, value) DO NOTHING`,
		sup.ID, s.ws, sup.Kind, sup.Value, sup.Reason, sup.Source, sup.CreatedAt)
	if err != nil {
		return false, s.d.translate(err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	existing, err := scanSuppression(s.queryRow(ctx, `SELECT id, kind, value, reason, source, created_at FROM suppressions
		WHERE workspace_id = ? AND kind = ? AND value = ?`, s.ws, sup.Kind, sup.Value))
	*sup = existing
	return false, err
}

func scanSuppression(row interface{ Scan(...any) error }) (Suppression, error) {
	var sup Suppression
	err := row.Scan(&sup.ID, &sup.Kind, &sup.Value, &sup.Reason, &sup.Source, &sup.CreatedAt)
	return sup, notFound(err)
}

// ErrSuppressed is returned by code that refuses to write to a suppressed
// address.
var ErrSuppressed = errors.New("address is suppressed")

// Suppressed is the one question every place that could send asks: is this
// address suppressed in the workspace, by itself, by its domain, or as an
// erased person? It returns the matching entry when it is.
func (s Scope) Suppressed(ctx context.Context, email string) (Suppression, bool, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	domain := email[strings.LastIndexByte(email, '@')+1:]
	sup, err := scanSuppression(s.queryRow(ctx, `SELECT id, kind, value, reason, source, created_at FROM suppressions
		WHERE workspace_id = ? AND ((kind = 'email' AND value = ?) OR (kind = 'domain' AND value = ?)
		OR (kind = 'email_hash' AND value = ?)) ORDER BY created_at LIMIT 1`, s.ws, email, domain, EmailHash(email)))
	if errors.Is(err, ErrNotFound) {
		return Suppression{}, false, nil
	}
	return sup, err == nil, err
}
