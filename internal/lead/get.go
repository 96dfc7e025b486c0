package lead

import (
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Detail is a lead with the origin of each of its values.
type Detail struct {
	store.Lead
	// Provenance maps a field name ("company", "custom.icebreaker") to the
	// values it was given, newest first: the first entry is where the
	// current value came from.
	Provenance map[string][]Origin `json:"provenance"`
}

// Origin is one value a field was given, by whom and when.
type Origin struct {
	Value  string    `json:"value"`
	Source Source    `json:"source"`
	At     time.Time `json:"at"`
}

// Source says where a value came from: an import (its id, name, file and
// row), a manual edit (the user's id), the API (the key's id), enrichment or
// the AI.
type Source struct {
	Kind     string `json:"kind"`
	ID       string `json:"id,omitempty"`
	Name     string `json:"name,omitempty"`
	FileName string `json:"fileName,omitempty"`
	Row      int    `json:"row,omitempty"`
}

// Get returns a lead and the origin of its values. An erased lead is not
// found.
func (s *Service) Get(ctx context.Context, p account.Principal, id string) (Detail, error) {
	sc := s.store.InWorkspace(p.WorkspaceID)
	l, err := sc.Lead(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	if l.Status == store.LeadErased {
		return Detail{}, store.ErrNotFound
	}
	events, err := sc.LeadProvenance(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Lead: l, Provenance: map[string][]Origin{}}
	for _, e := range events {
		src := Source{Kind: e.SourceKind, ID: e.SourceID, Name: e.SourceName, FileName: e.FileName, Row: e.SourceRow}
		for field, value := range e.Fields {
			d.Provenance[field] = append(d.Provenance[field], Origin{Value: value, Source: src, At: e.CreatedAt})
		}
	}
	return d, nil
}
