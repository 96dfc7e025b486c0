package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// Suppression kinds and reasons.
const (
	SuppressEmail     = "email"
	SuppressDomain    = "domain"
	SuppressEmailHash = "email_hash"

	ReasonUnsubscribe = "unsubscribe"
	ReasonBounce      = "bounce"
	ReasonComplaint   = "complaint"
	ReasonManual      = "manual"
	ReasonErasure     = "erasure"
)

// Suppression keeps an address or a whole domain from ever being emailed by
// the workspace. Erased people are kept only as a one-way hash.
type Suppression struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Value     string    `json:"value"`
	Reason    string    `json:"reason"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"createdAt"`
}

// EmailHash is the one-way hash an erased address is suppressed by.
func EmailHash(email string) string {
	sum := sha256.Sum256([]byte("leadbitz-suppression:" + strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:])
}

// AddSuppression suppresses an address, domain or hash. Adding one that
// exists is not an error: the existing entry is returned and kept as it was.
func (s Scope) AddSuppression(ctx context.Context, sup *Suppression) (created bool, err error) {
	if sup.ID == "" {
		sup.ID = NewID()
	}
	sup.CreatedAt = s.now()
	res, err := s.exec(ctx, `INSERT INTO suppressions (id, workspace_id, kind, value, reason, source, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, kind, value) DO NOTHING`,
		sup.ID, s.ws, sup.Kind, sup.Value, sup.Reason, sup.Source, sup.CreatedAt)
	if err != nil {
		return false, s.d.translate(err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	existing, err := scanSuppression(s.queryRow(ctx, `SELECT id, kind, value, reason, source, created_at FROM suppressions
		WHERE workspace_id = ? AND kind = ? AND value = ?`, s.ws, sup.Kind, sup.Value))
	*sup = existing
	return false, err
}

func scanSuppression(row interface{ Scan(...any) error }) (Suppression, error) {
	var sup Suppression
	err := row.Scan(&sup.ID, &sup.Kind, &sup.Value, &sup.Reason, &sup.Source, &sup.CreatedAt)
	return sup, notFound(err)
}

// ErrSuppressed is returned by code that refuses to write to a suppressed
// address.
var ErrSuppressed = errors.New("address is suppressed")

// Suppressed is the one question every place that could send asks: is this
// address suppressed in the workspace, by itself, by its domain (or a parent
// domain: "acme.com" covers "eu.acme.com"), or as an erased person? It
// returns the matching entry when it is. SuppressedAmong asks the same
// question of many addresses at once; both share one rule (suppressionMatch).
func (s Scope) Suppressed(ctx context.Context, email string) (Suppression, bool, error) {
	found, err := s.SuppressedAmong(ctx, []string{email})
	if err != nil {
		return Suppression{}, false, err
	}
	sup, ok := found[email]
	return sup, ok, nil
}

// SuppressedAmong answers Suppressed for many addresses in one query per
// chunk (an import asks it once per batch). The result maps each suppressed
// address, as given, to the oldest entry that suppresses it.
func (s Scope) SuppressedAmong(ctx context.Context, emails []string) (map[string]Suppression, error) {
	found := make(map[string]Suppression)
	err := chunks(emails, batchChunk, func(part []string) error {
		keys := make([]suppressionKeys, len(part))
		var addrs, domains, hashes []any
		seenDomain := map[string]bool{}
		for i, e := range part {
			keys[i] = keysOf(e)
			addrs = append(addrs, keys[i].email)
			hashes = append(hashes, keys[i].hash)
			for _, d := range keys[i].domains {
				if !seenDomain[d] {
					seenDomain[d] = true
					domains = append(domains, d)
				}
			}
		}
		args := append(append(append([]any{s.ws}, addrs...), domains...), hashes...)
		q := `SELECT id, kind, value, reason, source, created_at FROM suppressions WHERE workspace_id = ? AND (
			(kind = 'email' AND value IN (` + marks(len(addrs)) + `))`
		if len(domains) > 0 {
			q += ` OR (kind = 'domain' AND value IN (` + marks(len(domains)) + `))`
		}
		q += ` OR (kind = 'email_hash' AND value IN (` + marks(len(hashes)) + `)))`
		rows, err := s.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		entries := map[[2]string]Suppression{}
		for rows.Next() {
			sup, err := scanSuppression(rows)
			if err != nil {
				return err
			}
			entries[[2]string{sup.Kind, sup.Value}] = sup
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(entries) == 0 {
			return nil
		}
		for i, e := range part {
			if sup, ok := keys[i].match(entries); ok {
				found[e] = sup
			}
		}
		return nil
	})
	return found, err
}

// suppressionKeys are the entries that would suppress one address.
type suppressionKeys struct {
	email   string
	domains []string // the domain and its parents, down to two labels
	hash    string
}

func keysOf(email string) suppressionKeys {
	email = strings.ToLower(strings.TrimSpace(email))
	k := suppressionKeys{email: email, hash: EmailHash(email)}
	domain := email[strings.LastIndexByte(email, '@')+1:]
	for domain != "" {
		k.domains = append(k.domains, domain)
		dot := strings.IndexByte(domain, '.')
		if dot < 0 || !strings.Contains(domain[dot+1:], ".") {
			break
		}
		domain = domain[dot+1:]
	}
	return k
}

// match is the suppression rule: the oldest of the entries naming the
// address, its domain or a parent domain, or its erased-person hash.
func (k suppressionKeys) match(entries map[[2]string]Suppression) (Suppression, bool) {
	var best Suppression
	ok := false
	consider := func(kind, value string) {
		if sup, hit := entries[[2]string{kind, value}]; hit && (!ok || sup.CreatedAt.Before(best.CreatedAt)) {
			best, ok = sup, true
		}
	}
	consider(SuppressEmail, k.email)
	for _, d := range k.domains {
		consider(SuppressDomain, d)
	}
	consider(SuppressEmailHash, k.hash)
	return best, ok
}

// marks returns "?, ?, …" for n values: the one placeholder builder of the
// store (rebind turns each "?" into "$n" on Postgres).
func marks(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// SuppressionQuery selects suppressions for a list.
type SuppressionQuery struct {
	Search string // substring of the address or domain
	Kind   string
	Cursor string // a suppression id: list older entries
	Limit  int
}

// Suppressions lists the workspace's entries newest first, up to Limit+1.
func (s Scope) Suppressions(ctx context.Context, q SuppressionQuery) ([]Suppression, error) {
	query := `SELECT id, kind, value, reason, source, created_at FROM suppressions WHERE workspace_id = ?`
	args := []any{s.ws}
	if q.Kind != "" {
		query += ` AND kind = ?`
		args = append(args, q.Kind)
	}
	if v := strings.ToLower(strings.TrimSpace(q.Search)); v != "" {
		query += ` AND kind <> 'email_hash' AND value LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscaper.Replace(v)+"%")
	}
	if q.Cursor != "" {
		query += ` AND id < ?`
		args = append(args, q.Cursor)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, q.Limit+1)
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, scanSuppression)
}

// Suppression returns one entry.
func (s Scope) Suppression(ctx context.Context, id string) (Suppression, error) {
	return scanSuppression(s.queryRow(ctx, `SELECT id, kind, value, reason, source, created_at FROM suppressions
		WHERE id = ? AND workspace_id = ?`, id, s.ws))
}

// RemoveSuppression deletes one entry.
func (s Scope) RemoveSuppression(ctx context.Context, id string) error {
	return s.execOne(ctx, `DELETE FROM suppressions WHERE id = ? AND workspace_id = ?`, id, s.ws)
}

// AddSuppressions adds many entries, one statement per chunk; entries that
// exist are kept as they were. It returns how many were new.
func (s Scope) AddSuppressions(ctx context.Context, sups []Suppression) (added int, err error) {
	list, err := s.AddNewSuppressions(ctx, sups)
	return len(list), err
}

// AddNewSuppressions is AddSuppressions returning the entries that were new
// (the caller reports them: lead.suppressed).
func (s Scope) AddNewSuppressions(ctx context.Context, sups []Suppression) ([]Suppression, error) {
	t := s.now()
	var added []Suppression
	err := chunks(sups, batchChunk, func(part []Suppression) error {
		args := make([]any, 0, len(part)*7)
		for i := range part {
			sup := &part[i]
			if sup.ID == "" {
				sup.ID = NewID()
			}
			sup.CreatedAt = t
			args = append(args, sup.ID, s.ws, sup.Kind, sup.Value, sup.Reason, sup.Source, t)
		}
		rows, err := s.query(ctx, `INSERT INTO suppressions (id, workspace_id, kind, value, reason, source, created_at)
			VALUES `+valuesList(len(part), 7)+` ON CONFLICT (workspace_id, kind, value) DO NOTHING
			RETURNING id, kind, value, reason, source, created_at`, args...)
		if err != nil {
			return s.d.translate(err)
		}
		list, err := collectRows(rows, func(r rowScanner) (Suppression, error) { return scanSuppression(r) })
		added = append(added, list...)
		return s.d.translate(err)
	})
	return added, err
}
