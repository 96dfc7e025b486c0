package classify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/mailmsg"
)

// expectation is one entry of testdata/corpus/expected.json. Kind, hard,
// status, recipients and returnDate are always compared (absent means
// zero); autoReplyKind and originalMessageId only when given.
type expectation struct {
	Kind              Kind     `json:"kind"`
	Hard              bool     `json:"hard"`
	Status            string   `json:"status"`
	Recipients        []string `json:"recipients"`
	ReturnDate        string   `json:"returnDate"`
	AutoReplyKind     string   `json:"autoReplyKind"`
	OriginalMessageID string   `json:"originalMessageId"`
}

func loadCorpus(t testing.TB) (map[string][]byte, map[string]expectation) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "corpus", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]expectation
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	msgs := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		msgs[filepath.Base(f)] = b
	}
	return msgs, want
}

// TestCorpus classifies every message of the corpus and reports each
// field that differs from expected.json.
func TestCorpus(t *testing.T) {
	msgs, want := loadCorpus(t)
	if len(msgs) < 40 {
		t.Fatalf("corpus has %d messages, want at least 40", len(msgs))
	}
	for name := range want {
		if _, ok := msgs[name]; !ok {
			t.Errorf("expected.json names %s, which is not in the corpus", name)
		}
	}
	for name, raw := range msgs {
		t.Run(strings.TrimSuffix(name, ".eml"), func(t *testing.T) {
			exp, ok := want[name]
			if !ok {
				t.Fatalf("%s has no entry in expected.json", name)
			}
			got, err := ClassifyRaw(raw)
			if err != nil {
				t.Fatal(err)
			}
			var diffs []string
			check := func(field string, ok bool, gotV, wantV any) {
				if !ok {
					diffs = append(diffs, field+": got "+jsonString(gotV)+", want "+jsonString(wantV))
				}
			}
			check("kind", got.Kind == exp.Kind, got.Kind, exp.Kind)
			check("hard", got.Hard == exp.Hard, got.Hard, exp.Hard)
			check("status", got.Status == exp.Status, got.Status, exp.Status)
			check("recipients", slices.Equal(got.Recipients, exp.Recipients), got.Recipients, exp.Recipients)
			gotDate := ""
			if got.ReturnDate != nil {
				gotDate = got.ReturnDate.Format("2006-01-02")
			}
			check("returnDate", gotDate == exp.ReturnDate, gotDate, exp.ReturnDate)
			if exp.AutoReplyKind != "" {
				check("autoReplyKind", got.AutoReplyKind == exp.AutoReplyKind, got.AutoReplyKind, exp.AutoReplyKind)
			}
			if exp.OriginalMessageID != "" {
				check("originalMessageId", got.OriginalMessageID == exp.OriginalMessageID, got.OriginalMessageID, exp.OriginalMessageID)
			}
			if len(got.Reasons) == 0 {
				diffs = append(diffs, "no reasons given")
			}
			if len(diffs) > 0 {
				t.Errorf("%s\nreasons: %q", strings.Join(diffs, "\n"), got.Reasons)
			}
		})
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// BenchmarkClassify measures parse + classify over the whole corpus; ns/op
// is per message.
func BenchmarkClassify(b *testing.B) {
	msgs, _ := loadCorpus(b)
	all := make([][]byte, 0, len(msgs))
	for _, raw := range msgs {
		all = append(all, raw)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m, err := mailmsg.Parse(all[i%len(all)])
		if err != nil {
			b.Fatal(err)
		}
		_ = Classify(m)
	}
}
