// Package sending is the send engine: it turns a launched campaign's
// sequence into messages, one due job at a time, from each lead's assigned
// mailbox, within every rule of internal/sending/rules, exactly once.
//
// # How a send flows
//
// A job is one (campaign lead, step) with a unique idempotency key. Its
// states are
//
//	scheduled → claimed → sending → sent | failed
//	    ↑  ↘ held (waits for a person: paused campaign or mailbox, no mailbox)
//	    └──── deferred (run_at moved to the next moment every rule passes)
//	scheduled | held | claimed → canceled (enrollment.StopLeads)
//
// Engine.Tick repeats, in batches: claim (one transaction: lock due jobs
// with SKIP LOCKED on Postgres, lock their mailboxes and campaigns in id
// order, run rules.Decide for each job against the locked usage, reserve the
// mailbox's slot for the jobs that may go, move the others to the time Decide
// names); check suppression again at send time; move the claimed jobs to
// sending (a stop that won the race has already canceled them); send through
// the provider; record (one transaction: the job sent with the provider's
// ids, an outbound messages row, the campaign lead's thread, the next step's
// job due after its delay, or the retry, failure or hold).
//
// A job found in sending after a crash is resolved by asking the provider
// whether our Message-ID already went out (provider.Mailbox.FindSent) before
// anything is sent again; a job found claimed was never handed over and goes
// back to scheduled.
//
// # Starting and stopping
//
// Starting, moving and stopping campaign leads is internal/enrollment's:
// a campaign lead's status and its jobs change together there, in the lock
// order its package doc states. The tick applies the stops it finds
// (suppressed, bounced, unsubscribed, erased leads) with
// enrollment.StopLeads after its claim commits, and a record schedules a
// lead's next step only while the lead is still active.
//
// Outbound messages rows carry message_id, thread_id, inbox_id, send_job_id
// and campaign_lead_id, so a reply is matched by In-Reply-To/References
// (then the provider thread id) to its campaign lead.
package sending
