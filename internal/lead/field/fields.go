package field

import (
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Standard field names. They are the JSON names of the API's leads and the names used
// in mappings, in provenance records and in MergeFields' changed list. A
// custom field is named CustomPrefix + key ("custom.icebreaker").
const (
	Email       = "email"
	FirstName   = "firstName"
	LastName    = "lastName"
	Company     = "company"
	Title       = "title"
	Website     = "website"
	LinkedinURL = "linkedinUrl"
	Phone       = "phone"
	Timezone    = "timezone"
	Country     = "country"

	// FullName is a mapping target, not a stored field: a column of
	// whole names ("Ada Lovelace", or "Lovelace, Ada") is split into
	// firstName (first word) and lastName (the rest). It is used only when
	// the row has no firstName and no lastName of its own.
	FullName = "fullName"

	// CustomPrefix starts the name of a custom field.
	CustomPrefix = "custom."
)

// MaxCustomKeyLen is the longest custom key, in bytes.
const MaxCustomKeyLen = 64

// ErrUnknown is wrapped by ByName for a name that is neither a
// standard field nor a valid custom.<key>.
var ErrUnknown = errors.New("unknown lead field")

// Fields holds the values of one lead. Empty strings mean "no value"; Custom
// holds only non-empty values. The JSON names are those of the API's leads.
type Fields struct {
	Email       string            `json:"email"`
	FirstName   string            `json:"firstName,omitempty"`
	LastName    string            `json:"lastName,omitempty"`
	Company     string            `json:"company,omitempty"`
	Title       string            `json:"title,omitempty"`
	Website     string            `json:"website,omitempty"`
	LinkedinURL string            `json:"linkedinUrl,omitempty"`
	Phone       string            `json:"phone,omitempty"`
	Timezone    string            `json:"timezone,omitempty"`
	Country     string            `json:"country,omitempty"`
	Custom      map[string]string `json:"custom,omitempty"`
}

// fieldID enumerates the standard fields in display order, then the
// mapping-only targets.
type fieldID uint8

const (
	fEmail fieldID = iota
	fFirstName
	fLastName
	fCompany
	fTitle
	fWebsite
	fLinkedinURL
	fPhone
	fTimezone
	fCountry
	numStandard // count of stored standard fields

	fFullName = numStandard
	fCustom   = numStandard + 1
	fIgnore   = numStandard + 2
)

var standardNames = [numStandard + 1]string{
	fEmail:       Email,
	fFirstName:   FirstName,
	fLastName:    LastName,
	fCompany:     Company,
	fTitle:       Title,
	fWebsite:     Website,
	fLinkedinURL: LinkedinURL,
	fPhone:       Phone,
	fTimezone:    Timezone,
	fCountry:     Country,
	fFullName:    FullName,
}

// StandardFields returns the names of the stored standard fields in display
// order: the column order of an export.
func StandardFields() []string {
	return slices.Clone(standardNames[:numStandard])
}

// ptr returns the address of a standard field's value in f.
func (f *Fields) ptr(id fieldID) *string {
	switch id {
	case fEmail:
		return &f.Email
	case fFirstName:
		return &f.FirstName
	case fLastName:
		return &f.LastName
	case fCompany:
		return &f.Company
	case fTitle:
		return &f.Title
	case fWebsite:
		return &f.Website
	case fLinkedinURL:
		return &f.LinkedinURL
	case fPhone:
		return &f.Phone
	case fTimezone:
		return &f.Timezone
	case fCountry:
		return &f.Country
	}
	return nil
}

// Clone returns a copy of f that shares no map with it.
func (f Fields) Clone() Fields {
	f.Custom = maps.Clone(f.Custom)
	return f
}

// All yields the name and value of every non-empty field: standard fields
// in display order, then custom fields ("custom.<key>") by key. It is what
// provenance records iterate over.
func (f Fields) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for id := range numStandard {
			if v := *f.ptr(id); v != "" && !yield(standardNames[id], v) {
				return
			}
		}
		for _, k := range slices.Sorted(maps.Keys(f.Custom)) {
			if v := f.Custom[k]; v != "" && !yield(CustomPrefix+k, v) {
				return
			}
		}
	}
}

