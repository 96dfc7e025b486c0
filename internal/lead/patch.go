package lead

import (
	"context"
	"errors"
	"slices"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Patch is the body of PATCH /api/leads/{id}: only the fields present
// change. An empty string clears a field; in Custom, null (or "") removes a
// key and keys not named are kept.
type Patch struct {
	Email       *string            `json:"email"`
	FirstName   *string            `json:"firstName"`
	LastName    *string            `json:"lastName"`
	Company     *string            `json:"company"`
	Title       *string            `json:"title"`
	Website     *string            `json:"website"`
	LinkedinURL *string            `json:"linkedinUrl"`
	Phone       *string            `json:"phone"`
	Timezone    *string            `json:"timezone"`
	Country     *string            `json:"country"`
	Custom      map[string]*string `json:"custom"`
	// Status may be set to active, bounced or unsubscribed; erasing is
	// DELETE.
	Status *string `json:"status"`
}

// apply writes the patch onto f.
func (pt Patch) apply(f field.Fields) field.Fields {
	f = f.Clone()
	for _, c := range []struct {
		v   *string
		dst *string
	}{
		{pt.Email, &f.Email}, {pt.FirstName, &f.FirstName}, {pt.LastName, &f.LastName}, {pt.Company, &f.Company},
		{pt.Title, &f.Title}, {pt.Website, &f.Website}, {pt.LinkedinURL, &f.LinkedinURL}, {pt.Phone, &f.Phone},
		{pt.Timezone, &f.Timezone}, {pt.Country, &f.Country},
	} {
		if c.v != nil {
			*c.dst = *c.v
		}
	}
	for k, v := range pt.Custom {
		if f.Custom == nil {
			f.Custom = map[string]string{}
		}
		if v == nil || *v == "" {
			delete(f.Custom, k)
		} else {
			f.Custom[k] = *v
		}
	}
	return f
}

// changedFields names the fields whose value differs between a and b.
func changedFields(a, b field.Fields) []string {
	before, after := AllValues(a), AllValues(b)
	var names []string
	for k, v := range after {
		if before[k] != v {
			names = append(names, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

// Patch edits a lead and records the changed values (a cleared one as "")
// as coming from the caller.
func (s *Service) Patch(ctx context.Context, p account.Principal, id string, pt Patch) (store.Lead, error) {
	if pt.Status != nil {
		switch *pt.Status {
		case store.LeadActive, store.LeadBounced, store.LeadUnsubscribed:
		default:
			return store.Lead{}, problem.InvalidField("status", "must be active, bounced or unsubscribed (erase a lead with DELETE)")
		}
	}
	var l store.Lead
	emailChanged := false
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		sc := tx.InWorkspace(p.WorkspaceID)
		var err error
		emailChanged = false
		if l, err = sc.Lead(ctx, id); err != nil {
			return err
		}
		if l.Status == store.LeadErased {
			return store.ErrNotFound
		}
		before := FieldsOf(l)
		after, err := field.Normalize(pt.apply(before))
		if err != nil {
			return invalid(err)
		}
		if after.Email != before.Email {
			if sup, ok, err := sc.Suppressed(ctx, after.Email); err != nil {
				return err
			} else if ok {
				return suppressedProblem(sup)
			}
		}
		changed := changedFields(before, after)
		if len(changed) == 0 && (pt.Status == nil || *pt.Status == l.Status) {
			return nil
		}
		emailChanged = after.Email != before.Email
		SetFields(&l, after)
		if pt.Status != nil {
			if err := recordManualUnsubscribe(ctx, tx, p.WorkspaceID, l, *pt.Status); err != nil {
				return err
			}
			l.Status = *pt.Status
		}
		if err := sc.UpdateLead(ctx, &l); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				return &problem.Error{Kind: problem.Conflict, Code: "duplicate_email",
					Message: "Another lead of the workspace has this email.",
					Fields:  map[string]string{"email": "is already a lead"}}
			}
			return err
		}
		if len(changed) == 0 {
			return nil
		}
		values := ValuesOf(after, changed)
		for _, k := range changed { // removed custom keys: FieldByName/Get give ""
			if _, ok := values[k]; !ok {
				values[k] = ""
			}
		}
		kind, src := origin(p)
		return sc.AddProvenance(ctx, []store.Provenance{{LeadID: l.ID, SourceKind: kind, SourceID: src,
			Fields: values}})
	})
	if err != nil {
		return l, err
	}
	if emailChanged {
		// UpdateLead cleared the old address's verdict.
		l.Verification = nil
		l = s.verified(ctx, p.WorkspaceID, l)
	}
	return l, nil
}
