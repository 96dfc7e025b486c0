// Package mailmsg is the one place that writes and reads RFC 5322 messages.
//
// Every provider (Gmail API raw, Microsoft Graph MIME, SMTP, sandbox) sends the
// bytes produced by [Build], so threading headers, encodings and the
// List-Unsubscribe pair are identical whichever way a message leaves. Inbox
// sync feeds every fetched message to [Parse], whose result is what the
// threader and the inbound classifier read.
//
// Message ids are kept in their header form, with angle brackets
// ("<abc@example.com>"), everywhere in this package: [NewMessageID] returns
// that form, [Inbound.MessageID], [Inbound.InReplyTo] and [Inbound.References]
// hold it, and [ParseMsgIDs] normalises whatever a sender wrote into it.
//
// Parse is deliberately tolerant: real mail is full of broken headers,
// missing boundaries and mislabelled charsets, and a bounce we cannot read is
// a bounce we keep sending to. It returns an error only for empty input and
// never panics.
package mailmsg
