package replytext

import (
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantFresh  string
		wantQuoted string // a substring the quoted part must hold
	}{
		{"gmail", "Sure, Tuesday.\n\nOn Tue, 3 Mar 2026 at 09:12, Sam <s@x.example> wrote:\n> Hi", "Sure, Tuesday.", "> Hi"},
		{"wrapped gmail header", "Yes.\n\nOn Tue, 3 Mar 2026 at 09:12, Sam Lee <sam@x.example>\nwrote:\n> Hi", "Yes.", "wrote:"},
		{"german", "Gerne.\n\nAm Di., 3. März 2026 um 09:12 schrieb Sam <s@x.example>:\n> Hallo", "Gerne.", "schrieb"},
		{"french", "Oui.\n\nLe mar. 3 mars 2026 à 09:12, Sam <s@x.example> a écrit :\n> Bonjour", "Oui.", "a écrit"},
		{"spanish", "Sí.\n\nEl mar, 3 mar 2026 a las 9:12, Sam (<s@x.example>) escribió:\n> Hola", "Sí.", "escribió"},
		{"outlook", "No thanks.\n\n________________________________\nFrom: Sam <s@x.example>\nSent: Tuesday\nSubject: Hi\n\nHello", "No thanks.", "From: Sam"},
		{"outlook without rule", "No thanks.\n\nFrom: Sam <s@x.example>\nSent: Tuesday, March 3\nTo: me\n\nHello", "No thanks.", "Sent:"},
		{"original message", "Ok.\n-----Original Message-----\nFrom: a", "Ok.", "Original Message"},
		{"signature dash", "Call me.\n-- \nMike\nCEO", "Call me.", ""},
		{"sign-off", "Let's talk Tuesday.\n\nThanks,\nMike Chen\nDirector", "Let's talk Tuesday.", ""},
		{"sign-off on the only line stays", "Thanks.", "Thanks.", ""},
		{"mobile", "Yes\n\nSent from my iPhone", "Yes", ""},
		{"not a header", "From what I see, this works.\nLet's talk.", "From what I see, this works.\nLet's talk.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Split(tt.body)
			if r.Fresh != tt.wantFresh {
				t.Fatalf("Fresh = %q, want %q", r.Fresh, tt.wantFresh)
			}
			if !strings.Contains(r.Quoted, tt.wantQuoted) {
				t.Fatalf("Quoted = %q, want it to contain %q", r.Quoted, tt.wantQuoted)
			}
		})
	}
}

func TestSplitFooterLines(t *testing.T) {
	r := Split("Sounds good.\nTo unsubscribe from our newsletter click here.\nThis email is confidential and intended only for the recipient.")
	if r.Fresh != "Sounds good." || len(r.Footer) != 2 {
		t.Fatalf("Fresh %q, Footer %q", r.Fresh, r.Footer)
	}
	// A request in the first person is not boilerplate.
	if r := Split("Please unsubscribe me from your marketing emails, click here if you must."); r.Fresh == "" {
		t.Fatal("a first-person removal request was dropped as footer")
	}
}

func TestSignalsNegation(t *testing.T) {
	score, _ := Interested.Match(Fold("We are not interested."))
	if score != 0 {
		t.Fatalf("negated interest scored %d", score)
	}
	score, found := Interested.Match(Fold("Very interested, tell me more"))
	if score == 0 {
		t.Fatalf("interest not found: %v", found)
	}
}
