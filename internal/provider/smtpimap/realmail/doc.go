// Package realmail runs a real mail server for end-to-end tests: Debian's
// Postfix for SMTP submission (STARTTLS on one port, implicit TLS on
// another, SASL authentication through Dovecot) and Dovecot for IMAP
// (STARTTLS and implicit TLS, passwd-file users, Maildir, a SPECIAL-USE
// \Sent folder), with Postfix delivering local mail to Dovecot over LMTP.
// Mail to an unknown local user is refused by Dovecot at RCPT, so Postfix
// returns a genuine RFC 3464 bounce to the sender, as a production server
// would.
//
// Everything lives in one temporary directory: its own Postfix
// configuration directory (postfix -c DIR start-fg), queue and data
// directories, its own Dovecot configuration, runtime directory, sockets
// and mail. Both listen on random high ports of 127.0.0.1; nothing
// system-wide is read or changed and port 25 is never used. Mail for any
// other domain is refused by an error transport, so nothing leaves the
// machine.
//
// Postfix and Dovecot need root (their daemons drop to the postfix, dovecot,
// dovenull and mail users that the Debian packages create). Require starts a
// server for a test, skipping it when the binaries or root are missing
// locally and failing it under CI=true, where .ci/run installs them.
package realmail
