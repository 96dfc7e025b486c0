package offline

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/ai"
)

func TestSuggestReply(t *testing.T) {
	thursday := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name, body, category string
		wantCategory         string
		wantSend             bool
		want                 []string // substrings of Body
		wantNote             string
	}{
		{"interested asks price", "Sounds interesting, what does it cost?", "", ai.CategoryInterested, true, []string{"Hi Anna,", "pricing", "Monday 9 March at 10:00", "Tuesday 10 March at 15:00"}, ""},
		{"meeting with a time", "Sure, how about Tuesday 3pm?", "", ai.CategoryMeetingRequest, true, []string{"Tuesday 3pm works for me", "calendar invite"}, ""},
		{"meeting without a time", "Let's set up a call.", "", ai.CategoryMeetingRequest, true, []string{"Monday 9 March at 10:00"}, ""},
		{"meeting by booking link", "Grab a slot: calendly.com/anna/30min", ai.CategoryMeetingRequest, ai.CategoryMeetingRequest, true, []string{"booking link"}, ""},
		{"not now", "Not now, maybe next quarter.", "", ai.CategoryNotInterested, true, []string{"check back next quarter"}, "Stop the sequence"},
		{"referral", "I'm not the right person, talk to Jane Smith, our Head of People.", "", ai.CategoryWrongPerson, true, []string{"reach out to Jane Smith"}, "Jane Smith"},
		{"referral by address", "I don't handle this. Please contact hr@trattoria.example.", "", ai.CategoryWrongPerson, true, []string{"hr@trattoria.example"}, ""},
		{"absence", "I am out of office until March 10. For urgent matters contact Tom.", "", ai.CategoryOutOfOffice, false, []string{"Hope you had a good time away"}, "until March 10"},
		{"unsubscribe", "unsubscribe", "", ai.CategoryUnsubscribe, false, nil, "Suppress"},
		{"bounce", "Address not found", ai.CategoryBounce, ai.CategoryBounce, false, nil, "bounced"},
		{"who are you", "Who is this?", "", ai.CategoryOther, true, []string{"I'm Sam", "won't email again"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New().SuggestReply(context.Background(), ai.SuggestRequest{
				Category: tt.category, ProductDescription: restaurantPayroll, SenderName: "Sam", Now: thursday,
				Conversation: []ai.Message{
					{Inbound: false, Subject: "Payroll at Trattoria Roma", Body: "Hi Anna, quick question about payroll."},
					{Inbound: true, From: "Anna Rossi <anna@trattoria.example>", Subject: "Re: Payroll at Trattoria Roma", Body: tt.body},
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if s.Category != tt.wantCategory || s.ShouldSend != tt.wantSend || s.Generator != ai.GeneratorOffline {
				t.Fatalf("got %s send=%v %q", s.Category, s.ShouldSend, s.Generator)
			}
			if tt.wantSend && s.Subject != "Re: Payroll at Trattoria Roma" {
				t.Errorf("subject %q", s.Subject)
			}
			for _, w := range tt.want {
				if !strings.Contains(s.Body, w) {
					t.Errorf("body lacks %q:\n%s", w, s.Body)
				}
			}
			if !strings.Contains(s.Note, tt.wantNote) {
				t.Errorf("note %q lacks %q", s.Note, tt.wantNote)
			}
			if !tt.wantSend && s.Note == "" {
				t.Error("no note saying what to do instead")
			}
			if p := ai.OutputProblems(s.Body, tt.body, nil); len(p) > 0 {
				t.Errorf("problems %v", p)
			}
		})
	}
}
