package store

import (
	"slices"
	"testing"
)

func TestParentsFirst(t *testing.T) {
	cases := []struct {
		name    string
		tables  []string
		parents map[string][]string
		want    []string
		err     bool
	}{
		{"alphabetical without keys", []string{"b", "a"}, nil, []string{"a", "b"}, false},
		{"parent before child", []string{"a_child", "z_parent"}, map[string][]string{"a_child": {"z_parent"}}, []string{"z_parent", "a_child"}, false},
		{"self reference", []string{"messages"}, map[string][]string{"messages": {"messages"}}, []string{"messages"}, false},
		{"chain", []string{"c", "b", "a"}, map[string][]string{"a": {"b"}, "b": {"c"}}, []string{"c", "b", "a"}, false},
		{"reference outside the dump", []string{"a"}, map[string][]string{"a": {"river_job"}}, []string{"a"}, false},
		{"cycle", []string{"a", "b"}, map[string][]string{"a": {"b"}, "b": {"a"}}, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parentsFirst(slices.Clone(c.tables), c.parents)
			if (err != nil) != c.err || !slices.Equal(got, c.want) {
				t.Fatalf("parentsFirst = %v, %v; want %v (error %v)", got, err, c.want, c.err)
			}
		})
	}
}
