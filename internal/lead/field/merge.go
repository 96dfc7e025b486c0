package field

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// OnDuplicate says what an import does with a row whose email already
// belongs to a lead (in the workspace, or on an earlier row of the same
// file).
type OnDuplicate string

const (
	// DuplicateSkip leaves the existing lead untouched; the row counts as
	// skipped. It is the default: an import never changes data the user
	// did not ask it to.
	DuplicateSkip OnDuplicate = "skip"
	// DuplicateUpdate overwrites the existing lead's fields with the row's
	// non-empty values. An empty cell never erases a value.
	DuplicateUpdate OnDuplicate = "update"
	// DuplicateFill sets only the fields the existing lead has empty.
	DuplicateFill OnDuplicate = "fill"
)

// ParseOnDuplicate reads the onDuplicate option: skip, update or fill,
// case-insensitive; "" means DuplicateSkip.
func ParseOnDuplicate(s string) (OnDuplicate, error) {
	switch m := OnDuplicate(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return DuplicateSkip, nil
	case DuplicateSkip, DuplicateUpdate, DuplicateFill:
		return m, nil
	}
	return "", fmt.Errorf("onDuplicate %q: want skip, update or fill", s)
}

// MergeFields applies an incoming row to an existing lead with the same
// email, both already normalised, and returns the result and the names of
// the fields whose value changed (standard fields in display order, then
// "custom.<key>" by key), which is exactly what provenance must record for
// this row. The email is never changed. Neither argument is modified. An
// unknown mode behaves as DuplicateSkip; parse user input with
// ParseOnDuplicate.
//
// When changed is empty the lead needs no write, which is how a caller
// counts a duplicate as skipped rather than updated.
func MergeFields(existing, incoming Fields, mode OnDuplicate) (merged Fields, changed []string) {
	merged = existing
	if mode != DuplicateUpdate && mode != DuplicateFill {
		return merged, nil
	}
	for id := fFirstName; id < numStandard; id++ {
		in := *incoming.ptr(id)
		cur := merged.ptr(id)
		if in == "" || in == *cur || (mode == DuplicateFill && *cur != "") {
			continue
		}
		*cur = in
		changed = append(changed, standardNames[id])
	}
	copied := false
	for _, k := range slices.Sorted(maps.Keys(incoming.Custom)) {
		in := incoming.Custom[k]
		cur, ok := merged.Custom[k]
		if in == "" || in == cur || (mode == DuplicateFill && ok && cur != "") {
			continue
		}
		if !copied {
			merged.Custom = maps.Clone(existing.Custom)
			if merged.Custom == nil {
				merged.Custom = make(map[string]string)
			}
			copied = true
		}
		merged.Custom[k] = in
		changed = append(changed, CustomPrefix+k)
	}
	return merged, changed
}
