package lead

import (
	"context"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// SuppressionInput is the body of POST /api/suppressions: an email or a
// domain, why, and where the entry came from (free text, e.g. "crm sync").
type SuppressionInput struct {
	Email  string `json:"email"`
	Domain string `json:"domain"`
	Reason string `json:"reason"`
	Source string `json:"source"`
}

// MaxSourceLen bounds a suppression's or an import's source name.
const MaxSourceLen = 200

// checkReason reads a reason a user may give; erasure entries are made only
// by erasing a lead.
func checkReason(reason string) (string, error) {
	switch r := strings.ToLower(strings.TrimSpace(reason)); r {
	case "":
		return store.ReasonManual, nil
	case store.ReasonUnsubscribe, store.ReasonBounce, store.ReasonComplaint, store.ReasonManual:
		return r, nil
	}
	return "", problem.InvalidField("reason", "must be unsubscribe, bounce, complaint or manual")
}

// NormalizeDomain returns a domain in the form suppressions compare (lower
// case, punycode), accepting "@acme.com" and "https://acme.com/".
func NormalizeDomain(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	s = strings.TrimPrefix(s, "@")
	s = strings.TrimSuffix(s, "/")
	if s == "" || strings.ContainsAny(s, "@/ ") {
		return "", problem.InvalidField("domain", "is not a domain name")
	}
	// The domain of an address is normalised exactly as NormalizeEmail
	// does it, so "Bücher.de" here matches "ada@bücher.de" there.
	addr, err := field.NormalizeEmail("x@" + s)
	if err != nil {
		return "", problem.InvalidField("domain", "is not a domain name")
	}
	return addr[2:], nil
}

// suppressionOf validates an input into an entry.
func suppressionOf(in SuppressionInput) (store.Suppression, error) {
	reason, err := checkReason(in.Reason)
	if err != nil {
		return store.Suppression{}, err
	}
	source := strings.TrimSpace(in.Source)
	if len(source) > MaxSourceLen {
		return store.Suppression{}, problem.InvalidField("source", "must be at most 200 characters")
	}
	sup := store.Suppression{Reason: reason, Source: source}
	email, domain := strings.TrimSpace(in.Email), strings.TrimSpace(in.Domain)
	switch {
	case email != "" && domain != "":
		return sup, problem.New(problem.Invalid, "validation_failed", "Give either an email or a domain, not both.")
	case email != "":
		sup.Kind = store.SuppressEmail
		if sup.Value, err = field.NormalizeEmail(email); err != nil {
			return sup, invalid(err)
		}
	case domain != "":
		sup.Kind = store.SuppressDomain
		if sup.Value, err = NormalizeDomain(domain); err != nil {
			return sup, err
		}
	default:
		return sup, problem.Fields{"email": "give an email or a domain"}.Err()
	}
	return sup, nil
}

// AddSuppression suppresses an address or a domain. Adding one that exists
// returns the existing entry with created false.
func (s *Service) AddSuppression(ctx context.Context, p account.Principal, m account.Meta, in SuppressionInput) (store.Suppression, bool, error) {
	sup, err := suppressionOf(in)
	if err != nil {
		return sup, false, err
	}
	var created bool
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if created, err = tx.InWorkspace(p.WorkspaceID).AddSuppression(ctx, &sup); err != nil || !created {
			return err
		}
		if err := event.Record(ctx, tx.Queries, p.WorkspaceID, event.SuppressionsAdded([]store.Suppression{sup})...); err != nil {
			return err
		}
		if err := recordSuppressedUnsubscribe(ctx, tx, p.WorkspaceID, sup); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, Audit(p, m, "suppression.added", "suppression", sup.ID,
			map[string]any{"kind": sup.Kind, "reason": sup.Reason, "count": 1}))
	})
	return sup, created, err
}

// RemoveSuppression deletes an entry. An erased person's entry stays: it is
// all that keeps them from being emailed again, and nobody can tell whose it
// is.
func (s *Service) RemoveSuppression(ctx context.Context, p account.Principal, m account.Meta, id string) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		sc := tx.InWorkspace(p.WorkspaceID)
		sup, err := sc.Suppression(ctx, id)
		if err != nil {
			return err
		}
		if sup.Kind == store.SuppressEmailHash {
			return problem.New(problem.Conflict, "erasure_kept",
				"This entry keeps an erased person from being emailed again; it cannot be removed.")
		}
		if err := sc.RemoveSuppression(ctx, id); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, Audit(p, m, "suppression.removed", "suppression", id,
			map[string]any{"kind": sup.Kind, "reason": sup.Reason}))
	})
}

// SuppressionQuery selects entries for a list.
type SuppressionQuery struct {
	Search string
	Kind   string
}

// Suppressions lists entries newest first; limit+1 when there is more.
func (s *Service) Suppressions(ctx context.Context, p account.Principal, q SuppressionQuery, cursor string, limit int) ([]store.Suppression, error) {
	switch q.Kind {
	case "", store.SuppressEmail, store.SuppressDomain, store.SuppressEmailHash:
	default:
		return nil, problem.InvalidField("kind", "must be email, domain or email_hash")
	}
	if len(q.Search) > MaxSearchLen {
		return nil, problem.InvalidField("q", "must be at most 200 characters")
	}
	return s.store.InWorkspace(p.WorkspaceID).Suppressions(ctx, store.SuppressionQuery{
		Search: q.Search, Kind: q.Kind, Cursor: cursor, Limit: limit})
}