// Field names one value of a lead: a standard field, a custom key, or the
// mapping-only FullName. The zero Field is not valid; get one from
// ByName.
type Field struct {
	id  fieldID
	key string
	ok  bool
}

// ByName resolves a field name as used in mappings and provenance:
// a standard name (case-insensitive; "_", "-" and spaces ignored, so
// "first_name" and "First Name" are firstName), FullName, or
// "custom.<key>" where key is 1 to MaxCustomKeyLen bytes of letters, digits,
// "_" and "-" (kept exactly as written).
func ByName(name string) (Field, error) {
	name = strings.TrimSpace(name)
	if len(name) >= len(CustomPrefix) && strings.EqualFold(name[:len(CustomPrefix)], CustomPrefix) {
		key := name[len(CustomPrefix):]
		if err := checkCustomKey(key); err != nil {
			return Field{}, fmt.Errorf("%w: %q: %w", ErrUnknown, name, err)
		}
		return Field{id: fCustom, key: key, ok: true}, nil
	}
	folded := strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', ' ':
			return -1
		}
		return r
	}, name)
	for id, n := range standardNames {
		if strings.EqualFold(folded, n) {
			return Field{id: fieldID(id), ok: true}, nil
		}
	}
	return Field{}, fmt.Errorf("%w: %q (want one of %s, %s or custom.<key>)",
		ErrUnknown, name, strings.Join(standardNames[:numStandard], ", "), FullName)
}

// Name returns the canonical name: "firstName", "fullName" or
// "custom.<key>".
func (fd Field) Name() string {
	switch {
	case !fd.ok:
		return ""
	case fd.id == fCustom:
		return CustomPrefix + fd.key
	default:
		return standardNames[fd.id]
	}
}

// IsCustom reports whether fd is a custom field.
func (fd Field) IsCustom() bool { return fd.ok && fd.id == fCustom }

// CustomKey returns the key of a custom field, or "".
func (fd Field) CustomKey() string { return fd.key }

// Get returns fd's value in f. For FullName it is the first and last
// names joined by a space.
func (fd Field) Get(f Fields) string {
	switch {
	case !fd.ok:
		return ""
	case fd.id == fCustom:
		return f.Custom[fd.key]
	case fd.id == fFullName:
		return strings.TrimSpace(f.FirstName + " " + f.LastName)
	default:
		return *f.ptr(fd.id)
	}
}

// Set stores v as fd's value in f, unchanged (normalise afterwards with
// Normalize). An empty v removes a custom key. For FullName it splits v
// into first and last name.
func (fd Field) Set(f *Fields, v string) {
	switch {
	case !fd.ok:
	case fd.id == fCustom:
		if v == "" {
			delete(f.Custom, fd.key)
			return
		}
		if f.Custom == nil {
			f.Custom = make(map[string]string)
		}
		f.Custom[fd.key] = v
	case fd.id == fFullName:
		f.FirstName, f.LastName = SplitFullName(v)
	default:
		*f.ptr(fd.id) = v
	}
}

// SplitFullName splits a person's whole name into first and last name: the
// first word and the rest ("Ada King Lovelace" → "Ada", "King Lovelace"), or,
// when the name has a comma, the part after it and the part before it
// ("Lovelace, Ada" → "Ada", "Lovelace"), the order of many CRM exports.
func SplitFullName(s string) (first, last string) {
	s = collapseSpace(s)
	if before, after, ok := strings.Cut(s, ","); ok {
		return collapseSpace(after), collapseSpace(before)
	}
	first, last, _ = strings.Cut(s, " ")
	return first, last
}

// checkCustomKey reports why key cannot name a custom field: template tags
// ({{custom.key}}) and spreadsheet headers must be able to spell it.
func checkCustomKey(key string) error {
	if key == "" {
		return errors.New("custom key is empty")
	}
	if len(key) > MaxCustomKeyLen {
		return fmt.Errorf("custom key is longer than %d bytes", MaxCustomKeyLen)
	}
	for _, r := range key {
		if !isKeyRune(r) {
			return fmt.Errorf("custom key may use letters, digits, _ and - only, not %q", r)
		}
	}
	return nil
}

// isKeyRune reports the characters a custom key may use.
func isKeyRune(r rune) bool {
	return r == '_' || r == '-' || r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
