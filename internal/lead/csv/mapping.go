package csv

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/leadbitz/leadbitz/internal/lead/field"
)

// Mapping says where each CSV column goes. Keys are column names as in the
// header (trimmed; an empty header cell is named "col_N", N counting from
// 1). Values are field names as field.ByName reads them: a standard field
// ("firstName"), field.FullName, "custom.<key>", or "" to ignore the
// column. It is the `mapping` of POST /api/leads/import.
//
// Columns that share a name share one entry. When several columns end up
// in the same field, the first of them (left to right) with a non-empty
// cell gives the row's value, so "Mobile Phone" and "Corporate Phone" can
// both be mapped to phone, the mobile number preferred.
type Mapping map[string]string

// Errors about the header and the mapping. NewReader returns them
// before reading any row.
var (
	// ErrBadMapping: an explicit mapping names a column the header does not
	// have, or a field that does not exist.
	ErrBadMapping = errors.New("invalid mapping")
	// ErrNoEmailColumn: no column is, or is mapped to, the email field.
	ErrNoEmailColumn = errors.New("no email column")
	// ErrTooManyColumns: more columns would become custom fields than a
	// lead may have (field.MaxCustomFields).
	ErrTooManyColumns = errors.New("too many columns")
)

// A column's target is the field.Field its values go to: a standard field,
// field.FullName or a custom key; the zero Field (ignore) drops the column.
var ignore field.Field

// The targets that detection treats specially.
var (
	email     = mustField(field.Email)
	firstName = mustField(field.FirstName)
	lastName  = mustField(field.LastName)
	fullName  = mustField(field.FullName)
)

// mustField resolves a name known to be valid.
func mustField(name string) field.Field {
	fd, err := field.ByName(name)
	if err != nil {
		panic("csv: " + err.Error())
	}
	return fd
}

// customTarget is the target of a custom key that detection made. Every
// key it makes is valid (FuzzDetectMapping checks it); if one ever is not,
// the column keeps its position name col_N rather than losing its data.
func customTarget(k string, col int) field.Field {
	if fd, err := field.ByName(field.CustomPrefix + k); err == nil {
		return fd
	}
	return mustField(field.CustomPrefix + "col_" + strconv.Itoa(col+1))
}

// DetectMapping proposes a mapping for a header row, the one an import
// without an explicit mapping uses, so a UI can show it before the import
// starts. It recognises the column names of common exports (see
// headerAliases): each standard field goes to the best-ranked column that
// names it, the other columns become custom fields keyed by snakeKey of
// their name ("Company Name for Emails" → custom.company_name_for_emails).
// A header "custom.<key>", as our own export writes, maps to that key. When
// no column is named like an email column, the first column whose name
// mentions mail (and not "status", "sent", "verified"…) is taken. A column
// named just "Name" becomes fullName, or lastName when a first-name column
// exists and a last-name one does not (the German Vorname/Name pair).
func DetectMapping(header []string) Mapping {
	_, m, _ := resolve(headerNames(header), nil, false)
	return m
}

// resolve decides the target of every column: explicit entries first, the
// others detected, never taking a standard field an explicit entry took.
// It returns one target per column and the effective Mapping. On
// ErrTooManyColumns and ErrNoEmailColumn it still returns both, for Preview.
func resolve(names []string, explicit Mapping, requireEmail bool) ([]field.Field, Mapping, error) {
	first := make(map[string]int, len(names))
	var uniq []string
	for i, n := range names {
		if _, ok := first[n]; !ok {
			first[n] = i
			uniq = append(uniq, n)
		}
	}

	byName := make(map[string]field.Field, len(uniq))
	taken := make(map[field.Field]bool)
	usedKeys := make(map[string]bool)
	for _, col := range slices.Sorted(maps.Keys(explicit)) {
		name := field.TrimSpace(col)
		if _, ok := first[name]; !ok {
			return nil, nil, fmt.Errorf("%w: column %q is not in the file's header (%s)",
				ErrBadMapping, field.Truncate(col, 60), quoteList(uniq))
		}
		t := ignore
		if to := field.TrimSpace(explicit[col]); to != "" {
			fd, err := field.ByName(to)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: column %q: %w", ErrBadMapping, name, err)
			}
			t = fd
		}
		byName[name] = t
		switch {
		case t.IsCustom():
			usedKeys[t.CustomKey()] = true
		case t != ignore:
			taken[t] = true
		}
	}

	var free []string
	for _, n := range uniq {
		if _, ok := byName[n]; !ok {
			free = append(free, n)
		}
	}
	for i, t := range detect(free, first, taken, usedKeys) {
		byName[free[i]] = t
	}

	plan := make([]field.Field, len(names))
	for i, n := range names {
		plan[i] = byName[n]
	}
	m := make(Mapping, len(uniq))
	keys := make(map[string]bool)
	for _, n := range uniq {
		t := byName[n]
		m[n] = t.Name()
		if t.IsCustom() {
			keys[t.CustomKey()] = true
		}
	}
	if len(keys) > field.MaxCustomFields {
		return plan, m, fmt.Errorf("%w: %d columns would become custom fields, at most %d are allowed; map the ones you do not need to \"\" to ignore them",
			ErrTooManyColumns, len(keys), field.MaxCustomFields)
	}
	if requireEmail && !slices.Contains(plan, email) {
		return plan, m, fmt.Errorf("%w: no column looks like an email address column (columns: %s); name one \"email\" or map it to \"email\"",
			ErrNoEmailColumn, quoteList(uniq))
	}
	return plan, m, nil
}

