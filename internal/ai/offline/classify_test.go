package offline

import (
	"testing"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/ai/aieval"
)

// TestLabelledSet holds the offline classifier to the floors the product promises on the
// labelled replies (internal/ai/testdata/replies.json); `go run ./cmd/leadbitz-aieval`
// prints the full figures.
func TestLabelledSet(t *testing.T) {
	examples, err := aieval.Load("../testdata/replies.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(examples) < 100 {
		t.Fatalf("labelled set has %d replies, want at least 100", len(examples))
	}
	r := aieval.Evaluate(examples, Classify)
	for _, c := range ai.Categories() {
		if r.ByCategory[c].Support < 8 {
			t.Errorf("category %s has only %d examples", c, r.ByCategory[c].Support)
		}
	}
	for _, c := range []string{ai.CategoryBounce, ai.CategoryOutOfOffice, ai.CategoryUnsubscribe} {
		if rec := r.ByCategory[c].Recall(); rec < 0.9 {
			t.Errorf("%s recall %.1f%%, want at least 90%%", c, 100*rec)
		}
	}
	if acc := r.Accuracy(); acc < 0.75 {
		t.Errorf("accuracy %.1f%%, want at least 75%%", 100*acc)
	}
	for _, m := range r.Misses {
		t.Logf("miss %s: want %s, got %s %v", m.Example.ID, m.Example.Category, m.Got.Category, m.Got.Reasons)
	}
}

func TestClassifyTrickyReplies(t *testing.T) {
	quoted := "\n\nOn Tue, 3 Mar 2026 at 09:12, Sam <sam@demo.example> wrote:\n> Are you interested in a quick call? Reply \"unsubscribe\" to stop.\n"
	tests := []struct {
		name string
		in   ai.ReplyInput
		want string
	}{
		{"polite not now", ai.ReplyInput{Body: "Thanks for reaching out. Not a priority right now, maybe next quarter."}, ai.CategoryNotInterested},
		{"no thanks above quoted call offer", ai.ReplyInput{Body: "No, thank you." + quoted}, ai.CategoryNotInterested},
		{"redirect with interest words", ai.ReplyInput{Body: "Sounds interesting, but I'm not the decision maker. Our COO Priya would be the one to talk to."}, ai.CategoryWrongPerson},
		{"not the right person", ai.ReplyInput{Body: "I'm not the right person, talk to Jane."}, ai.CategoryWrongPerson},
		{"meeting time", ai.ReplyInput{Body: "Sure, how about Tuesday 3pm?" + quoted}, ai.CategoryMeetingRequest},
		{"declining a call", ai.ReplyInput{Body: "I don't have time for a call, and we don't need it."}, ai.CategoryNotInterested},
		{"absence written by hand", ai.ReplyInput{Body: "Sorry, I'm out sick this week. Back on Monday."}, ai.CategoryOutOfOffice},
		{"absence with a meeting proposal", ai.ReplyInput{Body: "I'm on vacation until Monday, but let's talk Tuesday at 3pm."}, ai.CategoryMeetingRequest},
		{"unsubscribe in signature of a meeting reply", ai.ReplyInput{Body: "Let's do a call on Thursday.\n\nThanks,\nMike\nTo unsubscribe from our newsletter, click here."}, ai.CategoryMeetingRequest},
		{"question about us", ai.ReplyInput{Body: "Who is this? How did you get my email address?"}, ai.CategoryOther},
		{"empty", ai.ReplyInput{}, ai.CategoryOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.in)
			if got.Category != tt.want {
				t.Fatalf("got %s %v, want %s", got.Category, got.Reasons, tt.want)
			}
			if got.Confidence <= 0 || got.Confidence > 1 || len(got.Reasons) == 0 {
				t.Fatalf("incomplete answer %+v", got)
			}
		})
	}
}

// BenchmarkClassify measures the offline classifier on the labelled replies: the reply loop
// runs it on every inbound message that no rule decides.
func BenchmarkClassify(b *testing.B) {
	examples, err := aieval.Load("../testdata/replies.json")
	if err != nil {
		b.Fatal(err)
	}
	inputs := make([]ai.ReplyInput, len(examples))
	for i, e := range examples {
		inputs[i] = e.Input()
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		Classify(inputs[i%len(inputs)])
	}
}
