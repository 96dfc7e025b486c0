// Package enrollment owns one rule: a campaign lead's status and its send
// jobs change together, in one transaction, in one lock order. Everything
// that starts, moves or stops campaign leads goes through it; the send engine
// (internal/sending) only sends the jobs it leaves scheduled.
//
//   - Start: StartLeads gives every active campaign lead without a job a
//     mailbox (rules.AssignMailbox, by capacity and load) and its step 1 (a
//     launch, or leads added to a running campaign). Spread is the same
//     choice for the forecast.
//   - Move: Reassign moves a campaign's active leads off a mailbox (removed
//     or deleted), or gives leads without one a mailbox, and releases their
//     held jobs; with no mailbox left they stay held.
//   - Stop: StopLeads is the one implementation of stopping, set-based: a
//     set of campaign leads gets a status and reason, their jobs not yet
//     handed to a provider are canceled and campaigns left without an active
//     lead complete, in three statements in the caller's transaction.
//     StopLead, StopLeadEverywhere and RecordReply are it for one campaign
//     lead or one lead (the Replies page, the one-click unsubscribe,
//     erasure); the tick calls it once per workspace, status and reason of a
//     batch's stops; the reply loop calls StopRepliedLeads, which also writes
//     the reply times, once per status and reason for a page of messages,
//     deciding replies with ReplyStop as RecordReply does.
//   - Route: RouteReply moves a categorised reply's campaign lead into a
//     reply route (internal/routing), or out of one on a recategorisation:
//     the campaign lead, then its jobs, then the campaign, as StopLeads.
//     RouteReplies does it for a sync page's replies together, the campaign
//     leads in id order.
//
// # Lock order
//
// Lock order, everywhere: jobs, then campaign leads, then mailboxes by id,
// then campaigns by id; StopLeads takes its campaign leads (in id order),
// then only jobs that are not sending, then campaigns; completing campaigns
// (store's CompleteCampaignsIfDone, after a stop or a record) locks them in
// id order first (SELECT … ORDER BY id FOR NO KEY UPDATE), whatever plan the
// UPDATE gets; moving leads to another mailbox (Reassign, from campaign or
// mailbox edits) takes campaign leads, then jobs, then the mailbox. So
// concurrent ticks, replicas, stops and edits do not wait on each other in a
// cycle; should Postgres still report a deadlock, the transaction is run
// again (store.InTxRetry). A stop cannot run inside the tick's claim, which
// holds jobs: the engine collects its stops and applies them after the claim
// commits.
package enrollment
