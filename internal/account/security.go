package account

import (
	"context"
	"fmt"
	"time"

	"github.com/leadbitz/leadbitz/internal/store"
)

// How long the security log keeps its rows: a person's own events for half
// a year; failed logins for addresses without an account (kept only so that
// a failed login writes the same rows whoever it names) for a day.
const (
	securityEventRetention = 180 * 24 * time.Hour
	orphanEventRetention   = 24 * time.Hour
)

// SecurityEvents lists the principal's own security log, newest first,
// after cursor, fetching limit+1 rows so the caller knows of a next page.
func (s *Service) SecurityEvents(ctx context.Context, p Principal, cursor string, limit int) ([]store.SecurityEvent, error) {
	return s.store.SecurityEvents(ctx, p.User.ID, cursor, limit)
}

// Purge deletes what has run out: expired sessions, failure counts a quiet
// day old, and old security events. The app's periodic upkeep calls it.
func (s *Service) Purge(ctx context.Context) error {
	now := s.now().UTC()
	if _, err := s.store.DeleteExpiredSessions(ctx, now); err != nil {
		return fmt.Errorf("purge sessions: %w", err)
	}
	if _, err := s.store.DeleteExpiredSigninStates(ctx, now); err != nil {
		return fmt.Errorf("purge sign-in states: %w", err)
	}
	if _, err := s.store.DeleteLoginFailuresBefore(ctx, now.Add(-loginFailureQuiet)); err != nil {
		return fmt.Errorf("purge login failures: %w", err)
	}
	if _, err := s.store.DeleteAccountTokensBefore(ctx, now); err != nil {
		return fmt.Errorf("purge account links: %w", err)
	}
	if _, err := s.store.DeleteSecurityEventsBefore(ctx, now.Add(-securityEventRetention), now.Add(-orphanEventRetention)); err != nil {
		return fmt.Errorf("purge security events: %w", err)
	}
	return nil
}
