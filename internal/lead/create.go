package lead

import (
	"context"
	"errors"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// invalid turns field.Normalize's FieldErrors into a 422 problem.
func invalid(err error) error {
	var fes field.Errors
	if errors.As(err, &fes) {
		return problem.Fields(fes.ByField()).Err()
	}
	var fe *field.Error
	if errors.As(err, &fe) {
		return problem.InvalidField(fe.Field, fe.Message)
	}
	return err
}

// ErrSuppressedLead is the 409 for a lead whose address is suppressed:
// suppressed people are kept out of the lead list, as an import skips them.
func suppressedProblem(sup store.Suppression) error {
	return &problem.Error{Kind: problem.Conflict, Code: "suppressed",
		Message: "This address is on the suppression list (" + SuppressionReason(sup) + ").",
		Details: map[string]any{"suppressionId": sup.ID, "reason": sup.Reason}}
}

// SuppressionReason says why an address is suppressed without repeating it.
func SuppressionReason(sup store.Suppression) string {
	switch sup.Kind {
	case store.SuppressDomain:
		return "the domain " + sup.Value + " is suppressed, reason: " + sup.Reason
	case store.SuppressEmailHash:
		return "this person's data was erased"
	default:
		return "reason: " + sup.Reason
	}
}

// Create adds one lead from the API or a form. Its values are recorded as
// coming from the person (or API key) that sent them.
func (s *Service) Create(ctx context.Context, p account.Principal, in field.Fields) (store.Lead, error) {
	f, err := field.Normalize(in)
	if err != nil {
		return store.Lead{}, invalid(err)
	}
	var l store.Lead
	SetFields(&l, f)
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		sc := tx.InWorkspace(p.WorkspaceID)
		if sup, ok, err := sc.Suppressed(ctx, f.Email); err != nil {
			return err
		} else if ok {
			return suppressedProblem(sup)
		}
		if err := sc.CreateLead(ctx, &l); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return &problem.Error{Kind: problem.Conflict, Code: "duplicate_email",
					Message: "A lead with this email already exists in the workspace.",
					Fields:  map[string]string{"email": "is already a lead"}}
			}
			return err
		}
		kind, id := origin(p)
		return sc.AddProvenance(ctx, []store.Provenance{{LeadID: l.ID, SourceKind: kind, SourceID: id, Fields: AllValues(f)}})
	})
	if err != nil {
		return l, err
	}
	return s.verified(ctx, p.WorkspaceID, l), nil
}
