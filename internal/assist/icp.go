package assist

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Length limits of the ICP request and of profile edits, in characters.
const (
	MaxNameLen     = 200
	MaxWebsiteLen  = ai.MaxFieldRunes
	MaxSummaryLen  = 1000
	MaxListItems   = 20
	MaxListItemLen = 240
)

// Profile is a stored ICP profile as the API shows it.
type Profile struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	ProductDescription string    `json:"productDescription"`
	Website            string    `json:"website"`
	Notes              string    `json:"notes"`
	ICP                ai.ICP    `json:"icp"`
	Generator          string    `json:"generator"`
	CreatedAt          time.Time `json:"createdAt"`
	UpdatedAt          time.Time `json:"updatedAt"`
}

func profileOf(p store.ICPProfile) (Profile, error) {
	out := Profile{ID: p.ID, Name: p.Name, ProductDescription: p.ProductDescription, Website: p.Website,
		Notes: p.Notes, Generator: p.Generator, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if err := json.Unmarshal([]byte(p.ICP), &out.ICP); err != nil {
		return out, fmt.Errorf("icp profile %s: %w", p.ID, err)
	}
	out.ICP = withEmptyLists(out.ICP)
	return out, nil
}

// withEmptyLists turns nil lists into empty ones, so the JSON always has arrays.
func withEmptyLists(icp ai.ICP) ai.ICP {
	for _, l := range icpLists(&icp) {
		if *l.items == nil {
			*l.items = []string{}
		}
	}
	return icp
}

// icpList names one list field of an ICP, for validation messages.
type icpList struct {
	name  string
	items *[]string
}

// icpLists pairs each list field of icp with its name.
func icpLists(icp *ai.ICP) []icpList {
	return []icpList{
		{"industries", &icp.Industries}, {"companySizes", &icp.CompanySizes}, {"regions", &icp.Regions},
		{"titles", &icp.Titles}, {"painPoints", &icp.PainPoints}, {"valueProps", &icp.ValueProps},
		{"disqualifiers", &icp.Disqualifiers},
	}
}

// GenerateICPInput is the body of POST /api/icp/generate.
type GenerateICPInput struct {
	Name               string `json:"name"`
	ProductDescription string `json:"productDescription"`
	Website            string `json:"website"`
	Notes              string `json:"notes"`
}

// GenerateICP proposes a profile for the product, stores it and records icp.created. The
// website is passed on as a hint; its pages are not fetched.
func (s *Service) GenerateICP(ctx context.Context, p account.Principal, m account.Meta, in GenerateICPInput) (Profile, error) {
	in.Name = ai.Clean(in.Name, 0)
	in.ProductDescription = ai.Clean(in.ProductDescription, 0)
	in.Website = ai.Clean(in.Website, 0)
	in.Notes = ai.Clean(in.Notes, 0)
	fields := problem.Fields{}
	if in.ProductDescription == "" {
		fields.Add("productDescription", "is required: describe what you sell and to whom")
	}
	checkLen(fields, "productDescription", in.ProductDescription, ai.MaxDescriptionRunes)
	checkLen(fields, "name", in.Name, MaxNameLen)
	checkLen(fields, "website", in.Website, MaxWebsiteLen)
	checkLen(fields, "notes", in.Notes, ai.MaxNotesRunes)
	if err := fields.Err(); err != nil {
		return Profile{}, err
	}
	req := ai.ICPRequest{ProductDescription: in.ProductDescription, Website: in.Website, Notes: in.Notes}
	res, err := call(ctx, s, p.WorkspaceID, p.User.ID, TaskICP, "productDescription", s.online(),
		func(ctx context.Context) (ai.ICPResult, error) { return s.gen.GenerateICP(ctx, req) },
		func(r ai.ICPResult) (string, ai.Usage) { return r.Generator, r.Usage })
	if err != nil {
		return Profile{}, err
	}
	icpJSON, err := json.Marshal(withEmptyLists(res.ICP))
	if err != nil {
		return Profile{}, err
	}
	row := store.ICPProfile{Name: in.Name, ProductDescription: in.ProductDescription, Website: in.Website,
		Notes: in.Notes, ICP: string(icpJSON), Generator: res.Generator}
	if row.Name == "" {
		row.Name = defaultName(in.ProductDescription)
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InWorkspace(p.WorkspaceID).CreateICPProfile(ctx, &row); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, audit(p, m, "icp.created", row.ID, map[string]any{"generator": row.Generator}))
	})
	if err != nil {
		return Profile{}, err
	}
	return profileOf(row)
}

// defaultName names a profile after the first sentence of its description.
func defaultName(desc string) string {
	line, _, _ := strings.Cut(desc, "\n")
	if i := strings.IndexAny(line, ".!?"); i > 0 {
		line = line[:i]
	}
	return ai.Truncate(strings.TrimSpace(line), 60)
}

func checkLen(f problem.Fields, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "must be at most %d characters", max)
	}
}

