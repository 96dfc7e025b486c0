package classify

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// labelledEntry is one entry of testdata/labelled/labels.json, written by
// testdata/labelled/gen (see docs/bounce-classifier.md for how the corpus is
// made and what its labels mean).
type labelledEntry struct {
	Kind   string `json:"kind"` // bounce | complaint | auto-reply | human
	Hard   *bool  `json:"hard"`
	Source string `json:"source"`
	Case   string `json:"case"`
	Rcpt   string `json:"rcpt"`
}

// corpusFigures are the classifier's scores on the labelled corpus.
type corpusFigures struct {
	total                                   int
	complaints, complaintsFound             int
	bounces, bouncesFound                   int
	hardSoftAgree                           int
	autoReplies, autoRepliesFound           int
	humans, humansAsBounce, humansAsMachine int
	withRcpt, rcptRight                     int
	misses                                  []string
}

func pct(n, d int) float64 {
	if d == 0 {
		return 100
	}
	return 100 * float64(n) / float64(d)
}

func scoreLabelled(t *testing.T, dir string) corpusFigures {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "labels.json"))
	if err != nil {
		t.Fatal(err)
	}
	var labels map[string]labelledEntry
	if err := json.Unmarshal(raw, &labels); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != len(labels) {
		t.Fatalf("%d messages but %d labels", len(files), len(labels))
	}
	var f corpusFigures
	names := make([]string, 0, len(labels))
	for n := range labels {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		l := labels[name]
		msg, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		v, err := ClassifyRaw(msg)
		if err != nil {
			t.Fatal(err)
		}
		f.total++
		miss := func(want string) {
			f.misses = append(f.misses, fmt.Sprintf("%s: want %s, got %s hard=%v status=%q reasons=%q", name, want, v.Kind, v.Hard, v.Status, v.Reasons))
		}
		if l.Rcpt != "" && (v.Kind == KindBounce || v.Kind == KindComplaint) {
			f.withRcpt++
			if len(v.Recipients) == 1 && v.Recipients[0] == l.Rcpt {
				f.rcptRight++
			} else {
				f.misses = append(f.misses, fmt.Sprintf("%s: recipients %q, want [%s]", name, v.Recipients, l.Rcpt))
			}
		}
		switch l.Kind {
		case "complaint":
			f.complaints++
			if v.Kind == KindComplaint {
				f.complaintsFound++
			} else {
				miss("complaint")
			}
		case "bounce":
			f.bounces++
			if v.Kind != KindBounce {
				miss("bounce")
				break
			}
			f.bouncesFound++
			if l.Hard == nil {
				t.Fatalf("%s: bounce without a hard/soft label", name)
			}
			if v.Hard == *l.Hard {
				f.hardSoftAgree++
			} else {
				miss(fmt.Sprintf("bounce hard=%v", *l.Hard))
			}
		case "auto-reply":
			f.autoReplies++
			if v.Kind == KindAutoReply {
				f.autoRepliesFound++
			} else {
				miss("auto-reply")
			}
		case "human":
			f.humans++
			switch v.Kind {
			case KindBounce, KindComplaint:
				f.humansAsBounce++
				miss("human")
			case KindAutoReply:
				f.humansAsMachine++
				miss("human")
			}
		default:
			t.Fatalf("%s: unknown label %q", name, l.Kind)
		}
	}
	return f
}

// TestLabelledCorpus scores the classifier on the labelled corpus and holds
// it to the deliverability targets (holdToTargets). go test -v prints the
// figures that docs/bounce-classifier.md reports.
func TestLabelledCorpus(t *testing.T) {
	f := scoreLabelled(t, filepath.Join("testdata", "labelled"))
	if f.total < 300 {
		t.Fatalf("labelled corpus has %d messages, want several hundred", f.total)
	}
	holdToTargets(t, "labelled corpus", f)
}

// TestHeldOutCorpus scores the classifier on the corpus written after it
// by someone who never read it (testdata/heldout/README.md), with the same
// targets.
func TestHeldOutCorpus(t *testing.T) {
	f := scoreLabelled(t, filepath.Join("testdata", "heldout"))
	if f.total < 200 {
		t.Fatalf("held-out corpus has %d messages, want several hundred", f.total)
	}
	holdToTargets(t, "held-out corpus", f)
}

// holdToTargets logs a corpus's figures and holds them to the
// deliverability targets: complaints ≥ 95 %, bounces ≥ 99 %, hard/soft
// agreement ≥ 90 % (of the bounces recognised), recipients named right
// ≥ 95 %, no human reply taken for a bounce or a complaint.
func holdToTargets(t *testing.T, name string, f corpusFigures) {
	t.Helper()
	t.Logf("%s: %d messages", name, f.total)
	t.Logf("complaints recognised: %d/%d = %.1f %%", f.complaintsFound, f.complaints, pct(f.complaintsFound, f.complaints))
	t.Logf("bounces recognised:    %d/%d = %.1f %%", f.bouncesFound, f.bounces, pct(f.bouncesFound, f.bounces))
	t.Logf("hard/soft agreement:   %d/%d = %.1f %%", f.hardSoftAgree, f.bouncesFound, pct(f.hardSoftAgree, f.bouncesFound))
	t.Logf("recipient named right: %d/%d = %.1f %%", f.rcptRight, f.withRcpt, pct(f.rcptRight, f.withRcpt))
	t.Logf("auto-replies:          %d/%d = %.1f %%", f.autoRepliesFound, f.autoReplies, pct(f.autoRepliesFound, f.autoReplies))
	t.Logf("human replies taken for a bounce or complaint: %d/%d; for an automatic message: %d", f.humansAsBounce, f.humans, f.humansAsMachine)
	if len(f.misses) > 0 {
		t.Logf("misses:\n%s", strings.Join(f.misses, "\n"))
	}
	if p := pct(f.complaintsFound, f.complaints); p < 95 {
		t.Errorf("complaints recognised %.1f %%, want ≥ 95 %%", p)
	}
	if p := pct(f.bouncesFound, f.bounces); p < 99 {
		t.Errorf("bounces recognised %.1f %%, want ≥ 99 %%", p)
	}
	if p := pct(f.hardSoftAgree, f.bouncesFound); p < 90 {
		t.Errorf("hard/soft agreement %.1f %%, want ≥ 90 %%", p)
	}
	if p := pct(f.rcptRight, f.withRcpt); p < 95 {
		t.Errorf("recipient named right in %.1f %%, want ≥ 95 %%", p)
	}
	if f.humansAsBounce != 0 {
		t.Errorf("%d human replies taken for a bounce or complaint, want 0", f.humansAsBounce)
	}
}
