package ai

import "testing"

const quotedOutbound = "\n\nOn Tue, 3 Mar 2026 at 09:12, Sam <sam@demo.example> wrote:\n> Worth a call? Reply \"unsubscribe\" and I'll stop.\n"

func TestCategorizeByRules(t *testing.T) {
	tests := []struct {
		name string
		in   ReplyInput
		want string // "" means the rules must not decide
	}{
		{"DSN content type", ReplyInput{Headers: map[string]string{"content-type": `multipart/report; report-type="delivery-status"; boundary=x`}}, CategoryBounce},
		{"failed recipients header", ReplyInput{Headers: map[string]string{"X-Failed-Recipients": "a@b.example"}}, CategoryBounce},
		{"mailer-daemon with failure text", ReplyInput{From: "Mail Delivery System <MAILER-DAEMON@mx.example>", Subject: "Mail delivery failed", Body: "550 5.1.1 user unknown"}, CategoryBounce},
		{"exchange NDR subject", ReplyInput{From: "postmaster@x.example", Subject: "Undeliverable: Hello", Body: "Delivery has failed to these recipients"}, CategoryBounce},
		{"forwarded bounce from a person", ReplyInput{From: "ops@us.example", Subject: "Fwd: Delivery Status Notification (Failure)",
			Body: "FYI\n\n---------- Forwarded message ---------\nFrom: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n\nAddress not found\n550 5.1.1 does not exist"}, CategoryBounce},
		{"auto-submitted absence", ReplyInput{Headers: map[string]string{"Auto-Submitted": "auto-replied"}, Body: "I am out of the office until Monday."}, CategoryOutOfOffice},
		{"absence naming a colleague", ReplyInput{Subject: "Automatic reply: Hello", Body: "On vacation until 14 April. For urgent matters contact my colleague Jane, she is the right person."}, CategoryOutOfOffice},
		{"exchange loop header", ReplyInput{Headers: map[string]string{"X-MS-Exchange-Inbox-Rules-Loop": "a@b.example"}, Body: "Away."}, CategoryOutOfOffice},
		{"auto-reply says person left", ReplyInput{Headers: map[string]string{"Auto-Submitted": "auto-replied"}, Body: "Paul has left the company. Please write to info@x.example."}, CategoryWrongPerson},
		{"help-desk acknowledgement", ReplyInput{Headers: map[string]string{"Auto-Submitted": "auto-replied"}, Subject: "[Ticket #1] received", Body: "We have received your request. Your ticket number is 1."}, CategoryOther},
		{"Auto-Submitted: no is human", ReplyInput{Headers: map[string]string{"Auto-Submitted": "no"}, Body: "Sounds good, tell me more."}, ""},
		{"bare unsubscribe with our footer quoted", ReplyInput{Body: "Unsubscribe" + quotedOutbound}, CategoryUnsubscribe},
		{"removal request", ReplyInput{Body: "Please remove me from your mailing list."}, CategoryUnsubscribe},
		{"German removal", ReplyInput{Body: "Bitte nehmen Sie mich aus Ihrem Verteiler."}, CategoryUnsubscribe},
		{"Spanish removal", ReplyInput{Body: "No me envíen más correos."}, CategoryUnsubscribe},
		{"French removal", ReplyInput{Body: "Merci de me désinscrire."}, CategoryUnsubscribe},
		{"empty body, subject unsubscribe", ReplyInput{Subject: "Re: UNSUBSCRIBE"}, CategoryUnsubscribe},
		{"unsubscribe only in signature footer", ReplyInput{Body: "Yes please, send more info.\n\nKaren\nOwner, Lotus\n\nDon't want our specials? Unsubscribe at any time from our website."}, ""},
		{"unsubscribe only in quoted outbound", ReplyInput{Body: "Sure, how about Tuesday 3pm?" + quotedOutbound}, ""},
		{"a plain human reply", ReplyInput{Body: "Not now, maybe next quarter."}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := CategorizeByRules(tt.in)
			switch {
			case tt.want == "" && ok:
				t.Fatalf("rules decided %s (%v), want no decision", got.Category, got.Reasons)
			case tt.want != "" && !ok:
				t.Fatalf("rules did not decide, want %s", tt.want)
			case ok && got.Category != tt.want:
				t.Fatalf("got %s (%v), want %s", got.Category, got.Reasons, tt.want)
			case ok && (got.Generator != GeneratorRules || len(got.Reasons) == 0 || got.Confidence <= 0 || got.Confidence > 1):
				t.Fatalf("incomplete category %+v", got)
			}
		})
	}
}
