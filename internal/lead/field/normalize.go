package field

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits on one lead's values. They keep a single hostile or broken cell
// from bloating a row, a page of results or an export.
const (
	MaxTextLen        = 500   // runes in a name, company, title or country
	MaxCustomValueLen = 10000 // bytes in one custom value
	MaxCustomFields   = 200   // custom keys on one lead
)

// Normalize returns f with every field in its canonical form (see
// NormalizeEmail, NormalizeName, NormalizeText, NormalizeWebsite,
// NormalizeLinkedinURL, NormalizePhone, NormalizeTimezone,
// NormalizeCountry; custom values trimmed, empty ones removed). When some
// values are invalid it returns Errors, one per field in standard
// order then custom keys, and clears those values in the returned Fields.
// A missing or invalid Email is always an error.
//
// The API uses it as is (422 with Errors.ByField); the import reader
// rejects a row only for its email and keeps the row without the other
// invalid values, reporting them as Row.Warnings.
func Normalize(f Fields) (Fields, error) {
	out, errs := normalize(f)
	if len(errs) > 0 {
		return out, errs
	}
	return out, nil
}

// Validate reports whether f, normalised, is a lead that can be stored: nil,
// or Errors (errors.As with a *Error gives the first problem).
func Validate(f Fields) error {
	_, err := Normalize(f)
	return err
}

func normalize(f Fields) (Fields, Errors) {
	var errs Errors
	fail := func(dst *string, err error) {
		*dst = ""
		if fe := asFieldError(err); fe != nil {
			errs = append(errs, fe)
		}
	}
	var err error
	if f.Email, err = NormalizeEmail(f.Email); err != nil {
		fail(&f.Email, err)
	}
	f.FirstName = checkLen(NormalizeName(f.FirstName), FirstName, &errs)
	f.LastName = checkLen(NormalizeName(f.LastName), LastName, &errs)
	f.Company = checkLen(NormalizeText(f.Company), Company, &errs)
	f.Title = checkLen(NormalizeText(f.Title), Title, &errs)
	if f.Website, err = NormalizeWebsite(f.Website); err != nil {
		fail(&f.Website, err)
	}
	if f.LinkedinURL, err = NormalizeLinkedinURL(f.LinkedinURL); err != nil {
		fail(&f.LinkedinURL, err)
	}
	if f.Phone, err = NormalizePhone(f.Phone); err != nil {
		fail(&f.Phone, err)
	}
	if f.Timezone, err = NormalizeTimezone(f.Timezone); err != nil {
		fail(&f.Timezone, err)
	}
	f.Country = checkLen(NormalizeCountry(f.Country), Country, &errs)
	f.Custom = normalizeCustom(f.Custom, &errs)
	return f, errs
}

// checkLen returns v, or "" with an error when v is longer than MaxTextLen.
func checkLen(v, field string, errs *Errors) string {
	if len(v) > MaxTextLen && utf8.RuneCountInString(v) > MaxTextLen {
		*errs = append(*errs, fieldErr(field, fmt.Sprintf("is longer than %d characters", MaxTextLen)))
		return ""
	}
	return v
}

// normalizeCustom trims custom values and drops empty ones and invalid
// entries. It returns m itself when nothing changes, so the import reader's
// per-row maps are not copied.
func normalizeCustom(m map[string]string, errs *Errors) map[string]string {
	if len(m) == 0 {
		return nil
	}
	var out map[string]string // copy-on-write
	set := func(k, v string, keep bool) {
		if out == nil {
			out = maps.Clone(m)
		}
		if keep {
			out[k] = v
		} else {
			delete(out, k)
		}
	}
	var custErrs Errors
	for k, v := range m {
		if err := checkCustomKey(k); err != nil {
			custErrs = append(custErrs, fieldErr(CustomPrefix+strings.ToValidUTF8(Truncate(k, MaxCustomKeyLen), "?"), err.Error()))
			set(k, "", false)
			continue
		}
		t := TrimSpace(v)
		switch {
		case t == "":
			set(k, "", false)
		case len(t) > MaxCustomValueLen:
			custErrs = append(custErrs, fieldErr(CustomPrefix+k, fmt.Sprintf("is longer than %d bytes", MaxCustomValueLen)))
			set(k, "", false)
		case t != v:
			set(k, t, true)
		}
	}
	if out == nil {
		out = m
	}
	if len(out) > MaxCustomFields {
		custErrs = append(custErrs, fieldErr("custom", fmt.Sprintf("has %d keys; at most %d are kept", len(out), MaxCustomFields)))
		keys := slices.Sorted(maps.Keys(out))
		trimmed := make(map[string]string, MaxCustomFields)
		for _, k := range keys[:MaxCustomFields] {
			trimmed[k] = out[k]
		}
		out = trimmed
	}
	slices.SortFunc(custErrs, func(a, b *Error) int { return cmp.Compare(a.Field, b.Field) })
	*errs = append(*errs, custErrs...)
	if len(out) == 0 {
		return nil
	}
	return out
}
