package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Lead statuses.
const (
	LeadActive       = "active"
	LeadBounced      = "bounced"
	LeadUnsubscribed = "unsubscribed"
	LeadErased       = "erased"
)

// Lead is a person a workspace may write to.
type Lead struct {
	ID          string            `json:"id"`
	Email       string            `json:"email"`
	FirstName   string            `json:"firstName"`
	LastName    string            `json:"lastName"`
	Company     string            `json:"company"`
	Title       string            `json:"title"`
	Website     string            `json:"website"`
	LinkedinURL string            `json:"linkedinUrl"`
	Phone       string            `json:"phone"`
	Timezone    string            `json:"timezone"`
	Country     string            `json:"country"`
	Custom      map[string]string `json:"custom"`
	Status      string            `json:"status"`
	SourceID    string            `json:"sourceId,omitempty"`
	CreatedAt   time.Time         `json:"createdAt"`
	UpdatedAt   time.Time         `json:"updatedAt"`
	// Verification is the address check's verdict; nil until it ran.
	Verification *Verification `json:"verification"`
}

// Verification statuses (internal/verify decides them).
const (
	VerifyDeliverable   = "deliverable"
	VerifyRisky         = "risky"
	VerifyUndeliverable = "undeliverable"
	VerifyUnknown       = "unknown"
)

// Verification sources: what set a lead's verification.
const (
	VerifySourceDNS    = "dns"    // the basic checks (syntax, MX, lists)
	VerifySourceBounce = "bounce" // a hard bounce of a message to it
	VerifySourceReply  = "reply"  // a person replied from it
	VerifySourceSMTP   = "smtp"   // the SMTP probe
)

// Verification is a lead's address verdict and its provenance: which check
// decided it and when.
type Verification struct {
	Status  string   `json:"status"`
	Reasons []string `json:"reasons"`
	// Provider is the recipient's mail provider read from its MX: google,
	// microsoft or other ("" when the MX could not be read).
	Provider  string    `json:"provider,omitempty"`
	CheckedAt time.Time `json:"checkedAt"`
	Source    string    `json:"source"`
}

// verificationOf builds a lead's verification from its columns; nil when
// it was never checked.
func verificationOf(status, reasons, provider, source string, at sql.NullTime) *Verification {
	if status == "" {
		return nil
	}
	v := &Verification{Status: status, Reasons: []string{}, Provider: provider, Source: source}
	if reasons != "" {
		v.Reasons = strings.Split(reasons, ",")
	}
	if at.Valid {
		v.CheckedAt = at.Time.UTC()
	}
	return v
}

// verifyScan holds a lead's verification columns while a row is scanned.
type verifyScan struct {
	status, reasons, provider, source string
	at                                sql.NullTime
}

func (v *verifyScan) dest() []any {
	return []any{&v.status, &v.reasons, &v.provider, &v.source, &v.at}
}

func (v *verifyScan) get() *Verification {
	return verificationOf(v.status, v.reasons, v.provider, v.source, v.at)
}

const leadColumns = `id, email, first_name, last_name, company, title, website, linkedin_url, phone, timezone,
	country, custom, status, COALESCE(source_id, ''), created_at, updated_at, ` + leadVerifyColumns

// leadVerifyColumns are a lead's verification columns, as verifyScan reads
// them.
const leadVerifyColumns = `verify_status, verify_reasons, verify_provider, verify_source, verified_at`

func scanLead(row interface{ Scan(...any) error }) (Lead, error) {
	var l Lead
	var custom string
	var v verifyScan
	err := row.Scan(append([]any{&l.ID, &l.Email, &l.FirstName, &l.LastName, &l.Company, &l.Title, &l.Website, &l.LinkedinURL,
		&l.Phone, &l.Timezone, &l.Country, &custom, &l.Status, &l.SourceID, &l.CreatedAt, &l.UpdatedAt}, v.dest()...)...)
	if err != nil {
		return l, notFound(err)
	}
	l.Verification = v.get()
	l.Custom, err = parseCustom(custom)
	return l, err
}