// detect chooses targets for the columns named cols (unique names, in
// header order; first gives each name's column index), skipping standard
// fields already taken and custom keys already used. It updates both.
func detect(cols []string, first map[string]int, taken map[field.Field]bool, usedKeys map[string]bool) []field.Field {
	res := make([]field.Field, len(cols))
	done := make([]bool, len(cols))
	folded := make([]string, len(cols))
	type candidate struct {
		col, rank int
		field     field.Field
	}
	var cands []candidate
	for i, n := range cols {
		if k, ok := customHeaderKey(n); ok {
			res[i], done[i] = customTarget(k, first[n]), true
			usedKeys[k] = true
			continue
		}
		folded[i] = foldKey(n)
		if a, ok := headerAliases[folded[i]]; ok {
			cands = append(cands, candidate{col: i, rank: a.rank, field: a.field})
		}
	}
	slices.SortStableFunc(cands, func(a, b candidate) int { return cmp.Compare(a.rank, b.rank) })
	for _, c := range cands {
		if !taken[c.field] {
			taken[c.field] = true
			res[c.col], done[c.col] = c.field, true
		}
	}
	if !taken[email] {
		for i := range cols {
			if !done[i] && mentionsEmail(folded[i]) {
				taken[email] = true
				res[i], done[i] = email, true
				break
			}
		}
	}
	for i := range cols {
		if done[i] || folded[i] != "name" {
			continue
		}
		switch {
		case taken[firstName] && !taken[lastName]:
			taken[lastName] = true
			res[i], done[i] = lastName, true
		case !taken[firstName] && !taken[lastName] && !taken[fullName]:
			taken[fullName] = true
			res[i], done[i] = fullName, true
		}
	}
	for i, n := range cols {
		if done[i] {
			continue
		}
		k := snakeKey(n)
		if k == "" {
			k = "col_" + strconv.Itoa(first[n]+1)
		}
		k = uniqueKey(k, usedKeys)
		usedKeys[k] = true
		res[i] = customTarget(k, first[n])
	}
	return res
}

// customHeaderKey reads a "custom.<key>" header, as Leadbitz's own export
// writes them, so an export imports back into the same keys.
func customHeaderKey(name string) (string, bool) {
	if len(name) <= len(field.CustomPrefix) || !strings.EqualFold(name[:len(field.CustomPrefix)], field.CustomPrefix) {
		return "", false
	}
	k := name[len(field.CustomPrefix):]
	if fd, err := field.ByName(field.CustomPrefix + k); err == nil && fd.IsCustom() {
		return k, true
	}
	if k = snakeKey(k); k != "" {
		return k, true
	}
	return "", false
}

// mentionsEmail reports a folded header that names an email column without
// being a known alias ("Email Address (Work)", "Mail Pro").
func mentionsEmail(folded string) bool {
	if !strings.Contains(folded, "mail") && !strings.Contains(folded, "courriel") && !strings.Contains(folded, "correo") {
		return false
	}
	for _, w := range emailHeaderWords {
		if strings.Contains(folded, w) {
			return false
		}
	}
	return true
}

// uniqueKey returns k, or k_2, k_3… if k is already used.
func uniqueKey(k string, used map[string]bool) string {
	if !used[k] {
		return k
	}
	for n := 2; ; n++ {
		suffix := "_" + strconv.Itoa(n)
		base := k
		if len(base)+len(suffix) > field.MaxCustomKeyLen {
			base = strings.ToValidUTF8(base[:field.MaxCustomKeyLen-len(suffix)], "")
		}
		if c := base + suffix; !used[c] {
			return c
		}
	}
}

// quoteList renders column names for an error message, at most ten.
func quoteList(names []string) string {
	const max = 10
	q := make([]string, 0, max+1)
	for i, n := range names {
		if i == max {
			q = append(q, fmt.Sprintf("and %d more", len(names)-max))
			break
		}
		q = append(q, strconv.Quote(field.Truncate(n, 40)))
	}
	return strings.Join(q, ", ")
}
