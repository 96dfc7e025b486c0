package web

import (
	"net/http"
	"sort"

	"github.com/leadbitz/leadbitz/internal/sending/plan"
	"github.com/leadbitz/leadbitz/internal/store"
)

// leadField is one row of a lead's field table: its value and the event
// that last set it.
type leadField struct {
	Label  string
	Value  string
	Source *store.Provenance // nil when no recorded event set it
}

type leadData struct {
	Lead      store.Lead
	Fields    []leadField
	History   []store.Provenance // newest first
	Campaigns []leadCampaign
}

// leadCampaign is the lead's place in one campaign and the send engine's
// answer to "why is this lead waiting".
type leadCampaign struct {
	ID, Name string
	plan.Explanation
}

// standardLeadFields are the lead's own fields in display order, keyed by
// their API name (the name provenance records use).
var standardLeadFields = []struct{ key, label string }{
	{"email", "Email"}, {"firstName", "First name"}, {"lastName", "Last name"}, {"company", "Company"},
	{"title", "Job title"}, {"website", "Website"}, {"linkedinUrl", "LinkedIn"}, {"phone", "Phone"},
	{"timezone", "Time zone"}, {"country", "Country"},
}

// lead shows one lead: each field with where its value came from, then the
// history of every event that set fields.
func (w *Web) lead(rw http.ResponseWriter, r *http.Request, v *view) error {
	scope := w.Store.InWorkspace(v.P.WorkspaceID)
	l, err := scope.Lead(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if l.Status == store.LeadErased {
		return store.ErrNotFound
	}
	history, err := scope.LeadProvenance(r.Context(), l.ID)
	if err != nil {
		return err
	}
	sort.SliceStable(history, func(i, j int) bool { return history[i].CreatedAt.After(history[j].CreatedAt) })
	data := leadData{Lead: l, Fields: leadFields(l, history), History: history}
	in, err := scope.CampaignLeadsOfLead(r.Context(), l.ID)
	if err != nil {
		return err
	}
	for _, cl := range in {
		c, err := scope.Campaign(r.Context(), cl.CampaignID)
		if err != nil {
			return err
		}
		x, err := w.Campaigns.Explain(r.Context(), v.P.WorkspaceID, cl.CampaignID, l.ID)
		if err != nil {
			return err
		}
		data.Campaigns = append(data.Campaigns, leadCampaign{ID: c.ID, Name: c.Name, Explanation: x})
	}
	v.Title, v.Nav, v.Data = leadName(l), "leads", data
	return v.render(rw, http.StatusOK)
}

// leadFields lists the lead's filled fields, each with the newest event
// that set it.
func leadFields(l store.Lead, history []store.Provenance) []leadField {
	values := map[string]string{"email": l.Email, "firstName": l.FirstName, "lastName": l.LastName, "company": l.Company,
		"title": l.Title, "website": l.Website, "linkedinUrl": l.LinkedinURL, "phone": l.Phone, "timezone": l.Timezone, "country": l.Country}
	source := func(key string) *store.Provenance {
		for i := range history { // newest first
			if _, ok := history[i].Fields[key]; ok {
				return &history[i]
			}
		}
		return nil
	}
	var out []leadField
	for _, f := range standardLeadFields {
		if values[f.key] != "" {
			out = append(out, leadField{Label: f.label, Value: values[f.key], Source: source(f.key)})
		}
	}
	keys := make([]string, 0, len(l.Custom))
	for k := range l.Custom {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, leadField{Label: k, Value: l.Custom[k], Source: source("custom." + k)})
	}
	return out
}

// leadName is how a lead is titled: their name, else their email.
func leadName(l store.Lead) string {
	switch {
	case l.FirstName != "" && l.LastName != "":
		return l.FirstName + " " + l.LastName
	case l.FirstName != "" || l.LastName != "":
		return l.FirstName + l.LastName
	default:
		return l.Email
	}
}

// describeProvenance says in words where values came from: "CSV import
// “march.csv”, row 12".
func describeProvenance(p store.Provenance) string {
	switch p.SourceKind {
	case store.ProvenanceImport:
		name := p.FileName
		if name == "" {
			name = p.SourceName
		}
		s := "CSV import"
		if name != "" {
			s += " “" + name + "”"
		}
		if p.SourceRow > 0 {
			s += ", row " + formatInt(p.SourceRow)
		}
		return s
	case store.ProvenanceManual:
		return "Edited by hand"
	case store.ProvenanceAPI:
		return "The API"
	case store.ProvenanceEnrichment:
		return "Enrichment"
	case store.ProvenanceAI:
		return "AI"
	default:
		return p.SourceKind
	}
}
