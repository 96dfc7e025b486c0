package aieval

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadbitz/leadbitz/internal/ai"
)

func TestEvaluateCountsPrecisionAndRecall(t *testing.T) {
	examples := []Example{
		{ID: "1", Batch: "A", Category: ai.CategoryBounce, Body: "b"},
		{ID: "2", Batch: "A", Category: ai.CategoryBounce, Body: "x"},
		{ID: "3", Batch: "B", Category: ai.CategoryOther, Body: "b"},
		{ID: "4", Batch: "B", Category: ai.CategoryOther, Body: "o"},
	}
	// A classifier that says bounce for "b" and other for everything else.
	r := Evaluate(examples, func(in ai.ReplyInput) ai.Category {
		if in.Body == "b" {
			return ai.Category{Category: ai.CategoryBounce}
		}
		return ai.Category{Category: ai.CategoryOther}
	})
	b := r.ByCategory[ai.CategoryBounce]
	if b.Support != 2 || b.TruePositives != 1 || b.FalsePositives != 1 || b.Precision() != 0.5 || b.Recall() != 0.5 {
		t.Fatalf("bounce stats %+v", b)
	}
	if r.Correct != 2 || r.Accuracy() != 0.5 || len(r.Misses) != 2 || r.ByBatch["A"] != [2]int{1, 2} {
		t.Fatalf("report %+v", r)
	}
	if r.ByCategory[ai.CategoryInterested].Precision() != 1 {
		t.Fatal("never-predicted category should have precision 1 (no false positives)")
	}
	var buf bytes.Buffer
	if err := r.Write(&buf, true); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bounce", "50.0%", "accuracy: 2/4 = 50.0%", "batch A: 1/2", "miss 2: want bounce, got other"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestLoadRejectsUnknownCategories(t *testing.T) {
	path := filepath.Join(t.TempDir(), "set.json")
	if err := os.WriteFile(path, []byte(`[{"id":"x","category":"maybe","body":""}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "maybe") {
		t.Fatalf("err = %v", err)
	}
}

func TestEvaluateRules(t *testing.T) {
	r := EvaluateRules([]Example{
		{Category: ai.CategoryBounce, From: "MAILER-DAEMON@x.example", Subject: "Undeliverable: hi"},
		{Category: ai.CategoryInterested, Body: "tell me more"},
	})
	if r != (RulesReport{Total: 2, Decided: 1, Correct: 1}) {
		t.Fatalf("%+v", r)
	}
}
