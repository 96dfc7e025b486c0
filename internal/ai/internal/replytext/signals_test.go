package replytext

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/leadbitz/leadbitz/internal/textmatch"
)

// TestSignalsAnswerAsTheirRegexps runs every phrase list over the labelled replies, with and
// without the literal prefilter: the scores and phrases found must be the same.
func TestSignalsAnswerAsTheirRegexps(t *testing.T) {
	data, err := os.ReadFile("../../testdata/replies.json")
	if err != nil {
		t.Fatal(err)
	}
	var replies []struct{ Subject, Body string }
	if err := json.Unmarshal(data, &replies); err != nil {
		t.Fatal(err)
	}
	lists := map[string]Signals{"BounceText": BounceText, "OutOfOffice": OutOfOffice, "LeftCompany": LeftCompany,
		"AutoAck": AutoAck, "Unsubscribe": Unsubscribe, "WrongPerson": WrongPerson, "Meeting": Meeting,
		"NotInterested": NotInterested, "Interested": Interested, "Other": Other}
	matched := 0
	for name, ss := range lists {
		plain := make(Signals, len(ss))
		for i, s := range ss {
			plain[i] = s
			plain[i].Re = textmatch.Plain(s.Re.Regexp())
		}
		for _, r := range replies {
			for _, text := range []string{Fold(r.Body), Fold(Split(r.Body).Fresh), Fold(r.Subject)} {
				score, found := ss.Match(text)
				wantScore, wantFound := plain.Match(text)
				if score != wantScore || !slices.Equal(found, wantFound) {
					t.Fatalf("%s on %q: %d %q with the prefilter, %d %q without", name, text, score, found, wantScore, wantFound)
				}
				if score > 0 {
					matched++
				}
			}
		}
	}
	if matched < 200 {
		t.Fatalf("only %d texts matched a list: the comparison says little", matched)
	}
}
