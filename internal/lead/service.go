// Package lead holds the rules for a workspace's leads and suppression list:
// creating and editing leads with a record of where every value came from,
// listing and exporting them, erasing a person, and keeping suppressed
// addresses out. Its subpackages are the rest of the family: the pure field
// model and normalisers in internal/lead/field, CSV reading and writing in
// internal/lead/csv, and the background CSV import in internal/lead/importer.
package lead

import (
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/env"
	"github.com/leadbitz/leadbitz/internal/lead/field"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/verify"
)

// Service implements the lead and suppression rules.
type Service struct {
	store  *store.Store
	env    env.Env
	verify *verify.Service // nil: addresses are not checked
	passes passes          // on-demand verification passes (verify.go)
}

// SetVerifier makes Create and Patch check a new address (internal/verify)
// once it is stored.
func (s *Service) SetVerifier(v *verify.Service) { s.verify = v }

// Verifier is the address verifier (nil when none is set).
func (s *Service) Verifier() *verify.Service { return s.verify }

// verifyTimeout bounds the address check of one added or edited lead; an
// answer that comes later leaves it unchecked (sent to as unknown).
const verifyTimeout = 8 * time.Second

// verified checks l's address, when a verifier is set, and returns l with
// its verdict. A failure leaves l as it was: the check is not the edit.
func (s *Service) verified(ctx context.Context, wsID string, l store.Lead) store.Lead {
	if s.verify == nil || l.ID == "" || l.Verification != nil {
		return l
	}
	vctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	if _, err := s.verify.Run(vctx, wsID, verify.Selection{IDs: []string{l.ID}}, false); err != nil {
		s.env.Log().WarnContext(ctx, "verify lead", "lead_id", l.ID, "err", err)
		return l
	}
	if fresh, err := s.store.InWorkspace(wsID).Lead(ctx, l.ID); err == nil {
		return fresh
	}
	return l
}

// New returns a Service reading the time from e.
func New(st *store.Store, e env.Env) *Service {
	return &Service{store: st, env: e}
}

// Audit builds an audit event for an action of p. Data must hold only ids,
// names of things and counts, never an address.
func Audit(p account.Principal, m account.Meta, action, targetType, targetID string, data map[string]any) store.AuditEvent {
	return store.AuditEvent{WorkspaceID: p.WorkspaceID, ActorUserID: p.User.ID, ActorAPIKey: p.APIKeyID,
		Action: action, TargetType: targetType, TargetID: targetID, Data: data, IP: m.IP, RequestID: m.RequestID}
}

// FieldsOf returns a stored lead's values.
func FieldsOf(l store.Lead) field.Fields {
	return field.Fields{Email: l.Email, FirstName: l.FirstName, LastName: l.LastName, Company: l.Company,
		Title: l.Title, Website: l.Website, LinkedinURL: l.LinkedinURL, Phone: l.Phone, Timezone: l.Timezone,
		Country: l.Country, Custom: l.Custom}
}

// SetFields copies values into a stored lead.
func SetFields(l *store.Lead, f field.Fields) {
	l.Email, l.FirstName, l.LastName, l.Company = f.Email, f.FirstName, f.LastName, f.Company
	l.Title, l.Website, l.LinkedinURL, l.Phone = f.Title, f.Website, f.LinkedinURL, f.Phone
	l.Timezone, l.Country, l.Custom = f.Timezone, f.Country, f.Custom
}

// ValuesOf returns the values of the named fields of f, the fields of a
// provenance record.
func ValuesOf(f field.Fields, names []string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		fd, err := field.ByName(n)
		if err != nil {
			continue // names come from field.MergeFields or Fields.All: always valid
		}
		m[n] = fd.Get(f)
	}
	return m
}

// AllValues returns every non-empty value of f by field name.
func AllValues(f field.Fields) map[string]string {
	m := map[string]string{}
	for k, v := range f.All() {
		m[k] = v
	}
	return m
}

// origin says which provenance kind and source id a principal's edit gets:
// "api" for an API key, "manual" for a person in a session.
func origin(p account.Principal) (kind, id string) {
	if p.APIKeyID != "" {
		return store.ProvenanceAPI, p.APIKeyID
	}
	return store.ProvenanceManual, p.User.ID
}
