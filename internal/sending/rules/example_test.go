package rules_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/leadbitz/leadbitz/internal/sending/rules"
)

// The tick's loop for one claimed job: decide, then either send and record
// the jittered gap, or re-schedule the job at NotBefore with the reason.
func ExampleDecide() {
	paris, _ := time.LoadLocation("Europe/Paris")
	connected := time.Date(2026, 3, 7, 9, 0, 0, 0, paris)
	now := time.Date(2026, 3, 10, 16, 0, 0, 0, paris)
	in := rules.Input{
		Schedule: rules.DefaultSchedule(paris),
		Campaign: rules.Campaign{Status: rules.CampaignActive},
		Mailbox: rules.Mailbox{Email: "a@x.com", Status: rules.MailboxActive,
			Limits: rules.DefaultLimits(paris, connected),
			Usage:  rules.MailboxUsage{SentToday: 11, LastSentAt: now.Add(-20 * time.Minute)}},
		Lead: rules.Lead{Status: rules.LeadActive},
		Due:  now.Add(-time.Hour),
	}
	d := rules.Decide(now, in)
	if d.Send {
		gap := rules.NextGap(in.Mailbox.Limits, rand.New(rand.NewPCG(1, 2)))
		fmt.Println("send, then keep", gap)
		return
	}
	fmt.Println(d.Reason, d.NotBefore.In(paris).Format(time.DateTime))
	fmt.Println(d.Detail())
	// Output:
	// ramp_limit 2026-03-11 09:00:00
	// Mailbox a@x.com reached today's limit of 11 (ramp day 4 of 14); resets 00:00 Europe/Paris. Next send: Wed 11 Mar 09:00 Europe/Paris.
}