func customJSON(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// CreateLead inserts a lead; ErrDuplicate when the workspace already has the
// (normalised) email.
func (s Scope) CreateLead(ctx context.Context, l *Lead) error {
	if l.ID == "" {
		l.ID = NewID()
	}
	if l.Status == "" {
		l.Status = LeadActive
	}
	l.CreatedAt, l.UpdatedAt = s.now(), s.now()
	custom, err := customJSON(l.Custom)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO leads (id, workspace_id, email, first_name, last_name, company, title, website,
		linkedin_url, phone, timezone, country, custom, status, source_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, s.ws, l.Email, l.FirstName, l.LastName, l.Company, l.Title, l.Website, l.LinkedinURL, l.Phone,
		l.Timezone, l.Country, custom, l.Status, nullString(l.SourceID), l.CreatedAt, l.UpdatedAt)
	return s.d.translate(err)
}

// Lead returns one lead of the workspace.
func (s Scope) Lead(ctx context.Context, id string) (Lead, error) {
	return scanLead(s.queryRow(ctx, `SELECT `+leadColumns+` FROM leads WHERE id = ? AND workspace_id = ?`, id, s.ws))
}

// LeadByEmail returns the workspace's lead with this normalised email.
func (s Scope) LeadByEmail(ctx context.Context, email string) (Lead, error) {
	return scanLead(s.queryRow(ctx, `SELECT `+leadColumns+` FROM leads WHERE email = ? AND workspace_id = ?`, email, s.ws))
}

// SetLeadStatus changes a lead's status (bounced, unsubscribed…).
func (s Scope) SetLeadStatus(ctx context.Context, id, status string) error {
	return s.execOne(ctx, `UPDATE leads SET status = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`,
		status, s.now(), id, s.ws)
}

// UpdateLead writes every field of l (its email too: ErrDuplicate when
// another lead of the workspace has it) and sets UpdatedAt.
func (s Scope) UpdateLead(ctx context.Context, l *Lead) error {
	custom, err := customJSON(l.Custom)
	if err != nil {
		return err
	}
	l.UpdatedAt = s.now()
	// A new address is not the one that was checked: its verification is
	// cleared (internal/verify checks it again).
	return s.execOne(ctx, `UPDATE leads SET verify_status = CASE WHEN email = ? THEN verify_status ELSE '' END,
		email = ?, first_name = ?, last_name = ?, company = ?, title = ?,
		website = ?, linkedin_url = ?, phone = ?, timezone = ?, country = ?, custom = ?, status = ?, updated_at = ?
		WHERE id = ? AND workspace_id = ?`,
		l.Email, l.Email, l.FirstName, l.LastName, l.Company, l.Title, l.Website, l.LinkedinURL, l.Phone, l.Timezone,
		l.Country, custom, l.Status, l.UpdatedAt, l.ID, s.ws)
}

// LeadQuery selects leads for a list or an export. Erased leads are never
// listed.
type LeadQuery struct {
	Search     string // substring of email, "first last" name or company, any case
	Status     string
	SourceID   string // the import that created the lead
	CampaignID string // leads enrolled in this campaign
	// Verification is a verification status, or VerifyUnchecked for leads
	// never checked.
	Verification string
	Cursor       string // a lead id: list the leads created before it
	Limit        int
}

// leadSearchExpr is what Search matches. It is written exactly as the
// Postgres trigram index of migration 0002 is, so that index serves it.
const leadSearchExpr = `lower(email || ' ' || first_name || ' ' || last_name || ' ' || company)`

// where builds the WHERE clause of q (without the cursor) and its args.
func (q LeadQuery) where(ws string) (string, []any) {
	var b strings.Builder
	b.WriteString(` WHERE workspace_id = ? AND status <> 'erased'`)
	args := []any{ws}
	if q.Status != "" {
		b.WriteString(` AND status = ?`)
		args = append(args, q.Status)
	}
	if q.SourceID != "" {
		b.WriteString(` AND source_id = ?`)
		args = append(args, q.SourceID)
	}
	switch q.Verification {
	case "":
	case VerifyUnchecked:
		b.WriteString(` AND verify_status = ''`)
	default:
		b.WriteString(` AND verify_status = ?`)
		args = append(args, q.Verification)
	}
	if q.CampaignID != "" {
		b.WriteString(` AND id IN (SELECT lead_id FROM campaign_leads WHERE workspace_id = ? AND campaign_id = ?)`)
		args = append(args, ws, q.CampaignID)
	}
	if s := strings.ToLower(strings.TrimSpace(q.Search)); s != "" {
		b.WriteString(` AND ` + leadSearchExpr + ` LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscaper.Replace(s)+"%")
	}
	return b.String(), args
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Leads lists the workspace's leads matching q, newest first, after
// q.Cursor. It returns up to q.Limit+1 leads so the caller knows whether
// there is a next page.
func (s Scope) Leads(ctx context.Context, q LeadQuery) ([]Lead, error) {
	where, args := q.where(s.ws)
	page, args := keysetPage(`SELECT `+leadColumns+` FROM leads`+where, args, q.Cursor, q.Limit+1)
	rows, err := s.query(ctx, page, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanLead)
}

// EachLead calls fn for every lead matching q (Cursor and Limit ignored),
// newest first. It reads a page at a time and holds no query open while fn
// runs, so a slow reader (an export download) never blocks the database.
func (s Scope) EachLead(ctx context.Context, q LeadQuery, fn func(Lead) error) error {
	q.Cursor, q.Limit = "", eachPage
	for {
		page, err := s.Leads(ctx, q)
		if err != nil {
			return err
		}
		more := len(page) > eachPage
		if more {
			page = page[:eachPage]
		}
		for _, l := range page {
			if err := fn(l); err != nil {
				return err
			}
		}
		if !more {
			return nil
		}
		q.Cursor = page[len(page)-1].ID
	}
}

const eachPage = 1000

// LeadCustomKeys returns the sorted custom keys used by the leads matching
// q: the extra columns of an export.
func (s Scope) LeadCustomKeys(ctx context.Context, q LeadQuery) ([]string, error) {
	where, args := q.where(s.ws)
	where += ` AND custom <> '{}'`
	keys := map[string]bool{}
	cursor := ""
	for {
		page, pageArgs := keysetPage(`SELECT id, custom FROM leads`+where, append([]any(nil), args...), cursor, eachPage)
		rows, err := s.query(ctx, page, pageArgs...)
		if err != nil {
			return nil, err
		}
		n := 0
		for rows.Next() {
			var custom string
			if err := rows.Scan(&cursor, &custom); err != nil {
				rows.Close()
				return nil, err
			}
			var m map[string]string
			if err := json.Unmarshal([]byte(custom), &m); err != nil {
				rows.Close()
				return nil, fmt.Errorf("lead %s custom fields: %w", cursor, err)
			}
			for k := range m {
				keys[k] = true
			}
			n++
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if n < eachPage {
			return slices.Sorted(maps.Keys(keys)), nil
		}
	}
}
