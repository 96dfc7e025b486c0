package gmailfake

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// query is a parsed Gmail search: every term must match.
type query struct {
	anywhere bool
	terms    []func(*message) bool
}

func (q query) matches(m *message) bool {
	for _, t := range q.terms {
		if !t(m) {
			return false
		}
	}
	return true
}

// parseQuery understands the operators clients of this project use: in:,
// label:, rfc822msgid:, newer_than:, older_than:, from:, to:, subject: and
// bare words (searched in the whole message). Other operators are rejected
// so a client typo fails loudly instead of matching everything.
func parseQuery(q string, now time.Time) (query, error) {
	var out query
	for _, term := range strings.Fields(q) {
		op, val, hasOp := strings.Cut(term, ":")
		if !hasOp || val == "" {
			word := strings.ToLower(term)
			out.terms = append(out.terms, func(m *message) bool { return strings.Contains(strings.ToLower(string(m.raw)), word) })
			continue
		}
		switch strings.ToLower(op) {
		case "in", "label":
			if strings.EqualFold(val, "anywhere") {
				out.anywhere = true
				continue
			}
			label := strings.ToUpper(val)
			out.terms = append(out.terms, func(m *message) bool { return slices.Contains(m.labels, label) })
		case "rfc822msgid":
			id := "<" + strings.Trim(val, "<>") + ">"
			out.terms = append(out.terms, func(m *message) bool { return m.header.Get("Message-Id") == id })
		case "newer_than", "older_than":
			t, ok := timeAgo(now, strings.ToLower(val))
			if !ok {
				return query{}, fmt.Errorf("bad term %s", term)
			}
			newer := strings.EqualFold(op, "newer_than")
			out.terms = append(out.terms, func(m *message) bool { return m.internalDate.After(t) == newer })
		case "from", "to", "subject":
			field, want := op, strings.ToLower(val)
			out.terms = append(out.terms, func(m *message) bool {
				return strings.Contains(strings.ToLower(m.header.Get(field)), want)
			})
		default:
			return query{}, fmt.Errorf("unsupported operator %s", op)
		}
	}
	return out, nil
}
