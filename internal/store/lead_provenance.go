package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
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
	Fields     map[string]string // field name (as in the API, "custom.<key>") → value set
	CreatedAt  time.Time

	// For imports, read back from lead_sources.
	SourceName string
	FileName   string
}

// AddProvenance records events in one statement (per chunk on SQLite).
func (s Scope) AddProvenance(ctx context.Context, events []Provenance) error {
	t := s.now()
	fields := make([]string, len(events))
	var buf []byte
	for i := range events {
		p := &events[i]
		if p.ID == "" {
			p.ID = NewID()
		}
		if p.CreatedAt.IsZero() {
			p.CreatedAt = t
		}
		buf = appendFieldsJSON(buf[:0], p.Fields)
		fields[i] = string(buf)
	}
	if s.d.arrayBatches() {
		if len(events) == 0 {
			return nil
		}
		n := len(events)
		ids, leads, kinds, sources := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		rows, times := make([]int32, n), make([]time.Time, n)
		for i, p := range events {
			ids[i], leads[i], kinds[i], sources[i] = p.ID, p.LeadID, p.SourceKind, p.SourceID
			rows[i], times[i] = int32(max(p.SourceRow, 0)), p.CreatedAt.UTC().Truncate(time.Microsecond)
		}
		_, err := s.exec(ctx, `INSERT INTO lead_field_provenance (id, workspace_id, lead_id, source_kind, source_id,
				source_row, fields, created_at)
			SELECT v.id, ?, v.lead_id, v.source_kind, NULLIF(v.source_id, ''), NULLIF(v.source_row, 0), v.fields,
				v.created_at
			FROM `+s.d.unnest("v", "id text", "lead_id text", "source_kind text", "source_id text",
			"source_row integer", "fields text", "created_at timestamptz"),
			s.ws, ids, leads, kinds, sources, rows, fields, times)
		return err
	}
	var offset int
	return chunks(events, batchChunk, func(part []Provenance) error {
		args := make([]any, 0, len(part)*8)
		for i := range part {
			p := &part[i]
			var row any
			if p.SourceRow > 0 {
				row = p.SourceRow
			}
			args = append(args, p.ID, s.ws, p.LeadID, p.SourceKind, nullString(p.SourceID), row, fields[offset+i],
				p.CreatedAt)
		}
		offset += len(part)
		_, err := s.exec(ctx, `INSERT INTO lead_field_provenance (id, workspace_id, lead_id, source_kind, source_id,
			source_row, fields, created_at) VALUES `+valuesList(len(part), 8), args...)
		return err
	})
}

// appendFieldsJSON appends fields as a JSON object with sorted keys: the
// bytes json.Marshal writes, without its reflection, for the hundreds of
// thousands of provenance records of a big import.
func appendFieldsJSON(b []byte, fields map[string]string) []byte {
	if fields == nil {
		return append(b, "null"...)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, fields[k])
	}
	return append(b, '}')
}

// appendJSONString quotes s as json.Marshal does. Plain ASCII without
// characters JSON or HTML escape is copied as it is; anything else goes
// through encoding/json, which escapes it.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
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
