package store

import (
	"encoding/json"
	"testing"
)

// The hand-written provenance JSON must be byte for byte what json.Marshal
// writes, escapes included, so records read the same whichever wrote them.
func TestAppendFieldsJSONMatchesEncodingJSON(t *testing.T) {
	for _, fields := range []map[string]string{
		nil,
		{},
		{"email": "ada@example.com"},
		{"firstName": "Ada", "lastName": "Lovelace", "company": "Analytical Engines, Ltd", "custom.z": "", "custom.a": "1"},
		{"company": `Say "hi" \ bye`, "title": "R&D <lead>", "custom.tab": "a\tb\nc\x01"},
		{"firstName": "Élodie", "company": "Zürich AG", "custom.ls": "line\u2028sep", "custom.emoji": "🚀"},
		{"custom.bad": "\xff\xfe"},
		{`custom.odd "key"`: "v"},
	} {
		want, err := json.Marshal(fields)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendFieldsJSON([]byte("prefix"), fields); string(got) != "prefix"+string(want) {
			t.Errorf("%q:\n got %s\nwant %s", fields, got[len("prefix"):], want)
		}
	}
}

func TestUnnestNamesEveryColumn(t *testing.T) {
	got := Postgres.unnest("v", "id text", "source_row integer", "created_at timestamptz")
	want := "unnest(CAST(? AS text[]), CAST(? AS integer[]), CAST(? AS timestamptz[])) AS v (id, source_row, created_at)"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if SQLite.arrayBatches() || !Postgres.arrayBatches() {
		t.Fatal("only Postgres writes array batches")
	}
}
