package lead

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/lead/csv"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// MaxSearchLen bounds the search text.
const MaxSearchLen = 200

// Query is what a list or an export selects.
type Query struct {
	Search     string
	Status     string
	SourceID   string
	CampaignID string
	// Verification is a verification status, or "unchecked".
	Verification string
}

func (q Query) check() error {
	switch q.Status {
	case "", store.LeadActive, store.LeadBounced, store.LeadUnsubscribed:
	default:
		return problem.InvalidField("status", "must be active, bounced or unsubscribed")
	}
	switch q.Verification {
	case "", store.VerifyDeliverable, store.VerifyRisky, store.VerifyUndeliverable, store.VerifyUnknown, store.VerifyUnchecked:
	default:
		return problem.InvalidField("verification", "must be deliverable, risky, undeliverable, unknown or unchecked")
	}
	if len(q.Search) > MaxSearchLen {
		return problem.InvalidField("q", "must be at most 200 characters")
	}
	return nil
}

func (q Query) store() store.LeadQuery {
	return store.LeadQuery{Search: strings.TrimSpace(q.Search), Status: q.Status, SourceID: q.SourceID, CampaignID: q.CampaignID,
		Verification: q.Verification}
}

// List returns a page of leads, newest first; limit+1 items when there is a
// next page.
func (s *Service) List(ctx context.Context, p account.Principal, q Query, cursor string, limit int) ([]store.Lead, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	sq := q.store()
	sq.Cursor, sq.Limit = cursor, limit
	return s.store.InWorkspace(p.WorkspaceID).Leads(ctx, sq)
}

// Export writes the selected leads to w as CSV that is safe to open in a
// spreadsheet (formula-like cells neutralised by csv.Writer): the
// standard fields, one column per custom key in use, then status and
// creation time. It reads the database a page at a time.
func (s *Service) Export(ctx context.Context, p account.Principal, m account.Meta, q Query, w io.Writer) error {
	if err := q.check(); err != nil {
		return err
	}
	sc := s.store.InWorkspace(p.WorkspaceID)
	sq := q.store()
	keys, err := sc.LeadCustomKeys(ctx, sq)
	if err != nil {
		return err
	}
	ew := csv.NewWriter(w, csv.WriterOptions{CustomKeys: keys, ExtraColumns: []string{"status", "createdAt"}})
	n := 0
	err = sc.EachLead(ctx, sq, func(l store.Lead) error {
		n++
		return ew.Write(FieldsOf(l), l.Status, l.CreatedAt.UTC().Format(time.RFC3339))
	})
	if err != nil {
		return err
	}
	if err := ew.Flush(); err != nil {
		return err
	}
	return s.store.InsertAudit(ctx, Audit(p, m, "lead.exported", "", "", map[string]any{"count": n}))
}
