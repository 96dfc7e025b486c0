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
//	scheduled | held | claimed → canceled (StopLeads)
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
// # For the reply loop
//
// StopLeads is the one implementation of stopping: a set of campaign leads
// gets a status and reason, their jobs not yet handed to a provider are
// canceled and campaigns left without an active lead complete, in three
// statements in the caller's transaction. StopLead, StopLeadEverywhere and
// RecordReply are it for one campaign lead or one lead; the tick calls it
// once per workspace, status and reason of a batch's stops; lead erasure
// (internal/leads) stops the lead everywhere with it; the reply loop calls
// StopRepliedLeads, which also writes the reply times, once per status and
// reason for a page of messages, deciding replies with ReplyStop as
// RecordReply does.
//
// Outbound messages rows carry message_id, thread_id, inbox_id, send_job_id
// and campaign_lead_id, so a reply is matched by In-Reply-To/References
// (then the provider thread id) to its campaign lead.
package sending
