package field

import (
	"reflect"
	"testing"
)

func TestMergeFields(t *testing.T) {
	existing := Fields{
		Email: "ada@example.com", FirstName: "Ada", Company: "Old Co",
		Custom: map[string]string{"icebreaker": "old", "keep": "k"},
	}
	incoming := Fields{
		Email: "ada@example.com", FirstName: "Augusta", LastName: "Lovelace", Company: "", Title: "CTO",
		Custom: map[string]string{"icebreaker": "new", "extra": "x"},
	}
	tests := []struct {
		mode        OnDuplicate
		want        Fields
		wantChanged []string
	}{
		{DuplicateSkip, existing, nil},
		{"bogus", existing, nil},
		{DuplicateUpdate, Fields{
			Email: "ada@example.com", FirstName: "Augusta", LastName: "Lovelace", Company: "Old Co", Title: "CTO",
			Custom: map[string]string{"icebreaker": "new", "keep": "k", "extra": "x"},
		}, []string{"firstName", "lastName", "title", "custom.extra", "custom.icebreaker"}},
		{DuplicateFill, Fields{
			Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Company: "Old Co", Title: "CTO",
			Custom: map[string]string{"icebreaker": "old", "keep": "k", "extra": "x"},
		}, []string{"lastName", "title", "custom.extra"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			got, changed := MergeFields(existing, incoming, tt.mode)
			if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(changed, tt.wantChanged) {
				t.Errorf("MergeFields = %+v, %q\nwant %+v, %q", got, changed, tt.want, tt.wantChanged)
			}
		})
	}
	if existing.Custom["icebreaker"] != "old" || len(existing.Custom) != 2 {
		t.Errorf("MergeFields modified existing: %+v", existing.Custom)
	}

	// Merging a row into itself changes nothing: the row counts as skipped.
	if _, changed := MergeFields(incoming, incoming, DuplicateUpdate); changed != nil {
		t.Errorf("self-merge changed %q", changed)
	}
	// A lead without custom fields gets a fresh map.
	got, changed := MergeFields(Fields{Email: "a@b.co"}, Fields{Custom: map[string]string{"k": "v"}}, DuplicateFill)
	if got.Custom["k"] != "v" || len(changed) != 1 {
		t.Errorf("fill into nil custom: %+v %q", got, changed)
	}
}

func TestParseOnDuplicate(t *testing.T) {
	for in, want := range map[string]OnDuplicate{"": DuplicateSkip, "skip": DuplicateSkip, " Update ": DuplicateUpdate, "FILL": DuplicateFill} {
		if got, err := ParseOnDuplicate(in); err != nil || got != want {
			t.Errorf("ParseOnDuplicate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseOnDuplicate("overwrite"); err == nil {
		t.Error("ParseOnDuplicate(overwrite) accepted")
	}
}

func TestDedupeSet(t *testing.T) {
	d := NewDedupeSet()
	for _, tt := range []struct {
		email      string
		row, first int
	}{
		{"a@example.com", 2, 0}, {"b@example.com", 3, 0}, {"a@example.com", 9, 2},
		{"b@example.com", 10, 3}, {"c@example.com", 0, 0}, {"c@example.com", 12, 1},
	} {
		if got := d.See(tt.email, tt.row); got != tt.first {
			t.Errorf("See(%q, %d) = %d, want %d", tt.email, tt.row, got, tt.first)
		}
	}
	if d.Len() != 3 {
		t.Errorf("Len = %d", d.Len())
	}
}
