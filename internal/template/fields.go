package template

import (
	"slices"
	"strings"
)

// Data is what a template can read about one lead. Values are used trimmed
// of surrounding spaces; a value that is empty after trimming counts as
// missing.
type Data struct {
	Email       string
	FirstName   string
	LastName    string
	Company     string
	Title       string
	Website     string
	LinkedInURL string
	Phone       string
	// Custom holds imported columns, read by {{custom.key}}.
	Custom map[string]string
}

// field names a standard lead field, or custom for {{custom.key}}.
type field int

const (
	fieldCustom field = iota
	fieldEmail
	fieldFirstName
	fieldLastName
	fieldCompany
	fieldTitle
	fieldWebsite
	fieldLinkedInURL
	fieldPhone
)

// canonicalNames is how Tags and errors spell each standard field: the
// spelling of the API's lead fields.
var canonicalNames = map[field]string{
	fieldEmail:       "email",
	fieldFirstName:   "firstName",
	fieldLastName:    "lastName",
	fieldCompany:     "company",
	fieldTitle:       "title",
	fieldWebsite:     "website",
	fieldLinkedInURL: "linkedinUrl",
	fieldPhone:       "phone",
}

// fieldByName maps a name lower-cased and stripped of underscores to its
// field. companyname is accepted because other tools' templates use it.
var fieldByName = map[string]field{
	"email":       fieldEmail,
	"firstname":   fieldFirstName,
	"lastname":    fieldLastName,
	"company":     fieldCompany,
	"companyname": fieldCompany,
	"title":       fieldTitle,
	"website":     fieldWebsite,
	"linkedinurl": fieldLinkedInURL,
	"phone":       fieldPhone,
}

// lookupField resolves a tag name (already trimmed) to a field and, for
// custom fields, the key. ok is false for an unknown name.
func lookupField(name string) (f field, key string, ok bool) {
	if len(name) > len("custom.") && strings.EqualFold(name[:len("custom.")], "custom.") {
		key = strings.TrimSpace(name[len("custom."):])
		return fieldCustom, key, key != ""
	}
	f, ok = fieldByName[strings.ReplaceAll(strings.ToLower(name), "_", "")]
	return f, "", ok
}

// value returns the trimmed value of a field for d.
func (d *Data) value(f field, key string) string {
	var v string
	switch f {
	case fieldEmail:
		v = d.Email
	case fieldFirstName:
		v = d.FirstName
	case fieldLastName:
		v = d.LastName
	case fieldCompany:
		v = d.Company
	case fieldTitle:
		v = d.Title
	case fieldWebsite:
		v = d.Website
	case fieldLinkedInURL:
		v = d.LinkedInURL
	case fieldPhone:
		v = d.Phone
	case fieldCustom:
		v = d.custom(key)
	}
	return strings.TrimSpace(v)
}

// custom looks key up exactly, then case-insensitively. When several keys
// differ only by case, the smallest one wins so the answer is stable.
func (d *Data) custom(key string) string {
	if v, ok := d.Custom[key]; ok {
		return v
	}
	var found []string
	for k := range d.Custom {
		if strings.EqualFold(k, key) {
			found = append(found, k)
		}
	}
	if len(found) == 0 {
		return ""
	}
	return d.Custom[slices.Min(found)]
}
