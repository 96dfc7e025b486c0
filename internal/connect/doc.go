// Package connect connects real mailboxes and opens them for the send
// engine and the reply loop.
//
// Connecting: POST /api/inboxes/smtp checks both the SMTP and the IMAP
// login before anything is saved (smtpimap.Verify), and the OAuth flows of
// Google and Microsoft (authorization code with PKCE S256 and a state bound
// to the user and workspace, ten minutes to finish) end in a callback that
// learns the address from the provider. Either way an address the workspace
// already has is reconnected rather than duplicated: its new credentials
// replace the old, it becomes active again, the work held while it was
// disconnected is released and inbox.reconnected is audited.
//
// User-set hosts: every SMTP and IMAP connection, the check's and those
// the send engine and the sync open, goes through Config.Guard
// (internal/netguard): the host is resolved once, loopback, private,
// link-local, unique-local and metadata addresses are refused unless the
// operator allowed their network (LEADBITZ_ALLOW_PRIVATE_NETWORKS), and the
// checked address is the one dialed. SMTP without a login and security
// "none" are accepted only inside an allowed network. A failed check names
// its step (dns, connect, tls, auth) in our words, never the server's, and
// a workspace runs at most ConnectLimit checks (10 a minute), so the form
// is neither a port scanner nor a banner reader.
//
// Secrets: passwords and OAuth tokens are encrypted with the key ring,
// bound to their mailbox row (store.CredentialsAD), and never logged or
// returned. The PKCE verifier is encrypted too, and the table keeps only a
// hash of the state.
//
// Opening: the Service is the provider registry. Openers gives the send
// engine and the reply loop one opener per provider kind; each mailbox is
// built once from its row (credentials decrypted) and reused across ticks
// and sync passes, so an SMTP mailbox keeps its connection; it is rebuilt
// when its stored credentials change and closed when idle or forgotten.
// Refreshed tokens are encrypted and saved as soon as a client gets them.
// A call that fails with an authentication error (a refresh answered
// invalid_grant, a password that stopped working) marks the mailbox
// disconnected with the provider's reason and audits inbox.disconnected
// once; the engine then holds its work until it is reconnected.
package connect
