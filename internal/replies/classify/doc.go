// Package classify decides what a received message is: a bounce (hard or
// soft, for which recipients), a spam complaint, an automatic reply (with the
// sender's return date when stated), an unsubscribe request in plain words,
// or a human reply.
//
// [Classify] is one pure function of the parsed message: inbox sync uses it
// to stop sequences and write suppressions, and POST /api/inbound/classify
// exposes it so a user can see why a message was treated as it was. Every
// verdict carries Reasons naming the signals that decided it.
package classify