// Profiles lists the workspace's profiles newest first, after cursor; up to limit+1 so the
// caller knows whether there is a next page.
func (s *Service) Profiles(ctx context.Context, ws, cursor string, limit int) ([]Profile, error) {
	rows, err := s.store.InWorkspace(ws).ICPProfiles(ctx, cursor, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Profile, 0, len(rows))
	for _, r := range rows {
		p, err := profileOf(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Profile returns one profile; store.ErrNotFound for another workspace's.
func (s *Service) Profile(ctx context.Context, ws, id string) (Profile, error) {
	row, err := s.store.InWorkspace(ws).ICPProfile(ctx, id)
	if err != nil {
		return Profile{}, err
	}
	return profileOf(row)
}

// ProfilePatch is the body of PATCH /api/icp/{id}: absent (or null) fields stay as they
// are; an empty list clears one.
type ProfilePatch struct {
	Name               *string   `json:"name"`
	ProductDescription *string   `json:"productDescription"`
	Website            *string   `json:"website"`
	Notes              *string   `json:"notes"`
	ICP                *ICPPatch `json:"icp"`
}

// ICPPatch edits the profile itself, field by field.
type ICPPatch struct {
	Summary       *string   `json:"summary"`
	Industries    *[]string `json:"industries"`
	CompanySizes  *[]string `json:"companySizes"`
	Regions       *[]string `json:"regions"`
	Titles        *[]string `json:"titles"`
	PainPoints    *[]string `json:"painPoints"`
	ValueProps    *[]string `json:"valueProps"`
	Disqualifiers *[]string `json:"disqualifiers"`
}

// lists pairs each list of the patch with its name; items is nil when the list is absent.
func (ip *ICPPatch) lists() []icpList {
	return []icpList{
		{"industries", ip.Industries}, {"companySizes", ip.CompanySizes}, {"regions", ip.Regions},
		{"titles", ip.Titles}, {"painPoints", ip.PainPoints}, {"valueProps", ip.ValueProps},
		{"disqualifiers", ip.Disqualifiers},
	}
}

// PatchProfile edits a profile by hand and records icp.updated with the names of the
// fields that changed. The generator that first wrote it is kept; UpdatedAt says when it
// was last edited.
func (s *Service) PatchProfile(ctx context.Context, p account.Principal, m account.Meta, id string, in ProfilePatch) (Profile, error) {
	fields := problem.Fields{}
	text := func(field string, v *string, max int, required bool) *string {
		if v == nil {
			return nil
		}
		c := ai.Clean(*v, 0)
		if required && c == "" {
			fields.Add(field, "must not be empty")
		}
		checkLen(fields, field, c, max)
		return &c
	}
	name := text("name", in.Name, MaxNameLen, true)
	desc := text("productDescription", in.ProductDescription, ai.MaxDescriptionRunes, false)
	website := text("website", in.Website, MaxWebsiteLen, false)
	notes := text("notes", in.Notes, ai.MaxNotesRunes, false)
	var summary *string
	lists := map[string][]string{}
	if in.ICP != nil {
		summary = text("icp.summary", in.ICP.Summary, MaxSummaryLen, false)
		for _, l := range in.ICP.lists() {
			if l.items != nil {
				lists[l.name] = cleanList(fields, "icp."+l.name, *l.items)
			}
		}
	}
	if err := fields.Err(); err != nil {
		return Profile{}, err
	}

	var out Profile
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		sc := tx.InWorkspace(p.WorkspaceID)
		row, err := sc.ICPProfile(ctx, id)
		if err != nil {
			return err
		}
		cur, err := profileOf(row)
		if err != nil {
			return err
		}
		var changed []string
		set := func(field string, dst *string, v *string) {
			if v != nil && *v != *dst {
				*dst = *v
				changed = append(changed, field)
			}
		}
		set("name", &row.Name, name)
		set("productDescription", &row.ProductDescription, desc)
		set("website", &row.Website, website)
		set("notes", &row.Notes, notes)
		set("icp.summary", &cur.ICP.Summary, summary)
		for _, l := range icpLists(&cur.ICP) {
			if v, ok := lists[l.name]; ok && !slices.Equal(*l.items, v) {
				*l.items = v
				changed = append(changed, "icp."+l.name)
			}
		}
		if len(changed) > 0 {
			b, err := json.Marshal(cur.ICP)
			if err != nil {
				return err
			}
			row.ICP = string(b)
			if err := sc.UpdateICPProfile(ctx, &row); err != nil {
				return err
			}
			if err := tx.InsertAudit(ctx, audit(p, m, "icp.updated", id, map[string]any{"fields": changed})); err != nil {
				return err
			}
		}
		out, err = profileOf(row)
		return err
	})
	return out, err
}

// cleanList trims the items of an edited list and checks their number and lengths.
func cleanList(fields problem.Fields, field string, items []string) []string {
	if len(items) > MaxListItems {
		fields.Add(field, "must have at most %d items", MaxListItems)
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		c := ai.Clean(it, 0)
		switch {
		case c == "":
			fields.Add(field, "item %d is empty", i+1)
		case utf8.RuneCountInString(c) > MaxListItemLen:
			fields.Add(field, "item %d is longer than %d characters", i+1, MaxListItemLen)
		}
		out = append(out, c)
	}
	return out
}
