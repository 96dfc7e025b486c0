// Package aieval measures a reply classifier against a labelled set of replies
// (internal/ai/testdata/replies.json): precision, recall and accuracy per category and
// overall. cmd/leadbitz-aieval prints the report; tests in package offline assert floors.
package aieval

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"text/tabwriter"

	"github.com/leadbitz/leadbitz/internal/ai"
)

// Example is one labelled reply.
type Example struct {
	ID string `json:"id"`
	// Batch names the writing round (see testdata/README.md); later batches were written
	// after the rules, to measure them on phrasing they were not built from.
	Batch    string            `json:"batch"`
	Lang     string            `json:"lang"`
	Category string            `json:"category"`
	From     string            `json:"from"`
	Subject  string            `json:"subject"`
	Headers  map[string]string `json:"headers,omitempty"`
	Body     string            `json:"body"`
	Note     string            `json:"note,omitempty"`
}

// Input is the example as a classifier sees it.
func (e Example) Input() ai.ReplyInput {
	return ai.ReplyInput{From: e.From, Subject: e.Subject, Body: e.Body, Headers: e.Headers}
}

// Load reads a labelled set and checks that every label is a known category.
func Load(path string) ([]Example, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("aieval: %w", err)
	}
	var examples []Example
	if err := json.Unmarshal(data, &examples); err != nil {
		return nil, fmt.Errorf("aieval: decode %s: %w", path, err)
	}
	for _, e := range examples {
		if !ai.ValidCategory(e.Category) {
			return nil, fmt.Errorf("aieval: %s: unknown category %q", e.ID, e.Category)
		}
	}
	return examples, nil
}

// Miss is an example the classifier got wrong.
type Miss struct {
	Example Example
	Got     ai.Category
}

// Stats are the counts for one category.
type Stats struct {
	Category       string
	Support        int // examples labelled with the category
	TruePositives  int
	FalsePositives int
}

// Precision is TP/(TP+FP); 1 when the category was never predicted.
func (s Stats) Precision() float64 { return ratio(s.TruePositives, s.TruePositives+s.FalsePositives) }

// Recall is TP/support; 1 when there were no examples.
func (s Stats) Recall() float64 { return ratio(s.TruePositives, s.Support) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Report is the outcome of one evaluation.
type Report struct {
	Total      int
	Correct    int
	ByCategory map[string]*Stats
	// ByBatch counts [correct, total] per batch.
	ByBatch map[string][2]int
	Misses  []Miss
}

// Accuracy is the share of examples classified correctly.
func (r Report) Accuracy() float64 { return ratio(r.Correct, r.Total) }

// MacroPrecision and MacroRecall average the per-category figures over the categories
// that occur in the set.
func (r Report) MacroPrecision() float64 { return r.macro(Stats.Precision) }

// MacroRecall averages recall over the categories that occur in the set.
func (r Report) MacroRecall() float64 { return r.macro(Stats.Recall) }

func (r Report) macro(f func(Stats) float64) float64 {
	var sum float64
	n := 0
	for _, s := range r.ByCategory {
		if s.Support > 0 {
			sum += f(*s)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// Evaluate runs classify over the examples.
func Evaluate(examples []Example, classify func(ai.ReplyInput) ai.Category) Report {
	r := Report{ByCategory: map[string]*Stats{}, ByBatch: map[string][2]int{}}
	for _, c := range ai.Categories() {
		r.ByCategory[c] = &Stats{Category: c}
	}
	for _, e := range examples {
		got := classify(e.Input())
		b := r.ByBatch[e.Batch]
		b[1]++
		if got.Category == e.Category {
			b[0]++
		}
		r.ByBatch[e.Batch] = b
		r.Total++
		r.ByCategory[e.Category].Support++
		if got.Category == e.Category {
			r.Correct++
			r.ByCategory[e.Category].TruePositives++
			continue
		}
		if s, ok := r.ByCategory[got.Category]; ok {
			s.FalsePositives++
		}
		r.Misses = append(r.Misses, Miss{Example: e, Got: got})
	}
	return r
}

// Write prints the report as a table, then the misses when verbose is set.
func (r Report) Write(w io.Writer, verbose bool) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "category\tsupport\tprecision\trecall\t")
	for _, c := range ai.Categories() {
		s := r.ByCategory[c]
		fmt.Fprintf(tw, "%s\t%d\t%.1f%%\t%.1f%%\t\n", c, s.Support, 100*s.Precision(), 100*s.Recall())
	}
	fmt.Fprintf(tw, "macro average\t%d\t%.1f%%\t%.1f%%\t\n", r.Total, 100*r.MacroPrecision(), 100*r.MacroRecall())
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "accuracy: %d/%d = %.1f%%\n", r.Correct, r.Total, 100*r.Accuracy()); err != nil {
		return err
	}
	if len(r.ByBatch) > 1 {
		for _, name := range slices.Sorted(maps.Keys(r.ByBatch)) {
			b := r.ByBatch[name]
			if _, err := fmt.Fprintf(w, "  batch %s: %d/%d = %.1f%%\n", name, b[0], b[1], 100*ratio(b[0], b[1])); err != nil {
				return err
			}
		}
	}
	if !verbose {
		return nil
	}
	misses := slices.Clone(r.Misses)
	slices.SortFunc(misses, func(a, b Miss) int {
		if a.Example.ID < b.Example.ID {
			return -1
		}
		return 1
	})
	for _, m := range misses {
		if _, err := fmt.Fprintf(w, "miss %s: want %s, got %s (%s) %v\n", m.Example.ID, m.Example.Category, m.Got.Category, m.Got.Generator, m.Got.Reasons); err != nil {
			return err
		}
	}
	return nil
}

// RulesReport says how much of a set the certain rules (ai.CategorizeByRules) decide on
// their own, and how often they are right: every reply they decide is one no model sees.
type RulesReport struct {
	Total, Decided, Correct int
}

// EvaluateRules runs ai.CategorizeByRules over the examples.
func EvaluateRules(examples []Example) RulesReport {
	var r RulesReport
	for _, e := range examples {
		r.Total++
		if c, ok := ai.CategorizeByRules(e.Input()); ok {
			r.Decided++
			if c.Category == e.Category {
				r.Correct++
			}
		}
	}
	return r
}

// Write prints the rules report in one line.
func (r RulesReport) Write(w io.Writer) error {
	_, err := fmt.Fprintf(w, "rules step alone: decided %d/%d replies (%.1f%%), %d correct (precision %.1f%%)\n",
		r.Decided, r.Total, 100*ratio(r.Decided, r.Total), r.Correct, 100*ratio(r.Correct, r.Decided))
	return err
}
