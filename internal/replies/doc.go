// Package replies is the reply loop, the same for every provider: inbox
// sync reads what arrived in each mailbox, threads it to what we sent,
// classifies it and acts on it; the Replies page lists the conversations and
// answers them from the mailbox that received them.
//
// # How a reply flows
//
// Sync opens a mailbox through its provider (provider.Mailbox) and fetches
// pages from the cursor stored in inbox_connections.sync_cursor. For each
// page, outside any transaction, every message is parsed (mailmsg.Parse),
// classified (classify.Classify) and given a category (rules, then the
// configured Categorizer). Then one transaction skips what is already
// stored or is our own sent copy, matches each message to
// our sent one (its In-Reply-To, References or a bounce's returned
// Message-ID, then the provider's thread id, then the sender's address —
// not for reports and unsubscribe requests, see below),
// stores it once in its conversation, and acts:
//
//   - a reply stops the lead's sequence when the campaign stops on reply
//     (and, with stop_on_company_reply, every lead of the same company
//     domain in that campaign);
//   - a hard bounce suppresses the address, marks the lead bounced and stops
//     it everywhere; a soft bounce is only recorded;
//   - an unsubscribe request or a spam complaint suppresses the address and
//     stops the lead everywhere;
//   - an out-of-office pauses the lead's next step until the return date
//     (seven days when none is stated), or stops it when the campaign stops on
//     auto-replies;
//   - mail that matches nothing is kept as a conversation without a lead
//     ("Others").
//
// Bounces, complaints and unsubscribe requests act only when they answer a
// message this mailbox sent (the report's returned Message-ID, In-Reply-To,
// References, or the provider thread of our message), and only on that
// message's recipient, never on the other addresses a report lists: a
// "bounce" from any postmaster address, or a "remove me" with a lead's
// address in From, is filed under Others and changes nothing (no
// suppression, no stop, nothing for the bounce guard to count).
//
// and finally moves the cursor, compare and set: a second sync of the same
// page finds it moved and rolls back.
//
// Because the cursor commits with the messages, a crash repeats a page
// instead of losing it, and the repeat is skipped message by message: a
// restart resumes without loss or duplicates.
//
// A reply written in a conversation is stored first as a queued outbound
// message (with the built RFC 5322 bytes) and then handed to the provider.
// A provider failure leaves it queued for the next attempt (the periodic
// sync pass retries due replies); an attempt that died mid-send asks the
// provider whether the Message-ID went out before sending again.
package replies
