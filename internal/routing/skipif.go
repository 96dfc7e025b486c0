package routing

import (
	"fmt"
	"strings"

	"github.com/leadbitz/leadbitz/internal/template"
)

// SkipIf is a step's condition: when it holds as the step falls due, the
// step is skipped and the lead moves on to the next one.
//
//	{"field": "company", "op": "empty"}
//	{"field": "title", "op": "equals", "value": "CEO"}
//	{"field": "custom.plan", "op": "contains", "value": "enterprise"}
//	{"op": "replied_elsewhere"}  (the lead replied in another campaign)
type SkipIf struct {
	Field string `json:"field,omitempty"`
	Op    string `json:"op"`
	Value string `json:"value,omitempty"`
}

// Condition operators.
const (
	OpEmpty            = "empty"
	OpEquals           = "equals"
	OpContains         = "contains"
	OpRepliedElsewhere = "replied_elsewhere"
)

// standardFields are the lead fields a condition may read (the API's
// spelling); custom.<key> reads an imported column.
var standardFields = []string{"email", "firstName", "lastName", "company", "title", "website", "linkedinUrl", "phone"}

// Check returns what is wrong with a condition, by field name ("" when
// nothing is): the caller prefixes its own key, e.g. steps[2].skipIf.
func (c SkipIf) Check() (field, msg string) {
	switch c.Op {
	case OpRepliedElsewhere:
		return "", ""
	case OpEmpty, OpEquals, OpContains:
	default:
		return "op", "must be one of empty, equals, contains, replied_elsewhere"
	}
	if !validField(c.Field) {
		return "field", "must be one of " + strings.Join(standardFields, ", ") + " or custom.<column>"
	}
	if c.Op != OpEmpty && strings.TrimSpace(c.Value) == "" {
		return "value", "is required for " + c.Op
	}
	if len(c.Value) > 500 {
		return "value", "must be at most 500 characters"
	}
	return "", ""
}

func validField(f string) bool {
	if k, ok := strings.CutPrefix(f, "custom."); ok {
		return strings.TrimSpace(k) != ""
	}
	for _, s := range standardFields {
		if s == f {
			return true
		}
	}
	return false
}

// fieldValue reads a condition's field of a lead, trimmed.
func fieldValue(d template.Data, f string) string {
	if k, ok := strings.CutPrefix(f, "custom."); ok {
		if v, ok := d.Custom[k]; ok {
			return strings.TrimSpace(v)
		}
		for key, v := range d.Custom {
			if strings.EqualFold(key, k) {
				return strings.TrimSpace(v)
			}
		}
		return ""
	}
	m := map[string]string{"email": d.Email, "firstName": d.FirstName, "lastName": d.LastName, "company": d.Company,
		"title": d.Title, "website": d.Website, "linkedinUrl": d.LinkedInURL, "phone": d.Phone}
	return strings.TrimSpace(m[f])
}

// Skip reports whether the condition holds for a lead, and why in words
// ("company is empty"). Comparisons ignore case.
func Skip(c *SkipIf, d template.Data, repliedElsewhere bool) (bool, string) {
	if c == nil {
		return false, ""
	}
	switch c.Op {
	case OpRepliedElsewhere:
		return repliedElsewhere, "the lead replied in another campaign"
	case OpEmpty:
		return fieldValue(d, c.Field) == "", c.Field + " is empty"
	case OpEquals:
		return strings.EqualFold(fieldValue(d, c.Field), strings.TrimSpace(c.Value)),
			fmt.Sprintf("%s equals %q", c.Field, c.Value)
	case OpContains:
		return strings.Contains(strings.ToLower(fieldValue(d, c.Field)), strings.ToLower(strings.TrimSpace(c.Value))),
			fmt.Sprintf("%s contains %q", c.Field, c.Value)
	}
	return false, ""
}

// SkipDetail is what explain and the job's record say of a skipped step:
// "step 3 skipped: company is empty".
func SkipDetail(position int, routes []Route, why string) string {
	return StepLabel(position, routes) + " skipped: " + why
}
