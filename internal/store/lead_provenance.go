package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"
)

// Provenance source kinds: where a lead's values came from.
const (
	ProvenanceImport     = "import"     // a row of a CSV import (SourceID = lead_sources id)
	ProvenanceManual     = "manual"     // edited by a person in a session (SourceID = user id)
	ProvenanceAPI        = "api"        // written through an API key (SourceID = key id)
	ProvenanceEnrichment = "enrichment" // filled by an enrichment service
	ProvenanceAI         = "ai"         // written by the AI
)

// Provenance is one event that set some of a lead's fields: which fields,
// to which values, from where and when.
type Provenance struct {
	ID         string
	LeadID     string
	SourceKind string
	SourceID   string
	SourceRow  int               // the file row of an import, else 0
	Fields     map[string]string // field name (as in API.md, "custom.<key>") → value set
	CreatedAt  time.Time

	// For imports, read back from lead_sources.
	SourceName string
	FileName   string
}

// AddProvenance records events, several in one statement per chunk.
func (s Scope) AddProvenance(ctx context.Context, events []Provenance) error {
	t := now()
	return chunks(events, func(part []Provenance) error {
		args := make([]any, 0, len(part)*8)
		for i := range part {
			p := &part[i]
			if p.ID == "" {
				p.ID = NewID()
			}
			if p.CreatedAt.IsZero() {
				p.CreatedAt = t
			}
			fields, err := json.Marshal(p.Fields)
			if err != nil {
				return err
			}
			var row any
			if p.SourceRow > 0 {
				row = p.SourceRow
			}
			args = append(args, p.ID, s.ws, p.LeadID, p.SourceKind, nullString(p.SourceID), row, string(fields), p.CreatedAt)
		}
		_, err := s.exec(ctx, `INSERT INTO lead_field_provenance (id, workspace_id, lead_id, source_kind, source_id,
			source_row, fields, created_at) VALUES `+valuesList(len(part), 8), args...)
		return err
	})
}

// LeadProvenance returns the events of one lead, newest first.
func (s Scope) LeadProvenance(ctx context.Context, leadID string) ([]Provenance, error) {
	rows, err := s.query(ctx, `SELECT p.id, p.lead_id, p.source_kind, COALESCE(p.source_id, ''), p.source_row, p.fields,
			p.created_at, COALESCE(src.name, ''), COALESCE(src.file_name, '')
		FROM lead_field_provenance p
		LEFT JOIN lead_sources src ON src.id = p.source_id AND src.workspace_id = p.workspace_id
		WHERE p.lead_id = ? AND p.workspace_id = ? ORDER BY p.created_at DESC, p.id DESC`, leadID, s.ws)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []Provenance
	for rows.Next() {
		var p Provenance
		var row sql.NullInt64
		var fields string
		if err := rows.Scan(&p.ID, &p.LeadID, &p.SourceKind, &p.SourceID, &row, &fields, &p.CreatedAt,
			&p.SourceName, &p.FileName); err != nil {
			return nil, err
		}
		p.SourceRow = int(row.Int64)
		if err := json.Unmarshal([]byte(fields), &p.Fields); err != nil {
			return nil, err
		}
		list = append(list, p)
	}
	return list, rows.Err()
}
