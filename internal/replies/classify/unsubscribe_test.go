package classify

import (
	"strings"
	"testing"
)

func TestUnsubscribeRequest(t *testing.T) {
	tests := []struct {
		subject, body string
		want          bool
	}{
		{"Re: Quick question", "Please unsubscribe me.", true},
		{"Re: Quick question", "unsubscribe", true},
		{"Re: Quick question", "Remove me", true},
		{"Re: Quick question", "How do I unsubscribe?", true},
		{"Re: Quick question", "Please take me off your list.", true},
		{"Re: Quick question", "No thanks, please remove me.", true},
		{"Re: Quick question", "No thanks please remove me", true},
		{"Re: Quick question", "Not interested please take me off your list", true},
		{"Re: Quick question", "Stop emailing me.", true},
		{"Re: Quick question", "Please don't contact me again.", true},
		{"Re: Quick question", "Opt me out.", true},
		{"Re: Quick question", "Abmelden bitte", true},
		{"AW: Quick question", "Bitte keine weiteren E-Mails.", true},
		{"RE: Quick question", "Merci de me désabonner.", true},
		{"RE: Quick question", "Ne me contactez plus.", true},
		{"RE: Quick question", "Quiero darme de baja.", true},
		{"Re: Quick question", "Graag uitschrijven.", true},
		{"Re: Quick question", "Cancellami dalla lista.", true},
		{"Re: Quick question", "Não me enviem mais e-mails.", true},
		{"Unsubscribe", "", true},
		{"Re: unsubscribe", "", true},
		{"Re: Quick question", "I'd not unsubscribe, this is useful.", false},
		{"Re: Quick question", "Please don't remove me, I like these.", false},
		{"Re: Quick question", "Don't unsubscribe me please", false},
		{"Re: Quick question", "Our unsubscribe rate is high, can you help with that and with onboarding emails?", false},
		{"Re: Quick question", "I almost unsubscribed but this one is great, let's talk.", false},
		{"Re: Quick question", "Je ne veux pas me désabonner, continuez.", false},
		{"Re: Quick question", "Sounds good, Thursday works.", false},
		{"Re: Quick question", strings.Repeat("We need a long discussion about roadmaps. ", 40) + "Remove me from the thread later.", false},
	}
	for _, tt := range tests {
		why, got := unsubscribeRequest(tt.subject, ownText(tt.body))
		if got != tt.want {
			t.Errorf("unsubscribeRequest(%q, %q) = %v (%s), want %v", tt.subject, truncate(tt.body, 60), got, why, tt.want)
		}
	}
}

func TestOwnText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"gmail attribution", "Yes please.\n\nOn Mon, Nov 23, 2026 at 9:00 AM Sam Carter <sam@acme.io> wrote:\n> reply unsubscribe\n", "Yes please."},
		{"wrapped attribution", "Yes.\n\nOn Mon, Nov 23, 2026 at 9:00 AM Sam Carter <\nsam@acme.io> wrote:\n\n> hi", "Yes."},
		{"outlook block", "Sure.\n\nFrom: Sam Carter <sam@acme.io>\nSent: Monday, November 23, 2026 9:00 AM\nTo: x\n\nreply remove me", "Sure."},
		{"original message separator", "Ok\n-----Original Message-----\nFrom: Sam", "Ok"},
		{"underscore separator", "Ok\n________________________________\nFrom: Sam", "Ok"},
		{"german", "Gerne.\n\nAm Mo., 23. Nov. 2026 um 09:00 Uhr schrieb Sam Carter <sam@acme.io>:\n> x", "Gerne."},
		{"french", "Oui.\n\nLe lun. 23 nov. 2026 à 09:00, Sam Carter <sam@acme.io> a écrit :\n> x", "Oui."},
		{"inline quotes dropped", "> quoted line\nmy answer\n> more quote", "my answer"},
		{"signature", "Thanks\n-- \nJohn | unsubscribe from our list at x", "Thanks"},
		{"curly apostrophe", "don’t contact me", "don't contact me"},
	}
	for _, tt := range tests {
		if got := ownText(tt.in); got != tt.want {
			t.Errorf("%s: ownText = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestJudge(t *testing.T) {
	tests := []struct {
		action, status, text string
		hard, decided        bool
	}{
		{"failed", "5.1.1", "", true, true},
		{"failed", "5.1.10", "", true, true},
		{"delayed", "5.1.1", "user unknown", false, true},
		{"failed", "4.2.2", "mailbox full", false, true},
		{"failed", "4.1.1", "user unknown", false, true},
		{"failed", "5.2.2", "", false, true},
		{"failed", "5.3.4", "", false, true},
		{"failed", "5.7.1", "client host blocked using zen.spamhaus.org", false, true},
		{"failed", "5.7.1", "", false, true},
		{"failed", "5.0.0", "550 user unknown", true, true},
		{"failed", "5.0.0", "550 no such user here", true, true},
		{"failed", "5.0.0", "mailbox unavailable, blocked as spam", false, true},
		{"failed", "5.0.0", "550 requested action not taken: mailbox unavailable", true, true},
		{"failed", "5.4.4", "host or domain name not found", true, true},
		{"failed", "5.0.0", "message size exceeds fixed limit", false, true},
		{"failed", "5.0.0", "something odd happened", false, false},
		{"failed", "5.7.1", "recipient address rejected: access denied", false, true},
		{"failed", "5.4.1", "recipient address rejected: access denied. as(201806281)", true, true},
		{"failed", "5.7.1", "recipient address rejected: user unknown", true, true},
		{"failed", "5.7.1", "user unknown, blocked using zen.spamhaus.org", false, true},
		{"failed", "5.1.10", "domain does not accept mail (nullmx)", true, true},
		{"failed", "5.0.0", "556 domain does not accept mail", true, true},
		{"failed", "5.0.0", "example.com does not accept mail from 203.0.113.9", false, true},
		{"failed", "5.2.1", "the email account that you tried to reach is disabled", false, true},
		{"failed", "5.4.7", "retry timeout exceeded", false, true},
		{"failed", "5.7.708", "access denied, traffic not accepted from this ip", false, true},
		{"failed", "5.0.0", "message filtered", false, true},
		{"", "", "", false, false},
	}
	for _, tt := range tests {
		hard, why, decided := judge(tt.action, tt.status, tt.text)
		if hard != tt.hard || decided != tt.decided || why == "" {
			t.Errorf("judge(%q, %q, %q) = %v %q %v, want hard=%v decided=%v", tt.action, tt.status, tt.text, hard, why, decided, tt.hard, tt.decided)
		}
	}
}
