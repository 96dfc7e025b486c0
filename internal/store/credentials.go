package store

import (
	"context"
)

// CredentialsAD is the associated data that binds an inbox's encrypted
// credentials to its row, so a ciphertext copied to another inbox fails to
// decrypt. Everything that encrypts or decrypts the column uses it.
func CredentialsAD(mailboxID string) []byte {
	return []byte("inbox_connections.credentials:" + mailboxID)
}

// EncryptedCredential is one stored ciphertext, for key rotation.
type EncryptedCredential struct {
	MailboxID  string
	Ciphertext string
}

// EncryptedCredentials lists every inbox's encrypted credentials across all
// workspaces; only `leadbitz rotate-key` needs this system-wide view.
func (q Queries) EncryptedCredentials(ctx context.Context) ([]EncryptedCredential, error) {
	rows, err := q.query(ctx, `SELECT id, credentials FROM inbox_connections WHERE credentials <> '' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return collectRows(rows, func(r rowScanner) (EncryptedCredential, error) {
		var c EncryptedCredential
		err := r.Scan(&c.MailboxID, &c.Ciphertext)
		return c, err
	})
}

// ReplaceCredential swaps a ciphertext for its re-encrypted form, only if it
// has not changed meanwhile (a token refresh wins over a rotation; the next
// rotation run picks it up).
func (q Queries) ReplaceCredential(ctx context.Context, mailboxID, old, replacement string) (bool, error) {
	res, err := q.exec(ctx, `UPDATE inbox_connections SET credentials = ? WHERE id = ? AND credentials = ?`,
		replacement, mailboxID, old)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
